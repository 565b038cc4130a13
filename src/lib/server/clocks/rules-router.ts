import { z } from 'zod';
import { AUDIENCES, URGENCIES } from '../../clocks.ts';
import { SUBJECT_TYPES } from '../../subjects.ts';
import { toIso } from '../../time.ts';
import { audit } from '../audit/index.ts';
import { sql } from '../db.ts';
import { notFound } from '../errors.ts';
import { text, authedProcedure, officeProcedure, router, steppedUp, topOfficeProcedure } from '../trpc/index.ts';
import { getRule, listRules, updateRule, type RuleRow } from './queries.ts';

const step = z.object({
	anchor: z.enum(['start', 'due']),
	offsetMinutes: z.number().int().min(-10_080).max(10_080),
	tiers: z.array(z.enum(AUDIENCES)).min(1).max(6),
	urgency: z.enum(URGENCIES),
	ackWithinMinutes: z.number().int().min(1).max(1440).nullable()
});

export function ruleOut(r: RuleRow) {
	return { ...r, updatedAt: toIso(r.updatedAt) };
}
export type RuleOut = ReturnType<typeof ruleOut>;

/** Office admins edit rules and ladders; a running clock keeps the ladder it started with. */
export const rulesRouter = router({
	list: officeProcedure.query(async () => (await listRules(sql)).map(ruleOut)),
	/**
	 * The rules in force for one kind of subject, as anyone about to start one may read them (the incident form says
	 * which clocks will start before anything is sent): the same for every unit, without the ladders.
	 */
	active: authedProcedure.input(z.object({ subject: z.enum(SUBJECT_TYPES) })).query(async ({ input }) =>
		(await listRules(sql, input.subject))
			.filter((r) => r.active)
			.map((r) => ({ key: r.key, name: r.name, appliesTo: r.appliesTo, durationValue: r.durationValue, durationUnit: r.durationUnit }))
	),
	update: steppedUp(topOfficeProcedure)
		.input(
			z.object({
				key: text(100, { min: 1, trim: false }),
				name: text(100, { min: 1 }),
				durationValue: z.number().int().min(1).max(8760),
				active: z.boolean(),
				ladder: z.array(step).min(1).max(20)
			})
		)
		.mutation(async ({ ctx, input }) =>
			sql.begin(async (tx) => {
				const before = await getRule(tx, input.key);
				if (!before) throw notFound();
				const ladder = [...input.ladder].sort(
					(a, b) => (a.anchor === b.anchor ? 0 : a.anchor === 'start' ? -1 : 1) || a.offsetMinutes - b.offsetMinutes
				);
				const after = await updateRule(tx, input.key, { ...input, ladder }, ctx.actor.personId);
				await audit(tx, ctx.actor, { action: 'rule.updated', entity: 'clock_rule', entityId: input.key, before, after });
				return ruleOut(after);
			})
		)
});
