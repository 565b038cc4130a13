import type { PageServerLoad } from './$types';
import { canManageConferences } from '$lib/conferences.ts';
import { m } from '$lib/paraglide/messages.js';
import { formChoices } from '$lib/server/conferences/form.ts';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	const user = event.locals.user!;
	if (!canManageConferences(user.roles)) return { canManage: false as const };
	const caller = callerFor(event);
	// Followed from an incident's page: the conference is about it, led by its lead unit, named after it.
	const incidentId = event.url.searchParams.get('incident');
	const incident = incidentId ? await caller.incident.byId({ id: incidentId }) : null;
	const choices = await formChoices(caller, incident?.id ?? null);
	return {
		canManage: true as const,
		choices,
		initial: {
			kind: 'press_conference' as const,
			title: incident ? m['conference.default_title']({ incident: incident.title }) : '',
			incidentId: incident?.id ?? null,
			unitId: incident?.leadUnitId ?? user.unitId,
			plannedAt: null,
			place: '',
			hostId: null,
			speakerIds: null,
			mediaInvited: []
		}
	};
};
