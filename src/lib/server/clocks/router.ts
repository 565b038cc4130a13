import { render } from '../../i18n/index.ts';
import { DELIVERY_FILTERS } from '../../clocks.ts';
import { CHANNELS, storedText } from '../notify/index.ts';
import { z } from 'zod';
import { toIso } from '../../time.ts';
import type { Actor } from '../actor.ts';
import { sql } from '../db.ts';
import { notFound } from '../errors.ts';
import { cursor, cursorTime, pageOf } from '../pages.ts';
import { notVisible, visibleSubjects } from '../subjects.ts';
import { authedProcedure, router } from '../trpc/index.ts';
import { inReach } from '../units/index.ts';
import { acknowledgeClock } from './flows.ts';
import { cancelAbout, clockOut } from './out.ts';
import {
	deliveryCounts,
	firstStepDeliveries,
	stepDeliveries,
	subjectsOfClocks,
	unacknowledgedSteps,
	type ClockRow,
	type DeliveryCount,
	type DeliveryKey,
	type DeliveryView
} from './queries.ts';

/** The clocks a page shows at once: a subject's own and the incident's that govern it. */
const clockIds = z.object({ clockIds: z.array(z.uuid()).max(50) });

const iso = (d: Date | null) => (d ? toIso(d) : null);

/** Which of a step's names to show: all (null), those without 收到 yet, or the failed. */
const deliveryShow = z.enum(DELIVERY_FILTERS).nullable().default(null);
const pageLimit = z.number().int().min(1).max(100).default(20);

const deliveryKey = (d: DeliveryView): DeliveryKey => [d.rank, d.person, d.recipientId, d.channel];

/** A delivery as 送达情况 shows it: the reason of a failure in the reader's language, and the latest thing that happened to it. */
const deliveryOut = (d: DeliveryView) => ({
	id: d.id,
	clockId: d.clockId,
	stepIndex: d.stepIndex,
	person: d.person,
	channel: d.channel,
	status: d.status,
	// in the reader's language: the reason is stored as its key
	failure: d.failure ? render(storedText(d.failure)) : null,
	createdAt: toIso(d.createdAt),
	sentAt: iso(d.sentAt),
	receivedAt: iso(d.receivedAt),
	openedAt: iso(d.openedAt),
	acknowledgedAt: iso(d.acknowledgedAt),
	/** the latest thing that happened to it */
	at: toIso(d.acknowledgedAt ?? d.openedAt ?? d.receivedAt ?? d.sentAt ?? d.createdAt)
});

/** Of these clocks, those whose subject the actor may see. */
async function clocksOfVisibleSubjects(actor: Actor, ids: string[]): Promise<string[]> {
	const clocks = await subjectsOfClocks(sql, [...new Set(ids)]);
	const canSee = await visibleSubjects(sql, clocks.map((c) => c.subject), actor);
	return clocks.filter((c) => canSee(c.subject)).map((c) => c.id);
}

export const clockRouter = router({
	/**
	 * Open clocks the person is involved in (within their reach), most urgent first. A clock runs for its unit, so
	 * it is listed even when its subject is out of their sight (a withheld document their unit interprets): the
	 * deadline is theirs to meet and to acknowledge, but the subject shows only as 不在您的查看范围内, with no link.
	 */
	mine: authedProcedure
		.input(
			z
				.object({ cursor: cursor(z.tuple([z.iso.datetime({ offset: true }), z.uuid()])), limit: z.number().int().min(1).max(100).default(10) })
				.default({ cursor: null, limit: 10 })
		)
		.query(async ({ ctx, input }) => {
			const scope = inReach(sql, 'c.unit_id', ctx.actor.scope);
			const after = input.cursor ? sql`and (c.due_at, c.id) > (${input.cursor[0]}::timestamptz, ${input.cursor[1]}::uuid)` : sql``;
			const [rows, [counts]] = await Promise.all([
				sql<(ClockRow & { subjectTitle: string; unitName: string; sortAt: string })[]>`
					select c.id, c.rule_key, c.rule_name, c.subject, c.subject_id, c.unit_id, c.satisfied_by, c.ladder, c.starts_at,
						c.due_at, c.started_at, c.status, c.satisfied_at, c.evidence, c.breached_at, c.cancelled_at, c.cancel_reason,
						c.calendar_warning, ${cursorTime(sql, 'c.due_at')} as sort_at,
						coalesce(subject_title(c.subject, c.subject_id), '') as subject_title, u.name as unit_name
					from clocks c
					join units u on u.id = c.unit_id
					where c.status in ('running', 'breached') and ${scope} ${after}
					order by c.due_at, c.id
					limit ${input.limit + 1}`,
				// how many in all, for 工作台's "and N more": the open clocks' own partial index
				sql<{ running: number; breached: number }[]>`
					select count(*) filter (where c.status = 'running')::int as running, count(*) filter (where c.status = 'breached')::int as breached
					from clocks c
					where c.status in ('running', 'breached') and ${scope}`
			]);
			const shown = rows.slice(0, input.limit);
			const canSee = await visibleSubjects(
				sql,
				shown.flatMap((c) => [{ type: c.subject, id: c.subjectId }, cancelAbout(c) ?? []].flat()),
				ctx.actor
			);
			const page = pageOf(rows, input.limit, (c) => [c.sortAt, c.id], (c) => {
				const seen = canSee({ type: c.subject, id: c.subjectId });
				return {
					...clockOut(c, canSee),
					subjectId: seen ? c.subjectId : null,
					subjectVisible: seen,
					subjectTitle: seen ? c.subjectTitle : notVisible(),
					unitName: c.unitName
				};
			});
			return { serverNow: toIso(new Date()), serverNowMs: Date.now(), clocks: page.items, nextCursor: page.nextCursor, running: counts!.running, breached: counts!.breached };
		}),
	/**
	 * Who each of these clocks told, how and when, clock by clock as asked and latest step first: per step, how many
	 * deliveries stand at each status on each channel, and the first page of names, failed and unacknowledged first
	 * (`stepDeliveries` reads on). Only clocks whose subject the actor sees.
	 */
	deliveries: authedProcedure
		.input(clockIds.extend({ show: deliveryShow, limit: pageLimit }))
		.query(async ({ ctx, input }) => {
			const counts = await deliveryCounts(sql, await clocksOfVisibleSubjects(ctx.actor, input.clockIds));
			const steps = new Map<string, { clockId: string; stepIndex: number; total: number; counts: Omit<DeliveryCount, 'clockId' | 'stepIndex'>[] }>();
			for (const { clockId, stepIndex, ...count } of counts) {
				const key = `${clockId}:${stepIndex}`;
				const step = steps.get(key) ?? { clockId, stepIndex, total: 0, counts: [] };
				step.total += count.n;
				step.counts.push(count);
				steps.set(key, step);
			}
			// clock by clock in the order asked (the page's order), latest step first
			const ordered = [...steps.values()].sort((a, b) => input.clockIds.indexOf(a.clockId) - input.clockIds.indexOf(b.clockId) || b.stepIndex - a.stepIndex);
			const rows = await firstStepDeliveries(sql, ordered, input.show, input.limit + 1);
			return ordered.map((step) => ({
				...step,
				page: pageOf(
					rows.filter((d) => d.clockId === step.clockId && d.stepIndex === step.stepIndex),
					input.limit,
					deliveryKey,
					deliveryOut
				)
			}));
		}),
	/** The next page of one step's names, after the cursor: refused, as not found, for a clock out of sight. */
	stepDeliveries: authedProcedure
		.input(
			z.object({
				clockId: z.uuid(),
				stepIndex: z.number().int().min(0).max(1000),
				show: deliveryShow,
				cursor: cursor(z.tuple([z.number().int().min(0).max(2), z.string().max(60), z.uuid(), z.enum(CHANNELS)])),
				limit: pageLimit
			})
		)
		.query(async ({ ctx, input }) => {
			const [visible] = await clocksOfVisibleSubjects(ctx.actor, [input.clockId]);
			if (!visible) throw notFound();
			const rows = await stepDeliveries(sql, { clockId: visible, stepIndex: input.stepIndex }, input.show, input.cursor, input.limit + 1);
			return pageOf(rows, input.limit, deliveryKey, deliveryOut);
		}),
	/**
	 * For each of these clocks, the latest step a notice asked the actor to acknowledge and nobody has yet: 收到
	 * right where the notice led. Only their own notices, so nothing of anyone else's reach.
	 */
	toAcknowledge: authedProcedure
		.input(clockIds)
		.query(async ({ ctx, input }) => Object.fromEntries(await unacknowledgedSteps(sql, ctx.actor.personId, input.clockIds))),
	acknowledge: authedProcedure
		.input(z.object({ clockId: z.uuid(), stepIndex: z.number().int().min(0).nullable().default(null), channel: z.enum(['inbox', 'web_push', 'wecom', 'dingtalk', 'sms']).default('inbox') }))
		.mutation(async ({ ctx, input }) => {
			// Whoever was told may acknowledge, and so may anyone whose reach covers the clock's unit.
			const [allowed] = await sql`
				select 1 from clocks c
				where c.id = ${input.clockId} and (
					exists (select 1 from deliveries d where d.clock_id = c.id and d.recipient_id = ${ctx.actor.personId})
					or ${inReach(sql, 'c.unit_id', ctx.actor.scope)}
				)`;
			if (!allowed) throw notFound();
			const result = await acknowledgeClock(input.clockId, ctx.actor.personId, input.channel, input.stepIndex);
			return { acknowledged: result !== null, stepIndex: result?.stepIndex ?? null };
		})
});
