import type { PendingQuery, Row } from 'postgres';
import type { SessionUser } from '../auth/index.ts';
import type { Tx } from '../db.ts';

// Reach, the one way. A person reaches the units under one root (`scopeRoot`, carried as `actor.scope`); a
// query asks it as SQL with `inReach`, a flow about one unit with `reaches`. Nothing else tests reach by hand.

/** null means every unit: a system administrator and an auditor (who only reads) see the whole tree. */
export function scopeRoot(user: Pick<SessionUser, 'roles' | 'scopeUnitId'>): string | null {
	return user.roles.includes('sysadmin') || user.roles.includes('auditor') ? null : user.scopeUnitId;
}

/**
 * A condition that `column` (a column name such as `'i.lead_unit_id'`, or a fragment such as db`${unitId}::uuid`)
 * names a unit in the subtree of `root`. A null root reaches every unit.
 */
export function inReach(db: Tx, column: string | PendingQuery<Row[]>, root: string | null) {
	if (reachesEveryUnit(root)) return db`true`;
	const unit = typeof column === 'string' ? db(column) : column;
	return db`${unit} in (select unit_subtree(${root}::uuid))`;
}

/** Whether `root` reaches every unit (a system administrator's): what belongs to no unit is in their reach too. */
export function reachesEveryUnit(root: string | null): boolean {
	return root === null;
}

/** Whether `root` reaches the unit `unitId`; no unit (null) is reached only by a root that reaches every unit. */
export async function reaches(db: Tx, unitId: string | null, root: string | null): Promise<boolean> {
	if (reachesEveryUnit(root)) return true;
	if (unitId === null) return false;
	const [row] = await db<{ inside: boolean }[]>`select ${inReach(db, db`${unitId}::uuid`, root)} as inside`;
	return row?.inside ?? false;
}

/**
 * The unit whose subtree a person in unit `u` (an alias of `units`) reaches: an office serves the
 * government above it, everyone else their own unit. Sessions and escalation recipients both use it.
 */
export function scopeUnitOf(db: Tx, u: string) {
	return db`case when ${db(u + '.kind')} = 'office' and ${db(u + '.parent_id')} is not null then ${db(u + '.parent_id')} else ${db(u + '.id')} end`;
}
