import type { PageServerLoad } from './$types';
import { OPINION_HEATS, OPINION_SOURCES, OPINION_TYPES } from '$lib/opinions.ts';
import { idOf, pick } from '$lib/query-filters.ts';
import { callerFor } from '$lib/server/trpc/caller.ts';

const STATUSES = ['open', 'responded', 'closed', 'all'] as const;

export const load: PageServerLoad = async (event) => {
	event.depends('app:opinion_item');
	const q = event.url.searchParams;
	const filter = {
		status: pick(q.get('status'), STATUSES) ?? 'open',
		unitId: idOf(q.get('unit')),
		type: pick(q.get('type'), OPINION_TYPES),
		source: pick(q.get('source'), OPINION_SOURCES),
		heat: pick(q.get('heat'), OPINION_HEATS)
	};
	const caller = callerFor(event);
	const [list, units] = await Promise.all([
		caller.opinion.list({ ...filter, status: filter.status === 'all' ? null : filter.status, limit: 200 }),
		caller.unit.list()
	]);
	return { ...list, units, filter, serverNowMs: Date.now() };
};
