import { z } from 'zod';
import { toIso } from '../../time.ts';
import { sql } from '../db.ts';
import { notFound } from '../errors.ts';
import { notVisible, readerOf, visibleSubjects } from '../subjects.ts';
import { authedProcedure, router } from '../trpc/init.ts';
import { inReach, scopeRoot } from '../units/scope.ts';
import { acknowledgeClock } from './flows.ts';
import { cancelAbout, clockOut } from './out.ts';
import type { ClockRow } from './queries.ts';

export const clockRouter = router({
	/**
	 * Open clocks the person is involved in (within their reach), most urgent first. A clock runs for its unit, so
	 * it is listed even when its subject is out of their sight (a withheld document their unit interprets): the
	 * deadline is theirs to meet and to acknowledge, but the subject shows only as 不在您的查看范围内, with no link.
	 */
	mine: authedProcedure.query(async ({ ctx }) => {
		const scope = scopeRoot(ctx.user);
		const rows = await sql<(ClockRow & { subjectTitle: string; unitName: string })[]>`
			select c.id, c.rule_key, c.rule_name, c.subject, c.subject_id, c.unit_id, c.satisfied_by, c.ladder, c.starts_at,
				c.due_at, c.started_at, c.status, c.satisfied_at, c.evidence, c.breached_at, c.cancelled_at, c.cancel_reason,
				c.calendar_warning,
				coalesce(subject_title(c.subject, c.subject_id), '') as subject_title, u.name as unit_name
			from clocks c
			join units u on u.id = c.unit_id
			where c.status in ('running', 'breached')
				and ${inReach(sql, 'c.unit_id', scope)}
			order by c.due_at
			limit 200`;
		const canSee = await visibleSubjects(
			sql,
			rows.flatMap((c) => [{ type: c.subject, id: c.subjectId }, cancelAbout(c) ?? []].flat()),
			readerOf(ctx.user)
		);
		return {
			serverNow: toIso(new Date()),
			serverNowMs: Date.now(),
			clocks: rows.map((c) => {
				const seen = canSee({ type: c.subject, id: c.subjectId });
				return {
					...clockOut(c, canSee),
					subjectId: seen ? c.subjectId : null,
					subjectVisible: seen,
					subjectTitle: seen ? c.subjectTitle : notVisible(),
					unitName: c.unitName
				};
			})
		};
	}),
	acknowledge: authedProcedure
		.input(z.object({ clockId: z.uuid(), stepIndex: z.number().int().min(0).nullable().default(null), channel: z.enum(['inbox', 'web_push', 'wecom', 'dingtalk', 'sms']).default('inbox') }))
		.mutation(async ({ ctx, input }) => {
			const scope = scopeRoot(ctx.user);
			// Whoever was told may acknowledge, and so may anyone whose reach covers the clock's unit.
			const [allowed] = await sql`
				select 1 from clocks c
				where c.id = ${input.clockId} and (
					exists (select 1 from deliveries d where d.clock_id = c.id and d.recipient_id = ${ctx.user.id})
					or ${inReach(sql, 'c.unit_id', scope)}
				)`;
			if (!allowed) throw notFound();
			const result = await acknowledgeClock(input.clockId, ctx.user.id, input.channel, input.stepIndex);
			return { acknowledged: result !== null, stepIndex: result?.stepIndex ?? null };
		})
});
