// The yearly obligations of each unit (DOMAIN.md): press conferences held against its quota (≥ 1 a year;
// ≥ 1 each half-year for key departments) and its principal's own interpretations (≥ 1 a year).
import type { Tx } from '../db.ts';
import { inReach } from '../units/index.ts';

export interface ObligationRow {
	unitId: string;
	unitName: string;
	isKeyDepartment: boolean;
	conferencesFirstHalf: number;
	conferencesSecondHalf: number;
	principalInterpretations: number;
	lastReminderAt: Date | null;
}

/** A year's counts for the governments and departments in reach (null: every unit), in China time. */
export async function obligationsOf(db: Tx, scopeRoot: string | null, year: number, unitId: string | null = null): Promise<ObligationRow[]> {
	const start = `${year}-01-01T00:00:00+08:00`;
	const middle = `${year}-07-01T00:00:00+08:00`;
	const end = `${year + 1}-01-01T00:00:00+08:00`;
	return db<ObligationRow[]>`
		select u.id as unit_id, u.name as unit_name, u.is_key_department,
			(select count(*)::int from conferences c where c.unit_id = u.id and c.status = 'held' and c.held_at >= ${start}::timestamptz and c.held_at < ${middle}::timestamptz) as conferences_first_half,
			(select count(*)::int from conferences c where c.unit_id = u.id and c.status = 'held' and c.held_at >= ${middle}::timestamptz and c.held_at < ${end}::timestamptz) as conferences_second_half,
			(select count(*)::int from materials m join documents d on d.id = m.document_id
				where m.kind = 'principal' and m.removed_at is null and m.published_at >= ${start}::timestamptz and m.published_at < ${end}::timestamptz
					and d.interpreting_unit_id = u.id) as principal_interpretations,
			(select max(r.sent_at) from obligation_reminders r where r.unit_id = u.id and r.year = ${year}) as last_reminder_at
		from units u
		where u.active and u.kind in ('government', 'department')
			and ${inReach(db, 'u.id', scopeRoot)}
			and (${unitId}::uuid is null or u.id = ${unitId})
		order by u.name`;
}
