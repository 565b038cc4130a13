import type { Tx } from '../db.ts';

export interface ShiftRow {
	id: string;
	unitId: string;
	startsAt: Date;
	endsAt: Date;
	officerIds: string[];
	leaderId: string | null;
	phone: string | null;
	officers: { id: string; name: string; phone: string | null }[];
	leader: { id: string; name: string; phone: string | null } | null;
}

/** A unit's shifts that overlap [from, to), earliest first, with the names and phones of who is on them. */
export async function shiftsOf(db: Tx, unitId: string, from: Date, to: Date, limit = 200, id: string | null = null): Promise<ShiftRow[]> {
	return db<ShiftRow[]>`
		select s.id, s.unit_id, s.starts_at, s.ends_at, s.officer_ids, s.leader_id, s.phone,
			coalesce((
				select json_agg(json_build_object('id', p.id, 'name', p.name, 'phone', p.phone) order by array_position(s.officer_ids, p.id))
				from people p where p.id = any(s.officer_ids)
			), '[]'::json) as officers,
			(select json_build_object('id', p.id, 'name', p.name, 'phone', p.phone) from people p where p.id = s.leader_id) as leader
		from duty_shifts s
		where s.unit_id = ${unitId} and s.starts_at < ${to} and s.ends_at > ${from} and (${id}::uuid is null or s.id = ${id}::uuid)
		order by s.starts_at
		limit ${limit}`;
}

/** The shift covering `at` (the database's now when not given), if the roster has one. */
export async function shiftAt(db: Tx, unitId: string, at: Date | null): Promise<{ officerIds: string[]; leaderId: string | null } | null> {
	const [row] = await db<{ officerIds: string[]; leaderId: string | null }[]>`
		select officer_ids, leader_id from duty_shifts
		where unit_id = ${unitId} and starts_at <= coalesce(${at}::timestamptz, now()) and ends_at > coalesce(${at}::timestamptz, now())
		limit 1`;
	return row ?? null;
}

/** One shift of a unit, or undefined. */
export async function shiftOfUnit(db: Tx, unitId: string, id: string): Promise<ShiftRow | undefined> {
	const [row] = await shiftsOf(db, unitId, new Date('2000-01-01T00:00:00Z'), new Date('2101-01-01T00:00:00Z'), 1, id);
	return row;
}
