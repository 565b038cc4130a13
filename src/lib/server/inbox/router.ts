import { z } from 'zod';
import type { Urgency } from '../../clocks.ts';
import { toIso } from '../../time.ts';
import { sql } from '../db.ts';
import { authedProcedure, router } from '../trpc/init.ts';

interface NotificationRow {
	id: string;
	clockId: string | null;
	stepIndex: number | null;
	urgency: Urgency;
	title: string;
	body: string;
	url: string;
	createdAt: Date;
	readAt: Date | null;
	acknowledgedAt: Date | null;
}

export const inboxRouter = router({
	list: authedProcedure
		.input(z.object({ limit: z.number().int().min(1).max(200).default(50) }).default({ limit: 50 }))
		.query(async ({ ctx, input }) => {
			const rows = await sql<NotificationRow[]>`
				select id, clock_id, step_index, urgency, title, body, url, created_at, read_at, acknowledged_at
				from notifications where person_id = ${ctx.user.id}
				order by created_at desc limit ${input.limit}`;
			return rows.map((n) => ({
				...n,
				createdAt: toIso(n.createdAt),
				readAt: n.readAt ? toIso(n.readAt) : null,
				acknowledgedAt: n.acknowledgedAt ? toIso(n.acknowledgedAt) : null
			}));
		}),
	unreadCount: authedProcedure.query(async ({ ctx }) => {
		const [row] = await sql<{ n: number }[]>`
			select count(*)::int as n from notifications where person_id = ${ctx.user.id} and read_at is null`;
		return row?.n ?? 0;
	}),
	markRead: authedProcedure.input(z.object({ ids: z.array(z.uuid()).max(200) })).mutation(async ({ ctx, input }) => {
		const rows = await sql`
			update notifications set read_at = now()
			where person_id = ${ctx.user.id} and id = any(${input.ids}::uuid[]) and read_at is null
			returning 1`;
		return { marked: rows.length };
	})
});
