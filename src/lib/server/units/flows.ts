import { audit, type Actor } from '../audit/index.ts';
import { sql } from '../db.ts';
import { FieldError, notFound, RefusedField } from '../errors.ts';
import {
	countActivePeople,
	getRootUnit,
	getUnit,
	insertUnit,
	isInSubtree,
	setUnitActive,
	siblingNameTaken,
	updateUnit,
	type UnitInput,
	type UnitRow
} from './queries.ts';
import type { Tx } from '../db.ts';
import { reaches } from './scope.ts';

async function checkPeopleInScope(tx: Tx, u: UnitInput, scope: string | null, before?: UnitRow) {
	for (const field of ['principalId', 'leaderInChargeId'] as const) {
		const id = u[field];
		// Kept as it was is no choice: a department's leader in charge is usually outside its reach.
		if (!id || id === before?.[field]) continue;
		const [p] = await tx<{ unitId: string }[]>`select unit_id from people where id = ${id} and active`;
		if (!p || !(await reaches(tx, p.unitId, scope))) throw new FieldError(field, 'error.invalid_choice');
	}
}

/** Who changes units beyond their reach: their own unit, and whether they are the top office (or a system administrator). The actor is one. */
export interface UnitEditor {
	unitId: string | null;
	isTopOffice: boolean;
}

// An office unit widens the reach of its administrators to the whole government above it: only the top office makes one.
function checkKind(u: UnitInput, editor: UnitEditor) {
	if (u.kind === 'office' && !editor.isTopOffice) throw new RefusedField('kind', 'units.office_top_only');
}

export async function createUnit(
	u: UnitInput,
	scope: string | null,
	actor: Actor,
	editor: UnitEditor = { unitId: null, isTopOffice: scope === null }
): Promise<UnitRow> {
	return sql.begin(async (tx) => {
		checkKind(u, editor);
		if (u.parentId === null) {
			if (scope !== null) throw new FieldError('parentId', 'error.required');
			if (await getRootUnit(tx)) throw new FieldError('parentId', 'units.root_exists');
		} else {
			const parent = await getUnit(tx, u.parentId, scope);
			if (!parent || !parent.active) throw new FieldError('parentId', 'error.invalid_choice');
		}
		if (await siblingNameTaken(tx, u.parentId, u.name, null)) throw new FieldError('name', 'units.duplicate');
		await checkPeopleInScope(tx, u, scope);
		const row = await insertUnit(tx, u);
		await audit(tx, actor, { action: 'unit.created', entity: 'unit', entityId: row.id, after: row });
		return row;
	});
}

export async function editUnit(
	id: string,
	u: UnitInput,
	scope: string | null,
	actor: Actor,
	editor: UnitEditor = { unitId: null, isTopOffice: scope === null }
): Promise<UnitRow> {
	return sql.begin(async (tx) => {
		const before = await getUnit(tx, id, scope);
		if (!before) throw notFound();
		if (u.kind !== before.kind) checkKind(u, editor);
		// One's own unit decides one's reach: only the top office changes where it sits or what it is.
		if (id === editor.unitId && !editor.isTopOffice) {
			if (u.kind !== before.kind) throw new RefusedField('kind', 'units.own_unit_locked');
			if (u.parentId !== before.parentId) throw new RefusedField('parentId', 'units.own_unit_locked');
		}
		if (u.parentId !== before.parentId) {
			// The top of one's own reach cannot be moved out of it; nor can a unit move under itself.
			if (u.parentId === null || (scope !== null && id === scope)) throw new FieldError('parentId', 'error.invalid_choice');
			const parent = await getUnit(tx, u.parentId, scope);
			if (!parent) throw new RefusedField('parentId', 'error.invalid_choice');
			if (await isInSubtree(tx, id, u.parentId)) throw new FieldError('parentId', 'units.cycle');
		}
		if (await siblingNameTaken(tx, u.parentId, u.name, id)) throw new FieldError('name', 'units.duplicate');
		await checkPeopleInScope(tx, u, scope, before);
		const after = await updateUnit(tx, id, u);
		await audit(tx, actor, { action: 'unit.updated', entity: 'unit', entityId: id, before, after });
		return after;
	});
}

export async function setUnitActivity(id: string, active: boolean, scope: string | null, actor: Actor): Promise<UnitRow> {
	return sql.begin(async (tx) => {
		const before = await getUnit(tx, id, scope);
		if (!before) throw notFound();
		if (!active) {
			if (scope !== null && id === scope) throw new FieldError('id', 'error.forbidden');
			if ((await countActivePeople(tx, id)) > 0) throw new FieldError('name', 'units.has_people');
			const [child] = await tx`select 1 from units where parent_id = ${id} and active limit 1`;
			if (child) throw new FieldError('name', 'units.has_children');
		}
		const after = await setUnitActive(tx, id, active);
		await audit(tx, actor, { action: active ? 'unit.reactivated' : 'unit.deactivated', entity: 'unit', entityId: id, before, after });
		return after;
	});
}
