// Clocks and breaches as rows, for the list tests of other domains (the incident list, the opinion board, the
// missed deadlines) that need many at given times without running the engine. Tests only: the app writes clocks
// through flows.ts and changes.ts alone (owner.spec.ts), and this file lives here to keep that so.
import type { Tx } from '../db.ts';

export interface FixtureClock {
	subject: 'incident' | 'opinion_item' | 'document';
	subjectId: string;
	unitId: string;
	startsAt: Date;
	dueAt: Date;
	status?: 'running' | 'breached';
}

/** Clocks of rule `ruleKey`, one a row, as the engine would have started them; their ids, in order. */
export async function fixtureClocks(db: Tx, ruleKey: string, clocks: FixtureClock[]): Promise<string[]> {
	if (!clocks.length) return [];
	const rows = await db<{ id: string }[]>`
		insert into clocks (rule_key, subject, subject_id, unit_id, rule_name, satisfied_by, ladder, starts_at, due_at, started_at, status)
		select r.key, c.subject, c.subject_id, c.unit_id, r.name, r.satisfied_by, r.ladder, c.starts_at, c.due_at, c.starts_at, c.status
		from unnest(${clocks.map((c) => c.subject)}::text[], ${clocks.map((c) => c.subjectId)}::uuid[], ${clocks.map((c) => c.unitId)}::uuid[],
			${clocks.map((c) => c.startsAt.toISOString())}::timestamptz[], ${clocks.map((c) => c.dueAt.toISOString())}::timestamptz[],
			${clocks.map((c) => c.status ?? 'running')}::text[]) with ordinality as c(subject, subject_id, unit_id, starts_at, due_at, status, n)
		cross join clock_rules r where r.key = ${ruleKey}
		order by c.n
		returning id`;
	return rows.map((r) => r.id);
}

/** A breach of each clock, breached at the given instant (ISO text, to the microsecond), due when the clock was. */
export async function fixtureBreaches(db: Tx, breaches: { clockId: string; breachedAt: string }[]): Promise<void> {
	await db`
		insert into breaches (clock_id, unit_id, due_at, breached_at)
		select c.id, c.unit_id, c.due_at, b.breached_at
		from unnest(${breaches.map((b) => b.clockId)}::uuid[], ${breaches.map((b) => b.breachedAt)}::timestamptz[]) as b(clock_id, breached_at)
		join clocks c on c.id = b.clock_id`;
}
