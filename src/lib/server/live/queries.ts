// The SQL behind the live stream.
import type { Tx } from '../db.ts';

/**
 * The units whose reach holds `unitId`: the unit itself and every unit above it. `unitId` is in the subtree of
 * a scope root (inReach) exactly when that root is among them, so one lookup decides a change for every
 * subscriber at once.
 */
export async function unitsAbove(db: Tx, unitId: string): Promise<Set<string>> {
	const rows = await db<{ id: string }[]>`
		with recursive up (id, parent_id) as (
			select id, parent_id from units where id = ${unitId}::uuid
			union
			select u.id, u.parent_id from units u join up on u.id = up.parent_id
		)
		select id from up`;
	return new Set(rows.map((r) => r.id));
}
