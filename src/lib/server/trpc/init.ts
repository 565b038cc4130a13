import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { isAdmin, isAuditor, type Role } from '../../roles.ts';
import { t as msg } from '../../i18n/index.ts';
import { actorFor } from '../actor.ts';
import { auditRefusal } from '../audit/index.ts';
import { writeLimiter } from '../auth/index.ts';
import { sql } from '../db.ts';
import { ConflictError, FieldError, RefusedField, serverErrorMessage, StepUpRequired } from '../errors.ts';
import type { Context } from './context.ts';
import './zod-messages.ts';

const t = initTRPC.context<Context>().create({
	// The live stream says it is alive every 20 s: a proxy in between (nginx's read timeout) does not cut an idle one,
	// and a client that hears nothing for a minute takes its stream for dead and opens another.
	sse: { ping: { enabled: true, intervalMs: 20_000 }, client: { reconnectAfterInactivityMs: 60_000 } },
	errorFormatter({ shape, error, ctx }) {
		const fieldErrors: Record<string, string> = {};
		const cause = error.cause;
		if (cause instanceof ZodError) {
			for (const issue of cause.issues) {
				const field = [...issue.path].reverse().find((p) => typeof p === 'string') as string | undefined;
				if (field && !fieldErrors[field]) fieldErrors[field] = issue.message;
			}
		}
		if (error instanceof FieldError) fieldErrors[error.field] = error.message;
		// A body that is not JSON: tRPC says PARSE_ERROR, or BAD_REQUEST around JSON.parse's SyntaxError.
		const unreadable = error.code === 'PARSE_ERROR' || cause instanceof SyntaxError;
		const message =
			cause instanceof ZodError
				? (Object.values(fieldErrors)[0] ?? msg('error.check_fields'))
				: error.code === 'INTERNAL_SERVER_ERROR'
					? serverErrorMessage(ctx?.requestId)
					: unreadable
						? msg('error.bad_request_body')
						: shape.message;
		// Never a stack trace, whatever the environment.
		const { stack: _stack, ...data } = shape.data;
		const existing = error instanceof ConflictError ? error.existing : undefined;
		// The line in the server log that tells support what happened carries this id (src/lib/server/log.ts).
		const requestId = error.code === 'INTERNAL_SERVER_ERROR' ? ctx?.requestId : undefined;
		return {
			...shape,
			message,
			data: {
				...data,
				fieldErrors,
				...(existing === undefined ? {} : { existing }),
				...(requestId === undefined ? {} : { requestId }),
				// the screen asks for the password again and tries once more (lib/state/step-up.svelte.ts)
				...(error instanceof StepUpRequired ? { stepUp: true } : {})
			}
		};
	}
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Every write counts against its person's and its address's limits (auth/write-limits.ts) before it runs. */
const limitedProcedure = t.procedure.use(async ({ ctx, type, next }) => {
	if (type === 'mutation') await writeLimiter().consume({ personId: ctx.user?.id ?? null, ip: ctx.actor.ip });
	return next();
});

export const publicProcedure = limitedProcedure;

/** The record a refusal is about: the `id` of the input, else its first `…Id`. */
function entityIdOf(input: unknown): string | null {
	if (!input || typeof input !== 'object') return null;
	const fields = input as Record<string, unknown>;
	const key = 'id' in fields ? 'id' : Object.keys(fields).find((k) => k.endsWith('Id') && typeof fields[k] === 'string');
	const value = key === undefined ? undefined : fields[key];
	return typeof value === 'string' ? value.slice(0, 100) : null;
}

/** What an auditor may still change: their own sessions, second factors, language and devices. */
export const AUDITOR_MAY = ['session.', 'passkey.', 'device.', 'person.setOwnLocale', 'audit.verify'];

export const authedProcedure = limitedProcedure.use(async ({ ctx, next, path, type, getRawInput }) => {
	if (!ctx.user || !ctx.session) throw new TRPCError({ code: 'UNAUTHORIZED', message: msg('error.unauthorized') });
	// A shared phone's outbox entry is sent only as the person who typed it; it waits on the device otherwise.
	if (ctx.ownerId && ctx.ownerId !== ctx.user.id) throw new TRPCError({ code: 'PRECONDITION_FAILED', message: msg('error.not_the_author') });
	// From here on the request acts as this one actor (actor.ts): its flows, reach and audit lines all read it.
	const actor = actorFor(ctx.user, ctx.actor, ctx.origin);
	// An auditor (审计员) changes nothing but what is their own: their sign-ins, passkeys, language, devices.
	if (type === 'mutation' && isAuditor(actor.roles) && !AUDITOR_MAY.some((p) => path.startsWith(p))) {
		const input = await getRawInput().catch(() => undefined);
		await auditRefusal(sql, actor, { entity: path, entityId: entityIdOf(input), code: 'FORBIDDEN' });
		throw new TRPCError({ code: 'FORBIDDEN', message: msg('error.auditor_reads_only') });
	}
	const result = await next({ ctx: { ...ctx, user: ctx.user, session: ctx.session, actor } });
	// Out of reach or not allowed (the two answers reach gives) is evidence too; a rejected input is not.
	if (!result.ok && (result.error.code === 'FORBIDDEN' || result.error.code === 'NOT_FOUND' || result.error instanceof RefusedField)) {
		const input = await getRawInput().catch(() => undefined);
		await auditRefusal(sql, actor, { entity: path, entityId: entityIdOf(input), code: result.error.code });
	}
	return result;
});

/** The open-government office (政务公开办): an office admin working in an office unit, or a system administrator. */
/** An auditor reads what the office reads (they reach every unit), and changes nothing (authedProcedure). */
const auditorReads = (roles: readonly Role[], type: string) => type === 'query' && isAuditor(roles);

export const officeProcedure = authedProcedure.use(({ ctx, next, type }) => {
	if (!ctx.actor.isOffice && !auditorReads(ctx.actor.roles, type)) throw new TRPCError({ code: 'FORBIDDEN', message: msg('error.forbidden') });
	return next();
});

/** Rules apply to every unit, so only the top office (or a system administrator) changes them. */
export const topOfficeProcedure = officeProcedure.use(({ ctx, next, type }) => {
	if (!ctx.actor.isTopOffice && !auditorReads(ctx.actor.roles, type)) throw new TRPCError({ code: 'FORBIDDEN', message: msg('error.forbidden') });
	return next();
});

/** An administrator: of the office, or of a department (its own units and people). */
export const adminProcedure = authedProcedure.use(({ ctx, next, type }) => {
	if (!isAdmin(ctx.actor.roles) && !auditorReads(ctx.actor.roles, type)) throw new TRPCError({ code: 'FORBIDDEN', message: msg('error.forbidden') });
	return next();
});

/** Only people holding one of `roles` get past this. */
export function roleProcedure(...roles: Role[]) {
	return authedProcedure.use(({ ctx, next }) => {
		if (!ctx.actor.roles.some((r) => roles.includes(r)))
			throw new TRPCError({ code: 'FORBIDDEN', message: msg('error.forbidden') });
		return next();
	});
}

/** How long a sign-in or a step-up counts as a fresh proof of who the person is. */
export const STEP_UP_WINDOW_MS = 15 * 60_000;

/**
 * Changing people, roles, rules, channel secrets and settings: the person must have proved who they are within the
 * last 15 minutes (signed in, or given their password again through session.stepUp). A phone left signed in on a
 * desk, or a stolen cookie, cannot make an administrator of anyone.
 */
export function steppedUp<P extends typeof authedProcedure>(procedure: P): P {
	return procedure.use(({ ctx, next }) => {
		if (Date.now() - ctx.session!.authenticatedAt.getTime() > STEP_UP_WINDOW_MS) throw new StepUpRequired(msg('stepup.required'));
		return next();
	}) as P;
}
