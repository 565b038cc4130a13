import type { SubjectType } from '../../subjects.ts';
import type { Tx } from '../db.ts';
import { allOf, cursorTime } from '../pages.ts';
import { reachesEveryUnit } from '../units/index.ts';

export interface BreachRow {
	id: string;
	clockId: string;
	unitId: string;
	unitName: string;
	ruleName: string;
	subject: SubjectType;
	subjectId: string;
	subjectTitle: string;
	dueAt: Date;
	breachedAt: Date;
	satisfiedAt: Date | null;
	status: string;
	responsible: string[];
	actions: { kind: 'notice_of_criticism' | 'summons'; note: string; by: string; at: string }[];
	/** when it was breached, to the microsecond: its place in the list */
	sortAt: string;
}

export interface BreachFilter {
	/** this unit and the units under it (within reach) */
	unitId: string | null;
	/** breached at or after */
	from: Date | null;
	/** breached before */
	to: Date | null;
	after: [breachedAt: string, id: string] | null;
	/** rows to read: the page and one more */
	limit: number;
}

/**
 * The reach as an array worked out first: PostgreSQL then walks `breaches_listed` and checks each row against it,
 * where a join with the units would have it read every breach and sort them (the table is small next to the clocks,
 * and the planner prefers that, wrongly, for a page of thirty).
 */
const reach = (db: Tx, root: string | null) =>
	reachesEveryUnit(root) ? db`true` : db`b.unit_id = any(array(select unit_subtree(${root}::uuid)))`;

/**
 * Breaches in reach, newest first, after the cursor: a walk down `breaches_listed` (or the unit's index), the
 * clock, names and decisions looked up for the page's rows only.
 */
export async function listBreaches(db: Tx, scopeRoot: string | null, f: BreachFilter): Promise<BreachRow[]> {
	const conditions = [reach(db, scopeRoot)];
	if (f.unitId) conditions.push(reach(db, f.unitId));
	if (f.from) conditions.push(db`b.breached_at >= ${f.from}`);
	if (f.to) conditions.push(db`b.breached_at < ${f.to}`);
	if (f.after) conditions.push(db`(b.breached_at, b.id) < (${f.after[0]}::timestamptz, ${f.after[1]}::uuid)`);
	return db<BreachRow[]>`
		with page as (
			select b.* from breaches b
			where ${allOf(db, conditions)}
			order by b.breached_at desc, b.id desc
			limit ${f.limit}
		)
		select b.id, b.clock_id, b.unit_id, u.name as unit_name, c.rule_name, c.subject, c.subject_id,
			coalesce(subject_title(c.subject, c.subject_id), '') as subject_title, b.due_at, b.breached_at, c.satisfied_at, c.status,
			coalesce((select array_agg(p.name order by p.name) from people p where p.id = any(b.responsible_ids)), '{}') as responsible,
			coalesce((
				select json_agg(json_build_object('kind', a.kind, 'note', a.note, 'by', p.name, 'at', a.created_at) order by a.created_at)
				from accountability_actions a join people p on p.id = a.decided_by where a.breach_id = b.id
			), '[]') as actions,
			${cursorTime(db, 'b.breached_at')} as sort_at
		from page b
		join clocks c on c.id = b.clock_id
		join units u on u.id = b.unit_id
		order by b.breached_at desc, b.id desc`;
}
