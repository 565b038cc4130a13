import { z } from 'zod';
import { authedProcedure, router, text } from '../trpc/index.ts';
import { stepUp } from './step-up.ts';
import { endOtherSessions, endOwnSession, listOwnSessions } from './sessions.ts';

// Only ever the caller's own sign-ins: every statement is bound to ctx.user.id.
export const sessionRouter = router({
	mine: authedProcedure.query(({ ctx }) => listOwnSessions(ctx.user.id, ctx.session.id)),
	/** 退出此设备 */
	end: authedProcedure
		.input(z.object({ handle: z.string().regex(/^[0-9a-f]{32}$/) }))
		.mutation(async ({ ctx, input }) => ({ ended: await endOwnSession(ctx.user.id, input.handle, ctx.actor) })),
	/** 退出其他所有设备 */
	endOthers: authedProcedure.mutation(async ({ ctx }) => ({ ended: await endOtherSessions(ctx.user.id, ctx.session.id, ctx.actor) })),
	/** the password again: changes that need a recent proof of who this is (steppedUp) are allowed for 15 minutes */
	stepUp: authedProcedure
		.input(z.object({ password: text(1024, { min: 1, trim: false }) }))
		.mutation(async ({ ctx, input }) => {
			await stepUp(ctx.user.id, ctx.session.id, input.password, ctx.actor);
			return { ok: true as const };
		})
});
