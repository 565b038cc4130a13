import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import type { Role } from '../../roles.ts';
import { t as msg } from '../../i18n/index.ts';
import { ConflictError, FieldError } from '../errors.ts';
import type { Context } from './context.ts';
import './zod-messages.ts';

const t = initTRPC.context<Context>().create({
	errorFormatter({ shape, error }) {
		const fieldErrors: Record<string, string> = {};
		const cause = error.cause;
		if (cause instanceof ZodError) {
			for (const issue of cause.issues) {
				const field = [...issue.path].reverse().find((p) => typeof p === 'string') as string | undefined;
				if (field && !fieldErrors[field]) fieldErrors[field] = issue.message;
			}
		}
		if (error instanceof FieldError) fieldErrors[error.field] = error.message;
		const message =
			cause instanceof ZodError
				? (Object.values(fieldErrors)[0] ?? msg('error.check_fields'))
				: error.code === 'INTERNAL_SERVER_ERROR'
					? msg('error.server')
					: shape.message;
		// Never a stack trace, whatever the environment.
		const { stack: _stack, ...data } = shape.data;
		const existing = error instanceof ConflictError ? error.existing : undefined;
		return { ...shape, message, data: { ...data, fieldErrors, ...(existing === undefined ? {} : { existing }) } };
	}
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure;

export const authedProcedure = t.procedure.use(({ ctx, next }) => {
	if (!ctx.user || !ctx.session) throw new TRPCError({ code: 'UNAUTHORIZED', message: msg('error.unauthorized') });
	return next({ ctx: { ...ctx, user: ctx.user, session: ctx.session, actor: { ...ctx.actor, personId: ctx.user.id } } });
});

/** The open-government office (政务公开办): an office admin working in an office unit, or a system administrator. */
export const officeProcedure = authedProcedure.use(({ ctx, next }) => {
	const office = ctx.user.roles.includes('office_admin') && ctx.user.unitKind === 'office';
	if (!office && !ctx.user.roles.includes('sysadmin')) throw new TRPCError({ code: 'FORBIDDEN', message: msg('error.forbidden') });
	return next();
});

/** Rules apply to every unit, so only the top office (or a system administrator) changes them. */
export const topOfficeProcedure = officeProcedure.use(({ ctx, next }) => {
	if (!ctx.user.scopeIsRoot && !ctx.user.roles.includes('sysadmin')) throw new TRPCError({ code: 'FORBIDDEN', message: msg('error.forbidden') });
	return next();
});

/** Only people holding one of `roles` get past this. */
export function roleProcedure(...roles: Role[]) {
	return authedProcedure.use(({ ctx, next }) => {
		if (!ctx.user.roles.some((r) => roles.includes(r)))
			throw new TRPCError({ code: 'FORBIDDEN', message: msg('error.forbidden') });
		return next();
	});
}
