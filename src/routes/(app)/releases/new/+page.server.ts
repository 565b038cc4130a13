import type { PageServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	const caller = callerFor(event);
	const incidents = await caller.incident.list({ status: 'open', limit: 200 });
	const conferenceId = event.url.searchParams.get('conference');
	const conference = conferenceId ? await caller.conference.byId({ id: conferenceId }).catch(() => null) : null;
	return {
		incidents: incidents.map((i) => ({ id: i.id, title: i.title, level: i.level })),
		incidentId: event.url.searchParams.get('incident'),
		conference: conference && { id: conference.id, title: conference.title },
		kind: event.url.searchParams.get('kind')
	};
};
