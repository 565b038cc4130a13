import { z } from 'zod';
import { ROLES } from '../../roles.ts';
import { toIso } from '../../time.ts';
import { sql } from '../db.ts';
import { notFound } from '../errors.ts';
import { cursor, pageOf } from '../pages.ts';
import { searchText, wordsOf } from '../search.ts';
import { adminProcedure, authedProcedure, router, steppedUp, text } from '../trpc/index.ts';

// People and their roles are changed only by an administrator who proved who they are in the last 15 minutes.
const adminChange = steppedUp(adminProcedure);
import { locales } from '../../paraglide/runtime.js';
import { changeOwnPassword, setOwnLocale, createPerson, editPerson, resetPassword, resetSecondFactor, setPersonActivity } from './flows.ts';
import { getPerson, listPeople, personCursorOf, type PersonRow } from './queries.ts';

const optionalText = (schema: z.ZodString) =>
	z
		.union([schema, z.literal(''), z.null()])
		.optional()
		.transform((v) => (v ? v : null));

export const personFields = z.object({
	name: text(50, { min: 1, label: 'personName' }),
	username: optionalText(z.string().trim().toLowerCase().regex(/^[a-z][a-z0-9_.-]{2,31}$/)),
	phone: optionalText(z.string().trim().regex(/^1[3-9]\d{9}$/)),
	unitId: z.uuid(),
	roles: z.array(z.enum(ROLES)).min(1).transform((r) => [...new Set(r)])
});

// Never stored as typed (argon2id), but still typed by a person: no control characters either.
const password = text(1024, { min: 1, trim: false });

export function personOut(p: PersonRow) {
	return { ...p, createdAt: toIso(p.createdAt), updatedAt: toIso(p.updatedAt) };
}
export type PersonOut = ReturnType<typeof personOut>;


export const personRouter = router({
	/**
	 * A page of the people in reach by name, filtered as an administrator or a picker looks for one (words of the
	 * name, username or phone number; the unit itself, a role, active or not). `cursor` is the previous page's
	 * `nextCursor`.
	 */
	list: authedProcedure
		.input(
			z
				.object({
					q: searchText(),
					unitId: z.uuid().nullable().default(null),
					role: z.enum(ROLES).nullable().default(null),
					active: z.boolean().nullable().default(null),
					cursor: cursor(z.tuple([z.string().max(60), z.uuid()])),
					limit: z.number().int().min(1).max(100).default(50)
				})
				.default({ q: '', unitId: null, role: null, active: null, cursor: null, limit: 50 })
		)
		.query(async ({ ctx, input }) => {
			const rows = await listPeople(sql, ctx.actor.scope, {
				unitId: input.unitId,
				role: input.role,
				active: input.active,
				words: wordsOf(input.q),
				after: input.cursor,
				limit: input.limit + 1
			});
			return pageOf(rows, input.limit, personCursorOf, personOut);
		}),
	byId: authedProcedure.input(z.object({ id: z.uuid() })).query(async ({ ctx, input }) => {
		const row = await getPerson(sql, input.id, ctx.actor.scope);
		if (!row) throw notFound();
		return personOut(row);
	}),
	create: adminChange.input(personFields.extend({ password })).mutation(async ({ ctx, input }) => {
		const { password: pw, ...p } = input;
		return personOut(await createPerson(p, pw, ctx.actor, ctx.actor));
	}),
	update: adminChange.input(personFields.extend({ id: z.uuid() })).mutation(async ({ ctx, input }) => {
		const { id, ...p } = input;
		return personOut(await editPerson(id, p, ctx.actor, ctx.actor));
	}),
	setActive: adminChange.input(z.object({ id: z.uuid(), active: z.boolean() })).mutation(async ({ ctx, input }) =>
		personOut(await setPersonActivity(input.id, input.active, ctx.actor, ctx.actor))
	),
	resetPassword: adminChange.input(z.object({ id: z.uuid(), password })).mutation(async ({ ctx, input }) => {
		await resetPassword(input.id, input.password, ctx.actor, ctx.actor);
		return { ok: true as const };
	}),
	/** A lost phone: the person sets up a new authenticator at the next sign-in (auth/second-factor.ts). */
	resetSecondFactor: adminChange.input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) => {
		await resetSecondFactor(input.id, ctx.actor, ctx.actor);
		return { ok: true as const };
	}),
	// Only one's own: the actor is the person whose language changes.
	setOwnLocale: authedProcedure.input(z.object({ locale: z.enum(locales) })).mutation(async ({ ctx, input }) => {
		await setOwnLocale(ctx.actor.personId, input.locale, ctx.actor);
		return { locale: input.locale };
	}),
	changeOwnPassword: authedProcedure
		.input(z.object({ currentPassword: password, newPassword: password }))
		.mutation(async ({ ctx, input }) => {
			await changeOwnPassword(ctx.actor.personId, ctx.session.id, input.currentPassword, input.newPassword, ctx.actor);
			return { ok: true as const };
		})
});
