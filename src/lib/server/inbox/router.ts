import { z } from 'zod';
import { render } from '../../i18n/index.ts';
import { toIso } from '../../time.ts';
import { sql } from '../db.ts';
import { cursor, pageOf } from '../pages.ts';
import { authedProcedure, router } from '../trpc/index.ts';
import { countOpenUnread, listNotices, listStaffingGaps, SETTLED_SHOWN, type NoticeRow } from './queries.ts';

const iso = (d: Date | null) => (d ? toIso(d) : null);

export const inboxRouter = router({
	/**
	 * The person's own notices only: open ones first (newest first), then the settled, latest settled first, a page
	 * at a time (`settledLimit`, at most 30). `cursor` is the previous page's `nextCursor`: the next settled ones.
	 */
	list: authedProcedure
		.input(
			z
				.object({
					limit: z.number().int().min(1).max(200).default(50),
					cursor: cursor(z.tuple([z.iso.datetime({ offset: true }), z.uuid()]))
				})
				.default({ limit: 50, cursor: null })
		)
		.query(async ({ ctx, input }) => {
			const page = Math.min(input.limit, SETTLED_SHOWN);
			const { open, settled } = await listNotices(sql, ctx.actor.personId, { limit: input.limit, settledLimit: page + 1, after: input.cursor });
			// in the reader's language (the request's): the notice is stored as its key and parameters
			const out = (n: NoticeRow) => ({
				...n,
				title: render(n.title),
				body: render(n.body),
				settledNote: n.settledNote ? render(n.settledNote) : null,
				createdAt: toIso(n.createdAt),
				readAt: iso(n.readAt),
				acknowledgedAt: iso(n.acknowledgedAt),
				dueAt: iso(n.dueAt),
				settledAt: iso(n.settledAt)
			});
			const rest = pageOf(settled, page, (n) => [n.sortAt, n.id], ({ sortAt: _, ...n }) => out(n));
			return { items: [...open.map(out), ...rest.items], nextCursor: rest.nextCursor };
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
