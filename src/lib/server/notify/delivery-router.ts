import { z } from 'zod';
import { acknowledgeClock } from '../clocks/index.ts';
import { sql } from '../db.ts';
import { notFound } from '../errors.ts';
import { authedProcedure, publicProcedure, router } from '../trpc/index.ts';
import { recordOnTimeline } from './pipeline.ts';
import { spendToken, tokenMatches } from './tokens.ts';

const LIFE = ['queued', 'sent', 'received', 'opened', 'acknowledged'];

const receipt = z.object({
	deliveryId: z.string().regex(/^\d{1,18}$/),
	token: z.string().regex(/^[a-z2-7]{32}$/),
	event: z.enum(['received', 'opened'])
});

export const deliveryRouter = router({
	/**
	 * The service worker reports that a push arrived, or was opened. The token in the payload is the
	 * proof, so a receipt counts even when the session cookie has expired on that phone.
	 */
	receipt: publicProcedure.input(receipt).mutation(async ({ input }) => {
		if (!(await tokenMatches(sql, input.deliveryId, input.token))) throw notFound();
		const column = input.event === 'received' ? sql`received_at` : sql`opened_at`;
		// One statement finds and records the first receipt of its kind: of two at once, the second waits for the
		// first, finds the time set and changes nothing. Repeats leave the row as it is.
		const first = await sql`
			update deliveries set ${column} = now(), updated_at = now(),
				-- a state only moves forward: a late "received" never undoes "opened"
				status = case when array_position(${LIFE}::text[], ${input.event}) > coalesce(array_position(${LIFE}::text[], status), 0)
					then ${input.event} else status end
			where id = ${input.deliveryId} and ${column} is null
			returning 1`;
		if (first.length) await recordOnTimeline(input.deliveryId, input.event === 'received' ? 'delivery.received' : 'delivery.opened');
		return { ok: true as const };
	}),
	/** "收到" from the notification itself: the signed-in recipient, with the notification's single-use token. */
	acknowledge: authedProcedure
		.input(z.object({ deliveryId: receipt.shape.deliveryId, token: receipt.shape.token }))
		.mutation(async ({ ctx, input }) => {
			const [delivery] = await sql<{ clockId: string | null; stepIndex: number | null; notificationId: string | null; channel: string; recipientId: string }[]>`
				select clock_id, step_index, notification_id, channel, recipient_id from deliveries where id = ${input.deliveryId}`;
			if (!delivery || delivery.recipientId !== ctx.user.id) throw notFound();
			if (!(await spendToken(sql, input.deliveryId, input.token))) return { acknowledged: false };
			// A notice outside any clock is simply seen; a clock's step stops its higher tiers.
			const result = delivery.clockId
				? await acknowledgeClock(delivery.clockId, ctx.user.id, delivery.channel, delivery.stepIndex)
				: await sql`update notifications set read_at = coalesce(read_at, now()) where id = ${delivery.notificationId} returning 1`.then((r) => r[0] ?? null);
			await sql`update deliveries set status = 'acknowledged', acknowledged_at = coalesce(acknowledged_at, now()), updated_at = now() where id = ${input.deliveryId}`;
			return { acknowledged: result !== null };
		})
});
