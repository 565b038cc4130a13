import type { PageServerLoad } from './$types';
import { formChoices } from '$lib/server/conferences/form.ts';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	event.depends('app:conference');
	const caller = callerFor(event);
	const conference = await caller.conference.byId({ id: event.params.id });
	const upcoming = conference.status === 'planned' || conference.status === 'postponed';
	// The edit form's choices only while there is still something to edit.
	const choices = conference.canManage && upcoming ? await formChoices(caller, conference.incident?.visible ? conference.incidentId : null) : null;
	return { conference, choices, serverNowMs: Date.now() };
};
