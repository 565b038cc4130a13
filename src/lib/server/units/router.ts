import { z } from 'zod';
import { isTopOffice } from '../../access.ts';
import { UNIT_KINDS } from '../../roles.ts';
import { toIso } from '../../time.ts';
import type { SessionUser } from '../auth/session.ts';
import { sql } from '../db.ts';
import { notFound } from '../errors.ts';
import { text } from '../trpc/fields.ts';
import { authedProcedure, roleProcedure, router } from '../trpc/init.ts';
import { createUnit, editUnit, setUnitActivity, type UnitEditor } from './flows.ts';
import { getUnit, listUnits, namesOfUnit, type UnitRow } from './queries.ts';
import { scopeRoot } from './scope.ts';

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

const adminProcedure = roleProcedure('office_admin', 'sysadmin');

const editorOf = (user: SessionUser): UnitEditor => ({ unitId: user.unitId, topOffice: isTopOffice(user) });

export const unitRouter = router({
	list: authedProcedure
		.input(z.object({ includeInactive: z.boolean().default(false) }).default({ includeInactive: false }))
		.query(async ({ ctx, input }) => {
			const rows = await listUnits(sql, scopeRoot(ctx.user));
			return rows.filter((u) => input.includeInactive || u.active).map(unitOut);
		}),
	byId: authedProcedure.input(z.object({ id: z.uuid() })).query(async ({ ctx, input }) => {
		const row = await getUnit(sql, input.id, scopeRoot(ctx.user));
		if (!row) throw notFound();
		return { ...unitOut(row), ...(await namesOfUnit(sql, row)) };
	}),
	create: adminProcedure.input(unitInput).mutation(async ({ ctx, input }) =>
		unitOut(await createUnit(input, scopeRoot(ctx.user), ctx.actor, editorOf(ctx.user)))
	),
	update: adminProcedure.input(unitInput.extend({ id: z.uuid() })).mutation(async ({ ctx, input }) => {
		const { id, ...rest } = input;
		return unitOut(await editUnit(id, rest, scopeRoot(ctx.user), ctx.actor, editorOf(ctx.user)));
	}),
	setActive: adminProcedure.input(z.object({ id: z.uuid(), active: z.boolean() })).mutation(async ({ ctx, input }) =>
		unitOut(await setUnitActivity(input.id, input.active, scopeRoot(ctx.user), ctx.actor))
	)
});
