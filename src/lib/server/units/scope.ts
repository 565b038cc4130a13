import type { PendingQuery, Row } from 'postgres';
import type { SessionUser } from '../auth/session.ts';
import type { Tx } from '../db.ts';

/** null means every unit: only a system administrator sees the whole tree. */
export function scopeRoot(user: Pick<SessionUser, 'roles' | 'scopeUnitId'>): string | null {
	return user.roles.includes('sysadmin') ? null : user.scopeUnitId;
}

/**
 * Reach, the one way: a condition that `column` (a column name such as `'i.lead_unit_id'`, or a fragment
 * such as db`${unitId}::uuid`) names a unit in the subtree of `root`. A null root reaches every unit.
 */
export function inReach(db: Tx, column: string | PendingQuery<Row[]>, root: string | null) {
	if (root === null) return db`true`;
	const unit = typeof column === 'string' ? db(column) : column;
	return db`${unit} in (select unit_subtree(${root}::uuid))`;
}

/**
 * The unit whose subtree a person in unit `u` (an alias of `units`) reaches: an office serves the
 * government above it, everyone else their own unit. Sessions and escalation recipients both use it.
 */
export function scopeUnitOf(db: Tx, u: string) {
	return db`case when ${db(u + '.kind')} = 'office' and ${db(u + '.parent_id')} is not null then ${db(u + '.parent_id')} else ${db(u + '.id')} end`;
}
