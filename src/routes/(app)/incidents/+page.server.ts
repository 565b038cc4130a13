import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import type { PageServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';

const STATUSES = ['open', 'closed', 'merged'] as const;
const LEVELS = ['1', '2', '3', '4'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A filter from the query string, or null when it is absent or not one of the choices. */
const pick = <T extends string>(value: string | null, choices: readonly T[]): T | null => (choices.includes(value as T) ? (value as T) : null);
const dayOf = (value: string | null) => (value && DAY.test(value) ? value : null);

export const load: PageServerLoad = async (event) => {
	event.depends('app:incidents');
	const q = event.url.searchParams;
	const level = pick(q.get('level'), LEVELS);
	const filter = {
		status: pick(q.get('status'), STATUSES),
		level: level ? Number(level) : null,
		unitId: UUID.test(q.get('unit') ?? '') ? q.get('unit') : null,
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
