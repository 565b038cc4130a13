import { z } from 'zod';
import { audit } from '../audit/index.ts';
import { sql } from '../db.ts';
import { authedProcedure, router, steppedUp, topOfficeProcedure } from '../trpc/index.ts';
import { fallbackSeconds } from '../notify/index.ts';
import { getSessionSettings, putSetting } from './queries.ts';

// Sign-in lengths and channel fallback apply to everyone: only the top office (or a system administrator) changes them.
export const settingsRouter = router({
	fallbackSeconds: authedProcedure.query(() => fallbackSeconds()),
	/** How long a push may go unreceived before the next channel is tried. */
	updateFallback: steppedUp(topOfficeProcedure)
		.input(z.object({ fallbackSeconds: z.number().int().min(15).max(3600) }))
		.mutation(async ({ ctx, input }) =>
			sql.begin(async (tx) => {
				const before = await fallbackSeconds();
				await putSetting(tx, 'notify.fallback_seconds', input.fallbackSeconds, ctx.actor.personId);
				await audit(tx, ctx.actor, { action: 'settings.fallback_updated', entity: 'settings', entityId: 'notify', before: { fallbackSeconds: before }, after: input });
				return input;
			})
		),
	session: authedProcedure.query(() => getSessionSettings(sql)),
	updateSession: steppedUp(topOfficeProcedure)
		.input(
			z.object({
				idleHours: z.number().int().min(1).max(72),
				absoluteDays: z.number().int().min(1).max(90),
				/** absent: left as it is */
				secondFactorForLeaders: z.boolean().optional()
			})
		)
		.mutation(async ({ ctx, input }) =>
			sql.begin(async (tx) => {
				const before = await getSessionSettings(tx);
				await putSetting(tx, 'session.idle_hours', input.idleHours, ctx.actor.personId);
				await putSetting(tx, 'session.absolute_days', input.absoluteDays, ctx.actor.personId);
				if (input.secondFactorForLeaders !== undefined) await putSetting(tx, 'session.second_factor_leaders', input.secondFactorForLeaders, ctx.actor.personId);
				const after = await getSessionSettings(tx);
				await audit(tx, ctx.actor, { action: 'settings.session_updated', entity: 'settings', entityId: 'session', before, after });
				return after;
			})
		)
});
