import type { PageServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	const caller = callerFor(event);
	const incidents = await caller.incident.list({ status: 'open', limit: 100 }).then((page) => page.items);
	const conferenceId = event.url.searchParams.get('conference');
	const conference = conferenceId ? await caller.conference.byId({ id: conferenceId }).catch(() => null) : null;
	// A 回应 or 澄清 drafted from a public-opinion item answers it: publishing it meets the item's clock.
	const opinionId = event.url.searchParams.get('opinion');
	const opinion = opinionId && !conference ? await caller.opinion.byId({ id: opinionId }).catch(() => null) : null;
	return {
		incidents: incidents.map((i) => ({ id: i.id, title: i.title, level: i.level })),
		incidentId: event.url.searchParams.get('incident') ?? opinion?.incidentId ?? null,
		conference: conference && { id: conference.id, title: conference.title },
		opinion: opinion && { id: opinion.id, summary: opinion.summary, type: opinion.type },
		kind: event.url.searchParams.get('kind')
	};
};
