import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import type { PageServerLoad } from './$types';
import { dayOf, idOf, pick } from '$lib/query-filters.ts';
import { callerFor } from '$lib/server/trpc/caller.ts';

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
		// A filter the list refuses (a day before 2000, say) says why in its place instead of failing the page.
		caller.incident.list({ ...filter, limit: 50 }).then(
			(page) => ({ ...page, problem: null }),
			(error: unknown) => {
				if (error instanceof TRPCError && error.cause instanceof ZodError)
					return { items: [], nextCursor: null, problem: error.cause.issues[0]?.message ?? error.message };
				throw error;
			}
		),
		caller.unit.list()
	]);
	return { page, units, filter, serverNowMs: Date.now() };
};
