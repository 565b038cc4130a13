import type { PageServerLoad } from './$types';
import { dayOf, idOf, pick } from '$lib/query-filters.ts';
import { callerFor, listOrProblem } from '$lib/server/trpc/caller.ts';
import { unitChoices } from '$lib/units-tree.ts';

const STATUSES = ['open', 'closed', 'merged'] as const;
const LEVELS = ['1', '2', '3', '4'] as const;

export const load: PageServerLoad = async (event) => {
	event.depends('app:incidents');
	const q = event.url.searchParams;
	const level = pick(q.get('level'), LEVELS);
	const filter = {
		status: pick(q.get('status'), STATUSES),
		level: level ? Number(level) : null,
		unitId: idOf(q.get('unit')),
		from: dayOf(q.get('from')),
		to: dayOf(q.get('to')),
		q: (q.get('q') ?? '').slice(0, 50)
	};
	const caller = callerFor(event);
	const [page, units] = await Promise.all([
		// A filter from the address that the list refuses says why in its place instead of failing the page.
		listOrProblem(event, (c) => c.incident.list({ ...filter, limit: 50 }), () => ({ items: [], nextCursor: null })),
		caller.unit.list().then(unitChoices)
	]);
	return { page, units, filter, serverNowMs: Date.now() };
};
