// Clock transitions: start, cancel, satisfy, acknowledge, and running what is due (changes under way: changes.ts).
// clocks/ is the one writer of clocks (owner.spec.ts keeps it so). Each writes its timeline and schedules its next
// look in the caller's transaction.
import { isOpen, subjectHref } from '../../clocks.ts';
import { text, type MessageKey, type Text } from '../../i18n/index.ts';
import { countdownText } from './countdown.ts';
import { loadCalendar } from '../calendar/index.ts';
import { sql, type Sql, type Tx } from '../db.ts';
import { enqueueDeliveries, enqueueTick } from '../jobs/index.ts';
import { announceMany } from '../live/index.ts';
import { subjectTitle } from '../subjects.ts';
import { addEvent } from '../timeline/index.ts';
import { sendNotice, settleNotices } from '../notify/index.ts';
import { deadline, NO_CALENDAR, yearsReached } from './deadline.ts';
import { decide, type Notice } from './engine.ts';
import {
	acknowledgementsOf,
	clocksOf,
	getClock,
	insertClock,
	listRules,
	lockClock,
	noticesDone,
	openClockProgress,
	openClocks,
	recordNotice,
	unitName,
	type Anchor,
	type ClockRow,
	type Recipient,
	type RuleRow,
	type SatisfiedBy,
	type Subject
} from './queries.ts';
import { recipientsFor, stepRecipients } from './recipients.ts';
import type { RuleKey } from './rules.ts';
import { log } from '../log.ts';

export interface StartContext {
	unitId: string;
	anchors: Partial<Record<Anchor, Date>>;
	level?: number;
	kind?: string;
}

function applies(rule: RuleRow, ctx: StartContext): boolean {
	if (!rule.active || !ctx.anchors[rule.anchor]) return false;
	if (rule.appliesTo.levels && (ctx.level === undefined || !rule.appliesTo.levels.includes(ctx.level))) return false;
	if (rule.appliesTo.kinds && (ctx.kind === undefined || !rule.appliesTo.kinds.includes(ctx.kind))) return false;
	return true;
}

/** Starts every rule that applies and is not already running for the subject; the ladder is frozen on the clock. */
export async function startClocks(
	tx: Tx,
	subject: Subject,
	ctx: StartContext,
	startedAt: Date,
	actorId: string | null
): Promise<ClockRow[]> {
	const started: ClockRow[] = [];
	for (const rule of await listRules(tx, subject.type)) {
		if (!applies(rule, ctx)) continue;
		const startsAt = ctx.anchors[rule.anchor]!;
		const calendar =
			rule.durationUnit === 'working_days' ? await loadCalendar(tx, ...yearsReached(startsAt, rule.durationValue, rule.durationUnit)) : NO_CALENDAR;
		const { due, fallbackYears } = deadline(startsAt, rule.durationValue, rule.durationUnit, calendar);
		const clock = await insertClock(tx, {
			ruleKey: rule.key,
			subject,
			unitId: ctx.unitId,
			ruleName: rule.name,
			satisfiedBy: rule.satisfiedBy,
			ladder: rule.ladder,
			startsAt,
			dueAt: due,
			startedAt,
			calendarWarning: fallbackYears.length > 0
		});
		if (!clock) continue;
		await addEvent(tx, subject, 'clock.started', actorId, { clockId: clock.id, rule: clock.ruleName, dueAt: clock.dueAt }, startedAt);
		await enqueueTick(tx, clock.id, startedAt);
		started.push(clock);
	}
	return started;
}

/**
 * Cancels the subject's open clocks (all, or those of `ruleKeys`), with the reason on record as a text (jsonb):
 * a catalogue one (clock.cancel.*), or what the person typed kept verbatim. A reason that quotes another
 * subject names it as `about`, so whoever cannot see that one reads 不在您的查看范围内 instead.
 */
export async function cancelClocks(
	tx: Tx,
	subject: Subject,
	reason: Text,
	actorId: string | null,
	at: Date,
	ruleKeys?: RuleKey[],
	about?: Subject
): Promise<ClockRow[]> {
	const cancelled = await tx<ClockRow[]>`
		update clocks set status = 'cancelled', cancelled_at = ${at}, cancel_reason = ${tx.json(reason as never)},
			cancel_about_subject = ${about?.type ?? null}, cancel_about_id = ${about?.id ?? null}
		where subject = ${subject.type} and subject_id = ${subject.id} and status in ('running', 'breached')
			and (${ruleKeys ?? null}::text[] is null or rule_key = any(${ruleKeys ?? null}::text[]))
		returning id, rule_name`;
	const named = about ? { about: { type: about.type, id: about.id } } : {};
	for (const c of cancelled) await addEvent(tx, subject, 'clock.cancelled', actorId, { clockId: c.id, rule: c.ruleName, reason, ...named }, at);
	if (cancelled.length) await settleNotices(tx, { clockIds: cancelled.map((c) => c.id) }, 'cancelled', reason, at);
	return cancelled;
}

/**
 * The one way a clock is met: what happened (`kind`), when, and the evidence. Before the deadline the
 * clock is satisfied, after it satisfied late; the breach record stays either way.
 */
export async function satisfyClocks(
	subject: Subject,
	kind: SatisfiedBy,
	at: Date,
	evidence: Record<string, unknown>,
	actorId: string | null = null,
	db?: Tx
): Promise<ClockRow[]> {
	const run = async (tx: Tx) => {
		const met = await tx<ClockRow[]>`
			update clocks set
				status = case when ${at} <= due_at then 'satisfied' else 'satisfied_late' end,
				satisfied_at = ${at}, evidence = ${tx.json(evidence as never)}
			where subject = ${subject.type} and subject_id = ${subject.id} and satisfied_by = ${kind}
				and status in ('running', 'breached')
			returning id, rule_name, status, due_at`;
		for (const c of met)
			await addEvent(tx, subject, 'clock.satisfied', actorId, { clockId: c.id, rule: c.ruleName, status: c.status, evidence }, at);
		for (const as of ['met', 'met_late'] as const) {
			const ids = met.filter((c) => (c.status === 'satisfied_late') === (as === 'met_late')).map((c) => c.id);
			if (ids.length) await settleNotices(tx, { clockIds: ids }, as, text(`clock.done.${kind}` as MessageKey), at);
		}
		return met;
	};
	return db ? run(db) : sql.begin(run);
}

/** "收到": stops the step's higher tiers, never the clock. Without a step, the latest one told to this person. */
export async function acknowledgeClock(
	clockId: string,
	personId: string,
	channel: string,
	stepIndex: number | null,
	at: Date = new Date()
): Promise<{ stepIndex: number } | null> {
	return sql.begin(async (tx) => {
		const clock = await getClock(tx, clockId);
		if (!clock) return null;
		let step = stepIndex;
		if (step === null) {
			const [last] = await tx<{ stepIndex: number }[]>`
				select step_index from deliveries where clock_id = ${clockId} and recipient_id = ${personId}
				order by due_at desc, step_index desc limit 1`;
			step = last?.stepIndex ?? null;
		}
		if (step === null) return null;
		// Only a step already sent to this person: acknowledging ahead, or for others, would keep the
		// step's higher tiers from ever being told.
		const [sent] = await tx`
			select 1 from deliveries where clock_id = ${clockId} and step_index = ${step} and recipient_id = ${personId} limit 1`;
		if (!sent) return null;
		const inserted = await tx`
			insert into clock_acknowledgements (clock_id, step_index, person_id, at, channel)
			values (${clockId}, ${step}, ${personId}, ${at}, ${channel})
			on conflict do nothing returning 1`;
		// One "收到" answers for everyone told of the step: their copies no longer ask for it.
		await tx`
			update notifications set acknowledged_at = coalesce(acknowledged_at, ${at}),
				read_at = case when person_id = ${personId} then coalesce(read_at, ${at}) else read_at end
			where clock_id = ${clockId} and step_index <= ${step}`;
		await tx`
			update deliveries set status = 'acknowledged', updated_at = ${at}
			where clock_id = ${clockId} and recipient_id = ${personId} and step_index <= ${step}`;
		if (inserted.length)
			await addEvent(tx, { type: clock.subject, id: clock.subjectId }, 'clock.acknowledged', personId, { clockId, rule: clock.ruleName, step, channel }, at);
		return { stepIndex: step };
	});
}

function subjectUrl(subject: Subject): string {
	return subjectHref(subject.type, subject.id) ?? '/';
}

const LINES = ['first', 'second', 'third', 'fourth'] as const;
const LINES_KEY = { 2: 'notify.clock.lines2', 3: 'notify.clock.lines3', 4: 'notify.clock.lines4' } as const;

/** A clock step's notice as stored texts: its lines are texts too, so it reads whole in each recipient's language. */
function noticeText(clock: ClockRow, notice: Notice, title: string, now: Date): { title: Text; body: Text } {
	const lines: Text[] = [countdownText(clock.dueAt.getTime(), now.getTime()), text(`clock.todo.${clock.satisfiedBy}` as MessageKey)];
	if (notice.stepAt.getTime() >= clock.dueAt.getTime()) lines.push(text('notify.clock.breached'));
	const step = clock.ladder[notice.stepIndex];
	if (notice.tier > 0 && step?.ackWithinMinutes) lines.push(text('notify.clock.escalated', { minutes: step.ackWithinMinutes }));
	const body = text(LINES_KEY[lines.length as 2 | 3 | 4], Object.fromEntries(lines.map((line, i) => [LINES[i], line])));
	return { title: text('clock.notice_title', { rule: clock.ruleName, subject: title }), body };
}

export interface RunResult {
	notified: number;
	breached: boolean;
	next: Date | null;
}

/**
 * Does what is due for one clock at `now`: records a breach, tells each due tier through the inbox
 * (one delivery per clock, step, person and channel), and schedules the next look. Safe to run twice. The job
 * worker runs it on the ticks' own pool (`ticksSql`).
 */
export async function runClock(clockId: string, now: Date = new Date(), db: Sql = sql): Promise<RunResult> {
	return db.begin(async (tx) => {
		const clock = await lockClock(tx, clockId);
		if (!clock || !isOpen(clock.status)) return { notified: 0, breached: false, next: null };
		const subject: Subject = { type: clock.subject, id: clock.subjectId };
		// Three reads the breach below does not change, sent together: one round trip's wait instead of three.
		const [acks, done, named] = await Promise.all([acknowledgementsOf(tx, clockId), noticesDone(tx, clockId), subjectTitle(tx, subject)]);
		const title = named ?? '';
		const decision = decide(clock.ladder, clock, acks, now);

		if (decision.breach) {
			await tx`update clocks set status = 'breached', breached_at = due_at where id = ${clockId}`;
			const responsible = [
				...(await recipientsFor(tx, clock.unitId, 'lead_unit_press')),
				...(await recipientsFor(tx, clock.unitId, 'leader_in_charge')),
				...(await recipientsFor(tx, clock.unitId, 'principal'))
			].map((p) => p.id);
			await tx`
				insert into breaches (clock_id, unit_id, due_at, breached_at, responsible_ids)
				values (${clockId}, ${clock.unitId}, ${clock.dueAt}, ${clock.dueAt}, ${[...new Set(responsible)]}::uuid[])
				on conflict (clock_id) do nothing`;
			await addEvent(tx, subject, 'clock.breached', null, { clockId, rule: clock.ruleName, dueAt: clock.dueAt }, clock.dueAt);
		}

		let notified = 0;
		for (const notice of decision.due) {
			if (done.has(`${notice.stepIndex}:${notice.tier}`)) continue;
			const { recipients, rosterGap } = await stepRecipients(tx, clock.unitId, notice.audience, now);
			if (!(await recordNotice(tx, { clockId, ...notice, recipients }, now))) continue;
			const told = await tellStep(tx, clock, notice, recipients, noticeText(clock, notice, title, now), subjectUrl(subject), now);
			notified += told.length;
			if (!recipients.length) await reportNobody(tx, clock, notice, subject, title, now, 'nobody');
			else if (rosterGap) await reportNobody(tx, clock, notice, subject, title, now, 'roster_gap');
			await addEvent(
				tx,
				subject,
				'clock.notified',
				null,
				{ clockId, rule: clock.ruleName, step: notice.stepIndex, tier: notice.tier, audience: notice.audience, channel: 'inbox', people: told.map((p) => p.name) },
				now
			);
		}
		if (decision.next) await enqueueTick(tx, clockId, decision.next);
		return { notified, breached: decision.breach, next: decision.next };
	});
}

/**
 * Tells a step's recipients in one statement per kind of write however many they are: each one's inbox delivery
 * and its notice, one announcement each, one delivery job each. A person whose delivery of the step exists (a run
 * before this one) is not told again. Returns those told, in the recipients' order.
 */
async function tellStep(
	tx: Tx,
	clock: ClockRow,
	notice: Notice,
	recipients: Recipient[],
	words: { title: Text; body: Text },
	url: string,
	now: Date
): Promise<Recipient[]> {
	if (!recipients.length) return [];
	// The delivery names its notice's id before the notice is written: both are one statement, and the
	// foreign key is checked at its end, when the notice is there.
	const rows = await tx<{ personId: string }[]>`
		with delivered as (
			insert into deliveries (clock_id, step_index, tier, recipient_id, channel, status, due_at, created_at, updated_at, notification_id)
			select ${clock.id}::uuid, ${notice.stepIndex}::int, ${notice.tier}::int, r.id, 'inbox', 'sent', ${notice.at}::timestamptz,
				${now}::timestamptz, ${now}::timestamptz, gen_random_uuid()
			from unnest(${recipients.map((p) => p.id)}::uuid[]) as r(id)
			on conflict (clock_id, step_index, recipient_id, channel) do nothing
			returning recipient_id, notification_id
		)
		insert into notifications (id, person_id, clock_id, step_index, urgency, title, body, url, created_at)
		select notification_id, recipient_id, ${clock.id}::uuid, ${notice.stepIndex}::int, ${notice.urgency}::text,
			${tx.json(words.title as never)}::jsonb, ${tx.json(words.body as never)}::jsonb, ${url}::text, ${now}::timestamptz
		from delivered
		returning person_id::text`;
	const ids = new Set(rows.map((r) => r.personId));
	const told = recipients.filter((p) => ids.has(p.id));
	await Promise.all([
		announceMany(tx, told.map((p) => ({ kind: 'inbox', personId: p.id }))),
		enqueueDeliveries(tx, told.map((p) => ({ clockId: clock.id, stepIndex: notice.stepIndex, recipientId: p.id })))
	]);
	return told;
}

/**
 * A step that could tell nobody (the unit lacks the person its ladder names), or that told the role because the
 * unit's duty roster had nobody on then (`roster_gap`): the office hears at once, on its channels and on its 工作台,
 * until the clock ends (settleNotices by clock).
 */
async function reportNobody(tx: Tx, clock: ClockRow, notice: Notice, subject: Subject, title: string, now: Date, why: 'nobody' | 'roster_gap'): Promise<void> {
	if (notice.audience === 'office_admin' || notice.audience === 'superior_office') return;
	const admins = await recipientsFor(tx, clock.unitId, 'office_admin');
	if (!admins.length) return;
	const unit = await unitName(tx, clock.unitId);
	const sent = await sendNotice(
		tx,
		admins.map((a) => a.id),
		{
			kind: 'alert',
			urgency: 'high',
			title: text(why === 'nobody' ? 'clock.nobody_title' : 'clock.roster_gap_title', { unit }),
			body: text(why === 'nobody' ? 'clock.nobody_body' : 'clock.roster_gap_body', { rule: clock.ruleName, subject: title, audience: text(`audience.${notice.audience}`), unit }),
			url: why === 'nobody' ? `/admin/people?unit=${clock.unitId}` : `/units/${clock.unitId}/duty`,
			subject
		},
		now
	);
	// tied to the clock: met or cancelled, the alert is settled with it
	await tx`update notifications set clock_id = ${clock.id}, step_index = ${notice.stepIndex} where id = any(${[...sent.values()]}::uuid[])`;
}

/**
 * The minute auditor: any open clock with a due (step, tier) never processed is run now, and that
 * is logged loudly, because it means a scheduled job was lost.
 */
const AUDIT_GRACE_MS = 60_000;

export async function auditClocks(now: Date = new Date()): Promise<string[]> {
	const repaired: string[] = [];
	// Three queries for all open clocks: the auditor's cost must not grow by a query per clock.
	const clocks = await openClocks(sql);
	const { acks, done: processed } = await openClockProgress(sql);
	// What fell due in the last minute, or on a clock started in the last minute, is still its tick's to do:
	// repairing it here would race the worker and cry "lost job" for nothing.
	const settled = new Date(now.getTime() - AUDIT_GRACE_MS);
	for (const clock of clocks) {
		const id = clock.id;
		if (clock.startedAt > settled) continue;
		const decision = decide(clock.ladder, clock, acks.get(id) ?? [], settled);
		const done = processed.get(id) ?? new Set<string>();
		const missing = decision.due.filter((n) => !done.has(`${n.stepIndex}:${n.tier}`));
		if (!missing.length && !decision.breach) continue;
		log.warn({ where: 'clock-audit', clockId: id, rule: clock.ruleName, overdue: missing.length, breach: !!decision.breach }, 'lost tick: running it now');
		await runClock(id, now);
		repaired.push(id);
	}
	return repaired;
}

export { clocksOf };
