import type { PageServerLoad } from './$types';
import { isOffice } from '$lib/access.ts';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	event.depends('app:clocks');
	// The count of items awaiting assessment follows every change to one (live.svelte.ts).
	event.depends('app:opinion_item');
	const caller = callerFor(event);
	// The office chases the units' yearly obligations from October (obligations/flows.ts).
	const office = isOffice(event.locals.user!);
	const [mine, obligations, opinionsAwaiting] = await Promise.all([
		caller.clock.mine(),
		office ? caller.obligation.shortfalls() : null,
		caller.opinion.awaitingCount()
	]);
	return { mine, obligations: obligations?.season && obligations.units.length ? obligations : null, opinionsAwaiting };
};
