import type { PageServerLoad } from './$types';
import { OPINION_HEATS, OPINION_SOURCES, OPINION_TYPES } from '$lib/opinions.ts';
import { callerFor } from '$lib/server/trpc/caller.ts';

const STATUSES = ['open', 'responded', 'closed', 'all'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A filter from the query string, or null when it is absent or not one of the choices. */
const pick = <T extends string>(value: string | null, choices: readonly T[]): T | null => (choices.includes(value as T) ? (value as T) : null);

export const load: PageServerLoad = async (event) => {
	event.depends('app:opinion_item');
	const q = event.url.searchParams;
	const filter = {
		status: pick(q.get('status'), STATUSES) ?? 'open',
		unitId: UUID.test(q.get('unit') ?? '') ? q.get('unit') : null,
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
