import type { PageServerLoad } from './$types';
import { auditQuery } from '$lib/audit-query.ts';
import { callerFor, listOrProblem } from '$lib/server/trpc/caller.ts';
import { unitChoices } from '$lib/units-tree.ts';

export const load: PageServerLoad = async (event) => {
	const filter = auditQuery(event.url.searchParams);
	const [page, units] = await Promise.all([
		// A filter from the address that the log refuses (a day before 2000) says why in its place.
		listOrProblem(event, (c) => c.audit.records({ ...filter, limit: 50 }), () => ({ items: [], nextCursor: null })),
		callerFor(event).unit.list().then(unitChoices)
	]);
	return { page, units, filter };
};
