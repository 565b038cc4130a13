import { z } from 'zod';
import type { SubjectType } from '../../subjects.ts';
import { toIso } from '../../time.ts';
import { audit } from '../audit/index.ts';
import { sql } from '../db.ts';
import { notFound } from '../errors.ts';
import { notVisible, visibleSubjects } from '../subjects.ts';
import { text, officeProcedure, router } from '../trpc/index.ts';
import { inReach } from '../units/index.ts';

interface BreachRow {
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
}


export const breachRouter = router({
	/** Every missed deadline in reach, newest first, with who was responsible and what was decided. */
	list: officeProcedure.query(async ({ ctx }) => {
		const scope = ctx.actor.scope;
		const rows = await sql<BreachRow[]>`
			select b.id, b.clock_id, b.unit_id, u.name as unit_name, c.rule_name, c.subject, c.subject_id,
				coalesce(subject_title(c.subject, c.subject_id), '') as subject_title, b.due_at, b.breached_at, c.satisfied_at, c.status,
				coalesce((select array_agg(p.name order by p.name) from people p where p.id = any(b.responsible_ids)), '{}') as responsible,
				coalesce((
					select json_agg(json_build_object('kind', a.kind, 'note', a.note, 'by', p.name, 'at', a.created_at) order by a.created_at)
					from accountability_actions a join people p on p.id = a.decided_by where a.breach_id = b.id
				), '[]') as actions
			from breaches b
			join clocks c on c.id = b.clock_id
			join units u on u.id = b.unit_id
			where ${inReach(sql, 'b.unit_id', scope)}
			order by b.breached_at desc
			limit 200`;
		// The breach is the unit's; its subject may still be out of sight (a withheld document the unit interprets).
		const canSee = await visibleSubjects(sql, rows.map((b) => ({ type: b.subject, id: b.subjectId })), ctx.actor);
		return rows.map((b) => ({
			...b,
			...(canSee({ type: b.subject, id: b.subjectId }) ? {} : { subjectId: null, subjectTitle: notVisible() }),
			dueAt: toIso(b.dueAt),
			breachedAt: toIso(b.breachedAt),
			satisfiedAt: b.satisfiedAt ? toIso(b.satisfiedAt) : null,
			actions: b.actions.map((a) => ({ ...a, at: toIso(new Date(a.at)) }))
		}));
	}),
	/** 通报批评 or 约谈, with a note: both on the record and audited. */
	addAction: officeProcedure
		.input(z.object({ breachId: z.uuid(), kind: z.enum(['notice_of_criticism', 'summons']), note: text(2000, { min: 1, lines: true }) }))
		.mutation(async ({ ctx, input }) =>
			sql.begin(async (tx) => {
				const scope = ctx.actor.scope;
				const [breach] = await tx<{ id: string }[]>`
					select id from breaches
					where id = ${input.breachId} and ${inReach(tx, 'unit_id', scope)}`;
				if (!breach) throw notFound();
				const [action] = await tx<{ id: string }[]>`
					insert into accountability_actions (breach_id, kind, note, decided_by)
					values (${input.breachId}, ${input.kind}, ${input.note}, ${ctx.actor.personId})
					returning id`;
				await audit(tx, ctx.actor, { action: `breach.${input.kind}`, entity: 'breach', entityId: input.breachId, after: input });
				return { id: action!.id };
			})
		)
});
