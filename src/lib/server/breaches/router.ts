import { z } from 'zod';
import { toIso } from '../../time.ts';
import { audit } from '../audit/index.ts';
import { cstMidnight } from '../clocks/index.ts';
import { sql } from '../db.ts';
import { notFound } from '../errors.ts';
import { cursor, pageOf } from '../pages.ts';
import { notVisible, visibleSubjects } from '../subjects.ts';
import { A_DAY_MS, day, officeProcedure, router, text } from '../trpc/index.ts';
import { inReach } from '../units/index.ts';
import { listBreaches } from './queries.ts';

export const breachRouter = router({
	/**
	 * The missed deadlines in reach, newest first, a page at a time, with who was responsible and what was decided;
	 * of one unit (and those under it) and breached between two China days, as an evaluation looks at a year.
	 */
	list: officeProcedure
		.input(
			z
				.object({
					unitId: z.uuid().nullable().default(null),
					from: day.nullable().default(null),
					to: day.nullable().default(null),
					cursor: cursor(z.tuple([z.iso.datetime({ offset: true }), z.uuid()])),
					limit: z.number().int().min(1).max(100).default(50)
				})
				.default({ unitId: null, from: null, to: null, cursor: null, limit: 50 })
		)
		.query(async ({ ctx, input }) => {
			const rows = await listBreaches(sql, ctx.actor.scope, {
				unitId: input.unitId,
				from: input.from ? cstMidnight(input.from) : null,
				to: input.to ? new Date(cstMidnight(input.to).getTime() + A_DAY_MS) : null,
				after: input.cursor,
				limit: input.limit + 1
			});
			// The breach is the unit's; its subject may still be out of sight (a withheld document the unit interprets).
			const canSee = await visibleSubjects(sql, rows.map((b) => ({ type: b.subject, id: b.subjectId })), ctx.actor);
			return pageOf(
				rows,
				input.limit,
				(b) => [b.sortAt, b.id],
				({ sortAt: _, ...b }) => ({
					...b,
					...(canSee({ type: b.subject, id: b.subjectId }) ? {} : { subjectId: null, subjectTitle: notVisible() }),
					dueAt: toIso(b.dueAt),
					breachedAt: toIso(b.breachedAt),
					satisfiedAt: b.satisfiedAt ? toIso(b.satisfiedAt) : null,
					actions: b.actions.map((a) => ({ ...a, at: toIso(new Date(a.at)) }))
				})
			);
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
