import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { z } from 'zod';
import { text, authedProcedure, router } from '../trpc/index.ts';
import { listPasskeys, registerPasskey, registrationOptions, removePasskey } from './flows.ts';

const base64url = z.string().regex(/^[A-Za-z0-9_-]*={0,2}$/).max(20_000);

// Loose on purpose: verifyRegistrationResponse checks every byte; this only keeps out what is not shaped like an answer.
const registrationResponse = z
	.object({
		id: base64url.min(1),
		rawId: base64url.min(1),
		type: z.literal('public-key'),
		response: z
			.object({
				clientDataJSON: base64url,
				attestationObject: base64url,
				transports: z.array(text(40, { trim: false })).max(10).optional()
			})
			.loose(),
		clientExtensionResults: z.object({}).loose(),
		authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional()
	})
	.loose() as unknown as z.ZodType<RegistrationResponseJSON, RegistrationResponseJSON>;

export const passkeyRouter = router({
	/** My passkeys, oldest first. */
	list: authedProcedure.query(({ ctx }) => listPasskeys(ctx.actor.personId)),
	/** Starts registering this device: the options for navigator.credentials.create() and the challenge's id. */
	registrationOptions: authedProcedure.mutation(({ ctx }) => registrationOptions(ctx.actor.personId, ctx.origin)),
	register: authedProcedure
		// The name's length is checked in the flow, so its message names the field as 「通行密钥名称」.
		.input(z.object({ challengeId: z.uuid(), name: text(1000, { trim: false }), response: registrationResponse }))
		.mutation(({ ctx, input }) => registerPasskey(ctx.actor.personId, input, ctx.origin, ctx.actor)),
	remove: authedProcedure.input(z.object({ id: base64url.min(1).max(1000) })).mutation(async ({ ctx, input }) => {
		await removePasskey(ctx.actor.personId, input.id, ctx.actor);
		return { ok: true as const };
	})
});
