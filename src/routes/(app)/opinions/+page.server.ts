import type { PageServerLoad } from './$types';
import { OPINION_HEATS, OPINION_SOURCES, OPINION_TYPES } from '$lib/opinions.ts';
import { idOf, pick } from '$lib/query-filters.ts';
import { callerFor, listOrProblem } from '$lib/server/trpc/caller.ts';
import { unitChoices } from '$lib/units-tree.ts';

const STATUSES = ['open', 'responded', 'closed', 'all'] as const;

export const load: PageServerLoad = async (event) => {
	event.depends('app:opinion_item');
	const q = event.url.searchParams;
	const filter = {
		status: pick(q.get('status'), STATUSES) ?? 'open',
		unitId: idOf(q.get('unit')),
		type: pick(q.get('type'), OPINION_TYPES),
		source: pick(q.get('source'), OPINION_SOURCES),
		heat: pick(q.get('heat'), OPINION_HEATS),
		q: (q.get('q') ?? '').slice(0, 50)
	};
	const caller = callerFor(event);
	const [page, units] = await Promise.all([
		// A filter from the address that the list refuses says why in its place instead of failing the page.
		listOrProblem(event, (c) => c.opinion.list({ ...filter, status: filter.status === 'all' ? null : filter.status, limit: 50 }), async () => ({ items: [], nextCursor: null, awaiting: await caller.opinion.awaitingCount() })),
		caller.unit.list().then(unitChoices)
	]);
	return { page, units, filter, serverNowMs: Date.now() };
};
