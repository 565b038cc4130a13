import { z } from 'zod';
import { render } from '../../i18n/index.ts';
import { toIso } from '../../time.ts';
import { sql } from '../db.ts';
import { authedProcedure, router } from '../trpc/index.ts';
import { countOpenUnread, listNotices, listStaffingGaps } from './queries.ts';

const iso = (d: Date | null) => (d ? toIso(d) : null);

export const inboxRouter = router({
	/** The person's own notices only: open ones first (newest first), then the recently settled. */
	list: authedProcedure
		.input(z.object({ limit: z.number().int().min(1).max(200).default(50) }).default({ limit: 50 }))
		.query(async ({ ctx, input }) => {
			const rows = await listNotices(sql, ctx.actor.personId, input.limit);
			// in the reader's language (the request's): the notice is stored as its key and parameters
			return rows.map((n) => ({
				...n,
				title: render(n.title),
				body: render(n.body),
				settledNote: n.settledNote ? render(n.settledNote) : null,
				createdAt: toIso(n.createdAt),
				readAt: iso(n.readAt),
				acknowledgedAt: iso(n.acknowledgedAt),
				dueAt: iso(n.dueAt),
				settledAt: iso(n.settledAt)
			}));
		}),
	/** Steps that reached nobody, for the office's 工作台: the person's own alerts only. */
	gaps: authedProcedure.query(async ({ ctx }) =>
		(await listStaffingGaps(sql, ctx.actor.personId)).map((g) => ({ ...g, title: render(g.title), body: render(g.body), createdAt: toIso(g.createdAt) }))
	),
	unreadCount: authedProcedure.query(({ ctx }) => countOpenUnread(sql, ctx.actor.personId)),
	markRead: authedProcedure.input(z.object({ ids: z.array(z.uuid()).max(200) })).mutation(async ({ ctx, input }) => {
		const rows = await sql`
			update notifications set read_at = now()
			where person_id = ${ctx.actor.personId} and id = any(${input.ids}::uuid[]) and read_at is null
			returning 1`;
		return { marked: rows.length };
	})
});
