import type { PageServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	const caller = callerFor(event);
	const units = await caller.unit.list();
	return { units, defaultParentId: event.url.searchParams.get('parent') ?? event.locals.user!.scopeUnitId };
};
