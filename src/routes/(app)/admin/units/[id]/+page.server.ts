import type { PageServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	const caller = callerFor(event);
	const [unit, units, people] = await Promise.all([
		caller.unit.byId({ id: event.params.id }),
		caller.unit.list({ includeInactive: true }),
		caller.person.list()
	]);
	return { unit, units, people };
};
