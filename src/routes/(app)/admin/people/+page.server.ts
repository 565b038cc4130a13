import type { PageServerLoad } from './$types';
import { idOf, pick } from '$lib/query-filters.ts';
import { ROLES } from '$lib/roles.ts';
import { callerFor, listOrProblem } from '$lib/server/trpc/caller.ts';
import { unitChoices } from '$lib/units-tree.ts';

const STATUSES = ['active', 'inactive'] as const;

export const load: PageServerLoad = async (event) => {
	const q = event.url.searchParams;
	const status = pick(q.get('status'), STATUSES);
	const filter = {
		q: (q.get('q') ?? '').slice(0, 50),
		unitId: idOf(q.get('unit')),
		role: pick(q.get('role'), ROLES),
		active: status ? status === 'active' : null
	};
	const caller = callerFor(event);
	const [page, units] = await Promise.all([
		// A filter from the address that the list refuses says why in its place instead of failing the page.
		listOrProblem(event, (c) => c.person.list({ ...filter, limit: 50 }), () => ({ items: [], nextCursor: null })),
		caller.unit.list({ includeInactive: true }).then(unitChoices)
	]);
	return { page, units, filter: { ...filter, status } };
};
