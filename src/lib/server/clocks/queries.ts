import type { Text } from '../../i18n/index.ts';
import type { Audience, ClockStatus, DeliveryFilter, DeliveryStatus, Urgency } from '../../clocks.ts';
import type { ChannelName } from '../notify/index.ts';
import type { Subject, SubjectType } from '../../subjects.ts';
import type { Tx } from '../db.ts';
import type { DurationUnit } from './deadline.ts';
import type { LadderStep } from './engine.ts';

/** What a clock (or a timeline) is about (the registry, src/lib/subjects.ts); releases and conferences have timelines but no clocks of their own. */
export type { Subject, SubjectType };
export type Anchor = 'occurred' | 'captured' | 'assessed' | 'published' | 'abolished';
export type SatisfiedBy =
	| 'release.authoritative'
	| 'conference.held'
	| 'opinion.responded'
	| 'opinion.assessed'
	| 'document.interpretation_published'
	| 'document.abolition_marked';

export interface RuleRow {
	key: string;
	subject: SubjectType;
	name: string;
	appliesTo: { levels?: number[]; kinds?: string[] };
	anchor: Anchor;
	durationValue: number;
	durationUnit: DurationUnit;
	satisfiedBy: SatisfiedBy;
	ladder: LadderStep[];
	active: boolean;
	source: string;
	updatedAt: Date;
}

export interface ClockRow {
	id: string;
	ruleKey: string;
	subject: SubjectType;
	subjectId: string;
	unitId: string;
	ruleName: string;
	satisfiedBy: SatisfiedBy;
	ladder: LadderStep[];
	startsAt: Date;
	dueAt: Date;
	startedAt: Date;
	status: ClockStatus;
	satisfiedAt: Date | null;
	evidence: Record<string, unknown> | null;
	breachedAt: Date | null;
	cancelledAt: Date | null;
	/** why it was cancelled, as stored: a catalogue text (clock.cancel.*) or a person's words kept verbatim */
	cancelReason: Text | null;
	/** the other subject the cancel reason quotes (an incident merged into, the incident whose clocks govern) */
	cancelAboutSubject: SubjectType | null;
	cancelAboutId: string | null;
	/** the deadline counted some year Monday to Friday: its holidays were not entered yet */
	calendarWarning: boolean;
}

const ruleColumns = (db: Tx) =>
	db`key, subject, name, applies_to, anchor, duration_value, duration_unit, satisfied_by, ladder, active, source, updated_at`;
const clockColumns = (db: Tx) => db`
	id, rule_key, subject, subject_id, unit_id, rule_name, satisfied_by, ladder, starts_at, due_at, started_at,
	status, satisfied_at, evidence, breached_at, cancelled_at, cancel_reason, cancel_about_subject, cancel_about_id, calendar_warning`;

export async function listRules(db: Tx, subject?: SubjectType): Promise<RuleRow[]> {
	return db<RuleRow[]>`
		select ${ruleColumns(db)} from clock_rules
		where ${subject ? db`subject = ${subject}` : db`true`}
		order by subject, key`;
}

export async function getRule(db: Tx, key: string): Promise<RuleRow | undefined> {
	const [row] = await db<RuleRow[]>`select ${ruleColumns(db)} from clock_rules where key = ${key}`;
	return row;
}

export async function updateRule(
	db: Tx,
	key: string,
	r: Pick<RuleRow, 'name' | 'durationValue' | 'ladder' | 'active'>,
	by: string
): Promise<RuleRow> {
	const [row] = await db<RuleRow[]>`
		update clock_rules set name = ${r.name}, duration_value = ${r.durationValue}, ladder = ${db.json(r.ladder as never)},
			active = ${r.active}, updated_at = now(), updated_by = ${by}
		where key = ${key}
		returning ${ruleColumns(db)}`;
	return row!;
}

export interface NewClock {
	ruleKey: string;
	subject: Subject;
	unitId: string;
	ruleName: string;
	satisfiedBy: SatisfiedBy;
	ladder: LadderStep[];
	startsAt: Date;
	dueAt: Date;
	startedAt: Date;
	calendarWarning?: boolean;
}

/** Inserts unless an open clock of that rule already runs for the subject; returns the new clock or nothing. */
export async function insertClock(db: Tx, c: NewClock): Promise<ClockRow | undefined> {
	const [row] = await db<ClockRow[]>`
		insert into clocks (rule_key, subject, subject_id, unit_id, rule_name, satisfied_by, ladder, starts_at, due_at, started_at, calendar_warning)
		values (${c.ruleKey}, ${c.subject.type}, ${c.subject.id}, ${c.unitId}, ${c.ruleName}, ${c.satisfiedBy},
			${db.json(c.ladder as never)}, ${c.startsAt}, ${c.dueAt}, ${c.startedAt}, ${c.calendarWarning ?? false})
		on conflict (subject, subject_id, rule_key) where status in ('running', 'breached') do nothing
		returning ${clockColumns(db)}`;
	return row;
}

export async function clocksOf(db: Tx, subject: Subject): Promise<ClockRow[]> {
	return db<ClockRow[]>`
		select ${clockColumns(db)} from clocks where subject = ${subject.type} and subject_id = ${subject.id}
		order by due_at`;
}

/** An open clock with the unit its rule counts in (the unit is fixed with the rule; only the number may be edited). */
export type CountedClock = ClockRow & { durationUnit: DurationUnit };

/** The subject's open clocks (those counted from `anchor`, when given), locked for a change of their times. */
export async function lockOpenClocks(db: Tx, subject: Subject, anchor?: Anchor): Promise<CountedClock[]> {
	return db<CountedClock[]>`
		select ${clockColumns(db)}, (select r.duration_unit from clock_rules r where r.key = clocks.rule_key) as duration_unit
		from clocks
		where subject = ${subject.type} and subject_id = ${subject.id} and status in ('running', 'breached')
			and (${anchor ?? null}::text is null or rule_key in (select key from clock_rules where anchor = ${anchor ?? null}))
		order by due_at
		for update`;
}

export async function setClockTimes(db: Tx, id: string, t: { startsAt: Date; dueAt: Date; calendarWarning: boolean }): Promise<void> {
	await db`update clocks set starts_at = ${t.startsAt}, due_at = ${t.dueAt}, calendar_warning = ${t.calendarWarning} where id = ${id}`;
}

/** Hands the subject's open clocks to `unitId`; returns those that were another unit's. */
export async function setClocksUnit(db: Tx, subject: Subject, unitId: string): Promise<Pick<ClockRow, 'id' | 'ruleName'>[]> {
	return db<Pick<ClockRow, 'id' | 'ruleName'>[]>`
		update clocks set unit_id = ${unitId}
		where subject = ${subject.type} and subject_id = ${subject.id} and status in ('running', 'breached') and unit_id <> ${unitId}
		returning id, rule_name`;
}

export async function unitName(db: Tx, id: string): Promise<string> {
	const [unit] = await db<{ name: string }[]>`select name from units where id = ${id}`;
	return unit?.name ?? '';
}

export interface WarnedClock {
	id: string;
	subject: SubjectType;
	subjectId: string;
	ruleName: string;
	startsAt: Date;
	dueAt: Date;
}

/**
 * Open working-day clocks whose deadline counted some year Monday to Friday, locked. Columns are aliased: the
 * calendar seed reschedules on the migrator's connection, which does not camel-case.
 */
export async function warnedClocks(db: Tx): Promise<WarnedClock[]> {
	return db<WarnedClock[]>`
		select c.id, c.subject, c.subject_id as "subjectId", c.rule_name as "ruleName", c.starts_at as "startsAt", c.due_at as "dueAt"
		from clocks c join clock_rules r on r.key = c.rule_key
		where c.calendar_warning and c.status in ('running', 'breached') and r.duration_unit = 'working_days'
		order by c.due_at
		for update of c`;
}

export async function setClockDue(db: Tx, id: string, dueAt: Date, calendarWarning: boolean): Promise<void> {
	await db`update clocks set due_at = ${dueAt}, calendar_warning = ${calendarWarning} where id = ${id}`;
}

/** The clock, locked for the rest of the transaction so two workers never decide for it at once. */
export async function lockClock(db: Tx, id: string): Promise<ClockRow | undefined> {
	const [row] = await db<ClockRow[]>`select ${clockColumns(db)} from clocks where id = ${id} for update`;
	return row;
}

export async function getClock(db: Tx, id: string): Promise<ClockRow | undefined> {
	const [row] = await db<ClockRow[]>`select ${clockColumns(db)} from clocks where id = ${id}`;
	return row;
}

export async function openClocks(db: Tx): Promise<ClockRow[]> {
	return db<ClockRow[]>`select ${clockColumns(db)} from clocks where status in ('running', 'breached')`;
}

/** Acknowledgements and processed (step, tier) pairs of every open clock, in two queries. */
export async function openClockProgress(db: Tx): Promise<{
	acks: Map<string, { stepIndex: number; at: Date }[]>;
	done: Map<string, Set<string>>;
}> {
	const ackRows = await db<{ clockId: string; stepIndex: number; at: Date }[]>`
		select a.clock_id, a.step_index, a.at from clock_acknowledgements a
		join clocks c on c.id = a.clock_id where c.status in ('running', 'breached')`;
	const doneRows = await db<{ clockId: string; stepIndex: number; tier: number }[]>`
		select n.clock_id, n.step_index, n.tier from clock_notices n
		join clocks c on c.id = n.clock_id where c.status in ('running', 'breached')`;
	const acks = new Map<string, { stepIndex: number; at: Date }[]>();
	for (const a of ackRows) acks.set(a.clockId, [...(acks.get(a.clockId) ?? []), { stepIndex: a.stepIndex, at: a.at }]);
	const done = new Map<string, Set<string>>();
	for (const n of doneRows) {
		const set = done.get(n.clockId) ?? new Set<string>();
		set.add(`${n.stepIndex}:${n.tier}`);
		done.set(n.clockId, set);
	}
	return { acks, done };
}

export async function acknowledgementsOf(db: Tx, clockId: string): Promise<{ stepIndex: number; at: Date }[]> {
	return db<{ stepIndex: number; at: Date }[]>`
		select step_index, at from clock_acknowledgements where clock_id = ${clockId} order by at`;
}

/** (step, tier) pairs already processed for a clock. */
export async function noticesDone(db: Tx, clockId: string): Promise<Set<string>> {
	const rows = await db<{ stepIndex: number; tier: number }[]>`
		select step_index, tier from clock_notices where clock_id = ${clockId}`;
	return new Set(rows.map((r) => `${r.stepIndex}:${r.tier}`));
}

export interface Recipient {
	id: string;
	name: string;
}

export interface NoticeRecord {
	clockId: string;
	stepIndex: number;
	tier: number;
	audience: Audience;
	urgency: Urgency;
	at: Date;
	recipients: Recipient[];
}

/** Marks a (step, tier) as processed; false when another worker already did. */
export async function recordNotice(db: Tx, n: NoticeRecord, processedAt: Date): Promise<boolean> {
	const rows = await db`
		insert into clock_notices (clock_id, step_index, tier, audience, urgency, due_at, processed_at, recipient_count)
		values (${n.clockId}, ${n.stepIndex}, ${n.tier}, ${n.audience}, ${n.urgency}, ${n.at}, ${processedAt}, ${n.recipients.length})
		on conflict (clock_id, step_index, tier) do nothing
		returning 1`;
	return rows.length > 0;
}

/** For each clock, the latest step told to this person and not yet acknowledged by them. */
export async function unacknowledgedSteps(db: Tx, personId: string, clockIds: string[]): Promise<Map<string, number>> {
	if (!clockIds.length) return new Map();
	const rows = await db<{ clockId: string; stepIndex: number }[]>`
		select distinct on (d.clock_id) d.clock_id, d.step_index
		from deliveries d
		where d.recipient_id = ${personId} and d.clock_id = any(${clockIds}::uuid[])
			and not exists (
				select 1 from clock_acknowledgements a
				where a.clock_id = d.clock_id and a.step_index >= d.step_index
			)
		order by d.clock_id, d.step_index desc`;
	return new Map(rows.map((r) => [r.clockId, r.stepIndex]));
}

/** The subject each of these clocks is about (ids of no clock are left out). */
export async function subjectsOfClocks(db: Tx, clockIds: string[]): Promise<{ id: string; subject: Subject }[]> {
	if (!clockIds.length) return [];
	const rows = await db<{ id: string; subject: SubjectType; subjectId: string }[]>`
		select id, subject, subject_id from clocks where id = any(${clockIds}::uuid[])`;
	return rows.map((r) => ({ id: r.id, subject: { type: r.subject, id: r.subjectId } }));
}

/** Each step of these clocks: how many deliveries stand at each status on each channel (the step's index alone). */
export async function deliveryCounts(db: Tx, clockIds: string[]): Promise<DeliveryCount[]> {
	if (!clockIds.length) return [];
	return db<DeliveryCount[]>`
		select d.clock_id, d.step_index, d.status, d.channel, count(*)::int as n
		from deliveries d
		where d.clock_id = any(${clockIds}::uuid[])
		group by d.clock_id, d.step_index, d.status, d.channel
		order by d.clock_id, d.step_index desc, d.status, d.channel`;
}

export interface DeliveryCount {
	clockId: string;
	stepIndex: number;
	status: DeliveryStatus;
	channel: ChannelName;
	n: number;
}

export interface DeliveryView {
	id: string;
	clockId: string;
	stepIndex: number;
	person: string;
	channel: ChannelName;
	status: DeliveryStatus;
	createdAt: Date;
	sentAt: Date | null;
	receivedAt: Date | null;
	openedAt: Date | null;
	acknowledgedAt: Date | null;
	/** why it failed, as stored (rendered for whoever reads it) */
	failure: Text | null;
	/** where it sorts: failed first, then not yet acknowledged, then acknowledged (DELIVERY_RANK) */
	rank: number;
	recipientId: string;
}

/** Where a step's names resume: after this rank, name, person and channel (unique within a step). */
export type DeliveryKey = [number, string, string, ChannelName];

/**
 * A delivery's place in its step: failed first, then those still waiting for 收到, then those acknowledged.
 * What the duty officer at 3 a.m. looks for is on top; within each, by name, a person's channels together.
 */
const deliveryRank = (db: Tx) => db`(case d.status when 'failed' then 0 when 'acknowledged' then 2 else 1 end)`;

const deliveryWhere = (db: Tx, show: DeliveryFilter | null) =>
	show === 'failed' ? db`and d.status = 'failed'` : show === 'unacknowledged' ? db`and d.status <> 'acknowledged'` : db``;

/** The columns of a step's names (`d` a delivery, joined to its person and inbox notice). */
const deliveryColumns = (db: Tx) => db`
	d.id::text as id, d.clock_id, d.step_index, d.recipient_id, p.name as person, d.channel, d.status, d.created_at, d.sent_at,
	d.received_at, d.opened_at, coalesce(d.acknowledged_at, n.acknowledged_at) as acknowledged_at, d.failure, ${deliveryRank(db)} as rank`;

/** One page of a step's deliveries, by keyset after `after`, in the order of `deliveryRank`. */
export async function stepDeliveries(
	db: Tx,
	step: { clockId: string; stepIndex: number },
	show: DeliveryFilter | null,
	after: DeliveryKey | null,
	limit: number
): Promise<DeliveryView[]> {
	const from = after
		? db`and (${deliveryRank(db)}, p.name, d.recipient_id, d.channel) > (${after[0]}::int, ${after[1]}::text, ${after[2]}::uuid, ${after[3]}::text)`
		: db``;
	return db<DeliveryView[]>`
		select ${deliveryColumns(db)}
		from deliveries d
		join people p on p.id = d.recipient_id
		left join notifications n on n.id = d.notification_id
		where d.clock_id = ${step.clockId} and d.step_index = ${step.stepIndex} ${deliveryWhere(db, show)} ${from}
		order by ${deliveryRank(db)}, p.name, d.recipient_id, d.channel
		limit ${limit}`;
}

/** The first `limit` deliveries of each of these steps, in one statement: a page's worth per step, never the whole step. */
export async function firstStepDeliveries(
	db: Tx,
	steps: { clockId: string; stepIndex: number }[],
	show: DeliveryFilter | null,
	limit: number
): Promise<DeliveryView[]> {
	if (!steps.length) return [];
	return db<DeliveryView[]>`
		select f.*
		from unnest(${steps.map((s) => s.clockId)}::uuid[], ${steps.map((s) => s.stepIndex)}::int[]) as s(clock_id, step_index)
		cross join lateral (
			select ${deliveryColumns(db)}
			from deliveries d
			join people p on p.id = d.recipient_id
			left join notifications n on n.id = d.notification_id
			where d.clock_id = s.clock_id and d.step_index = s.step_index ${deliveryWhere(db, show)}
			order by ${deliveryRank(db)}, p.name, d.recipient_id, d.channel
			limit ${limit}
		) f
		order by f.clock_id, f.step_index desc, f.rank, f.person, f.recipient_id, f.channel`;
}
