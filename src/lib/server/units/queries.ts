import type { UnitKind } from '../../roles.ts';
import type { Tx } from '../db.ts';
import { inReach, reaches } from './scope.ts';

export interface UnitRow {
	id: string;
	name: string;
	parentId: string | null;
	kind: UnitKind;
	isKeyDepartment: boolean;
	principalId: string | null;
	leaderInChargeId: string | null;
	active: boolean;
	createdAt: Date;
	updatedAt: Date;
}

const columns = (db: Tx) =>
	db`id, name, parent_id, kind, is_key_department, principal_id, leader_in_charge_id, active, created_at, updated_at`;

/** The units a person may see: the subtree of their own unit, or every unit for null. */
export async function listUnits(db: Tx, scopeRoot: string | null): Promise<UnitRow[]> {
	return db<UnitRow[]>`
		select ${columns(db)} from units
		where ${inReach(db, 'id', scopeRoot)}
		order by parent_id nulls first, kind, name`;
}

export async function getUnit(db: Tx, id: string, scopeRoot: string | null): Promise<UnitRow | undefined> {
	const [row] = await db<UnitRow[]>`
		select ${columns(db)} from units
		where id = ${id} and ${inReach(db, 'id', scopeRoot)}`;
	return row;
}

/**
 * Who and what a unit's own fields name, by name: its principal, leader in charge and parent may lie outside the
 * reader's reach (a department's leader in charge is usually a vice-mayor), yet they are this unit's own facts.
 */
export async function namesOfUnit(db: Tx, u: Pick<UnitRow, 'principalId' | 'leaderInChargeId' | 'parentId'>) {
	const [row] = await db<{ principalName: string | null; leaderInChargeName: string | null; parentName: string | null }[]>`
		select (select name from people where id = ${u.principalId}) as principal_name,
			(select name from people where id = ${u.leaderInChargeId}) as leader_in_charge_name,
			(select name from units where id = ${u.parentId}) as parent_name`;
	return row!;
}

export async function getRootUnit(db: Tx): Promise<UnitRow | undefined> {
	const [row] = await db<UnitRow[]>`select ${columns(db)} from units where parent_id is null order by created_at limit 1`;
	return row;
}

export async function findUnitByName(db: Tx, name: string): Promise<UnitRow | undefined> {
	const [row] = await db<UnitRow[]>`select ${columns(db)} from units where name = ${name} order by created_at limit 1`;
	return row;
}

/** Whether unit `id` sits under `root` in the tree (or is it): the shape of the tree, as reach reads it. */
export const isInSubtree = (db: Tx, root: string, id: string): Promise<boolean> => reaches(db, id, root);

export interface UnitInput {
	name: string;
	parentId: string | null;
	kind: UnitKind;
	isKeyDepartment: boolean;
	principalId: string | null;
	leaderInChargeId: string | null;
}

export async function insertUnit(db: Tx, u: UnitInput): Promise<UnitRow> {
	const [row] = await db<UnitRow[]>`
		insert into units (name, parent_id, kind, is_key_department, principal_id, leader_in_charge_id)
		values (${u.name}, ${u.parentId}, ${u.kind}, ${u.isKeyDepartment}, ${u.principalId}, ${u.leaderInChargeId})
		returning ${columns(db)}`;
	return row!;
}

export async function updateUnit(db: Tx, id: string, u: UnitInput): Promise<UnitRow> {
	const [row] = await db<UnitRow[]>`
		update units set name = ${u.name}, parent_id = ${u.parentId}, kind = ${u.kind},
			is_key_department = ${u.isKeyDepartment}, principal_id = ${u.principalId},
			leader_in_charge_id = ${u.leaderInChargeId}, updated_at = now()
		where id = ${id}
		returning ${columns(db)}`;
	return row!;
}

export async function setUnitActive(db: Tx, id: string, active: boolean): Promise<UnitRow> {
	const [row] = await db<UnitRow[]>`
		update units set active = ${active}, updated_at = now() where id = ${id} returning ${columns(db)}`;
	return row!;
}

export async function countActivePeople(db: Tx, unitId: string): Promise<number> {
	const [row] = await db<{ n: number }[]>`select count(*)::int as n from people where unit_id = ${unitId} and active`;
	return row?.n ?? 0;
}

export async function siblingNameTaken(db: Tx, parentId: string | null, name: string, exceptId: string | null): Promise<boolean> {
	const [row] = await db<{ taken: boolean }[]>`
		select exists (
			select 1 from units
			where parent_id is not distinct from ${parentId} and name = ${name}
				and (${exceptId}::uuid is null or id <> ${exceptId}::uuid)
		) as taken`;
	return row?.taken ?? false;
}

/**
 * The mobile phones of `personIds` that a reader reaching `scopeRoot` may call: the same reach as the people list,
 * so a number shown on a unit's page is one its reader could already look up.
 */
export async function phonesOf(db: Tx, personIds: string[], scopeRoot: string | null): Promise<Map<string, string>> {
	if (!personIds.length) return new Map();
	const rows = await db<{ id: string; phone: string }[]>`
		select id, phone from people
		where id = any(${personIds}::uuid[]) and phone is not null and active and ${inReach(db, 'unit_id', scopeRoot)}`;
	return new Map(rows.map((r) => [r.id, r.phone]));
}
