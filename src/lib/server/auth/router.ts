import { z } from 'zod';
import { secondFactorProof } from '../passkeys/index.ts';
import { authedProcedure, router } from '../trpc/index.ts';
import { stepUp, stepUpChallenge } from './step-up.ts';
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
	/** the step-up ceremony: a passkey challenge bound to this session, or "use your password" */
	stepUpOptions: authedProcedure.mutation(({ ctx }) => stepUpChallenge(ctx.user.id, ctx.session.id, ctx.origin)),
	/** proof of who this is again: changes that need a recent one (steppedUp) are then allowed for 15 minutes */
	stepUp: authedProcedure.input(z.object({ proof: secondFactorProof })).mutation(async ({ ctx, input }) => {
		await stepUp(ctx.user.id, ctx.session.id, input.proof, ctx.actor, ctx.origin);
		return { ok: true as const };
	})
});
