import type { PageServerLoad } from './$types';
import { dayOf, idOf } from '$lib/query-filters.ts';
import { callerFor, listOrProblem } from '$lib/server/trpc/caller.ts';
import { unitChoices } from '$lib/units-tree.ts';

export const load: PageServerLoad = async (event) => {
	const q = event.url.searchParams;
	const filter = { unitId: idOf(q.get('unit')), from: dayOf(q.get('from')), to: dayOf(q.get('to')) };
	const caller = callerFor(event);
	const [page, units] = await Promise.all([
		// A filter from the address that the list refuses says why in its place instead of failing the page.
		listOrProblem(event, (c) => c.breach.list({ ...filter, limit: 30 }), () => ({ items: [], nextCursor: null })),
		caller.unit.list().then(unitChoices)
	]);
	return { page, units, filter, serverNowMs: Date.now() };
};
