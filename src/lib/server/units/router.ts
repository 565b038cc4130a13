import { z } from 'zod';
import { UNIT_KINDS } from '../../roles.ts';
import { toIso } from '../../time.ts';
import { sql } from '../db.ts';
import { notFound } from '../errors.ts';
import { text, adminProcedure, authedProcedure, router } from '../trpc/index.ts';
import { createUnit, editUnit, setUnitActivity } from './flows.ts';
import { getUnit, listUnits, namesOfUnit, phonesOf, type UnitRow } from './queries.ts';

const unitInput = z.object({
	name: text(100, { min: 1 }),
	parentId: z.uuid().nullable().default(null),
	kind: z.enum(UNIT_KINDS).default('department'),
	isKeyDepartment: z.boolean().default(false),
	principalId: z.uuid().nullable().default(null),
	leaderInChargeId: z.uuid().nullable().default(null)
});

export function unitOut(u: UnitRow) {
	return { ...u, createdAt: toIso(u.createdAt), updatedAt: toIso(u.updatedAt) };
}
export type UnitOut = ReturnType<typeof unitOut>;

export const unitRouter = router({
	list: authedProcedure
		.input(z.object({ includeInactive: z.boolean().default(false) }).default({ includeInactive: false }))
		.query(async ({ ctx, input }) => {
			const rows = await listUnits(sql, ctx.actor.scope);
			return rows.filter((u) => input.includeInactive || u.active).map(unitOut);
		}),
	byId: authedProcedure.input(z.object({ id: z.uuid() })).query(async ({ ctx, input }) => {
		const row = await getUnit(sql, input.id, ctx.actor.scope);
		if (!row) throw notFound();
		return { ...unitOut(row), ...(await namesOfUnit(sql, row)) };
	}),
	/** The mobile phones of these people that the actor could already look up: only people within their reach. */
	phones: authedProcedure
		.input(z.object({ personIds: z.array(z.uuid()).max(200) }))
		.query(async ({ ctx, input }) => Object.fromEntries(await phonesOf(sql, input.personIds, ctx.actor.scope))),
	create: adminProcedure.input(unitInput).mutation(async ({ ctx, input }) =>
		unitOut(await createUnit(input, ctx.actor.scope, ctx.actor, ctx.actor))
	),
	update: adminProcedure.input(unitInput.extend({ id: z.uuid() })).mutation(async ({ ctx, input }) => {
		const { id, ...rest } = input;
		return unitOut(await editUnit(id, rest, ctx.actor.scope, ctx.actor, ctx.actor));
	}),
	setActive: adminProcedure.input(z.object({ id: z.uuid(), active: z.boolean() })).mutation(async ({ ctx, input }) =>
		unitOut(await setUnitActivity(input.id, input.active, ctx.actor.scope, ctx.actor))
	)
});
