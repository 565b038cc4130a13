import type { PageServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	const caller = callerFor(event);
	const [units, people] = await Promise.all([caller.unit.list(), caller.person.list()]);
	return { units, people, defaultParentId: event.url.searchParams.get('parent') ?? event.locals.user!.scopeUnitId };
};
