// Public-opinion items through their cycle: captured from a phone (idempotent per device submission, the
// first sighting its own row), possibly a duplicate of one seen in the last 72 hours (merged, each sighting
// keeping its own time and link), assessed and routed, linked to an incident, responded to, evaluated.
// Capture starts the 2-hour assessment rule; assessing as needing a response starts the 48-hour clock from
// the earliest sighting, unless the item falls under an I/II incident's clocks.
import { createHash } from 'node:crypto';
import { t, text } from '../../i18n/index.ts';
import { m } from '../../paraglide/messages.js';
import type { OpinionHeat, OpinionSource, OpinionType } from '../../opinions.ts';
import type { Actor as RequestActor } from '../actor.ts';
import { audit } from '../audit/index.ts';
import { cancelClocks, majorLevels, moveClocks, reassignClocks, RULE, satisfyClocks, startClocks, type Subject } from '../clocks/index.ts';
import { sql, type Tx } from '../db.ts';
import { ConflictError, FieldError, notFound } from '../errors.ts';
import { readableFile } from '../files/index.ts';
import { addEvent } from '../timeline/index.ts';
import { getUnit, inReach } from '../units/index.ts';
import { findByClientKey, getItem, lockItem, recentItems, type OpinionRow } from './queries.ts';
import { responsibleUnit } from './routing.ts';
import { CLOCK_SKEW_MS } from '../../time.ts';

/** Who takes a step: the request's actor (`ctx.actor`, server/actor.ts), of which a flow reads only this much. */
export type Author = Pick<RequestActor, 'personId' | 'unitId' | 'scope' | 'actor'>;

const FUTURE_SLACK_MS = CLOCK_SKEW_MS;
const DUPLICATE_WINDOW_MS = 72 * 3_600_000;
const subjectOf = (id: string): Subject => ({ type: 'opinion_item', id });

// ---- duplicates ---------------------------------------------------------------------------------------

/** A link as people share it: scheme, "www.", fragments and tracking parameters do not make it another post. */
export function normaliseUrl(raw: string): string {
	try {
		const url = new URL(raw.trim());
		for (const key of [...url.searchParams.keys()]) if (/^(utm_|spm|from|share|timestamp|isappinstalled|scene|srcid)/i.test(key)) url.searchParams.delete(key);
		url.hash = '';
		return `${url.hostname.replace(/^www\./, '').toLowerCase()}${url.pathname.replace(/\/+$/, '')}${url.search}`;
	} catch {
		return raw.trim().toLowerCase();
	}
}

function bigrams(text: string): Map<string, number> {
	const clean = text.replace(/[\s\p{P}\p{S}]/gu, '').toLowerCase();
	const grams = new Map<string, number>();
	for (let i = 0; i < clean.length - 1; i++) {
		const g = clean.slice(i, i + 2);
		grams.set(g, (grams.get(g) ?? 0) + 1);
	}
	return grams;
}

/** Dice's coefficient over character pairs: 1 for the same words, whatever the punctuation and spacing. */
export function similarity(a: string, b: string): number {
	const x = bigrams(a);
	const y = bigrams(b);
	const total = [...x.values()].reduce((s, n) => s + n, 0) + [...y.values()].reduce((s, n) => s + n, 0);
	if (total === 0) return 0;
	let shared = 0;
	for (const [g, n] of x) shared += Math.min(n, y.get(g) ?? 0);
	return (2 * shared) / total;
}

export const NEAR_IDENTICAL = 0.8;

export interface Duplicate {
	id: string;
	summary: string;
	firstSeenAt: Date;
	unitName: string;
	reason: 'same_link' | 'similar_summary';
}

/** Items of the last 72 hours with the same link or a near-identical summary: offered as "可能重复". */
export async function possibleDuplicates(db: Tx, item: { id: string | null; summary: string; urls: string[] }, scope: string | null, now: Date): Promise<Duplicate[]> {
	const urls = new Set(item.urls.map(normaliseUrl));
	const out: Duplicate[] = [];
	for (const c of await recentItems(db, scope, new Date(now.getTime() - DUPLICATE_WINDOW_MS), item.id)) {
		if (c.urls.some((u) => urls.has(normaliseUrl(u)))) out.push({ ...c, reason: 'same_link' });
		else if (similarity(c.summary, item.summary) >= NEAR_IDENTICAL) out.push({ ...c, reason: 'similar_summary' });
	}
	return out;
}

// ---- capturing ----------------------------------------------------------------------------------------

export interface CaptureInput {
	clientKey: string;
	source: OpinionSource;
	url: string | null;
	summary: string;
	firstSeenAt: Date;
	type: OpinionType;
	unitId: string;
	screenshotIds: string[];
	deviceRecordedAt: Date | null;
}

export function bodyHash(i: Omit<CaptureInput, 'clientKey' | 'deviceRecordedAt'>): string {
	return createHash('sha256')
		.update(JSON.stringify([i.source, i.url, i.summary, i.firstSeenAt.getTime(), i.type, i.unitId, [...i.screenshotIds].sort()]))
		.digest('hex');
}

async function checkScreenshots(tx: Tx, ids: string[], author: Author) {
	for (const id of ids) {
		const file = await readableFile(tx, id, author.personId, author.scope);
		if (!file) throw new FieldError('screenshotIds', 'opinion.screenshot_missing');
		if (!file.mime.startsWith('image/')) throw new FieldError('screenshotIds', 'opinion.screenshot_not_image');
	}
}

/**
 * Records an item and its first sighting, and starts the assessment rule from when it reached the server.
 * A replay of the same submission returns the first item; the same key with another body is a conflict.
 */
export async function captureItem(input: CaptureInput, author: Author, now: Date = new Date()): Promise<{ item: OpinionRow; replay: boolean; duplicates: Duplicate[] }> {
	const { clientKey, deviceRecordedAt, ...fields } = input;
	const summary = fields.summary.trim();
	if (!summary) throw new FieldError('summary', 'error.required');
	const clean = { ...fields, summary, url: fields.url?.trim() || null, screenshotIds: [...new Set(fields.screenshotIds)] };
	const hash = bodyHash(clean);
	const previous = await findByClientKey(sql, author.personId, clientKey);
	if (previous) return replayOf(previous, hash, author, now);
	if (clean.firstSeenAt.getTime() > now.getTime() + FUTURE_SLACK_MS) throw new FieldError('firstSeenAt', 'opinion.future');
	const created = await sql.begin(async (tx) => {
		const unit = await getUnit(tx, clean.unitId, author.scope);
		if (!unit || !unit.active) throw new FieldError('unitId', 'error.invalid_choice', { field: m['field.opinionUnit']() });
		await checkScreenshots(tx, clean.screenshotIds, author);
		const [row] = await tx<{ id: string }[]>`
			insert into opinion_items (unit_id, type, summary, first_seen_at, created_by, client_key, body_hash, device_recorded_at, received_at, created_at, updated_at)
			values (${clean.unitId}, ${clean.type}, ${summary}, ${clean.firstSeenAt}, ${author.personId}, ${clientKey}, ${hash}, ${deviceRecordedAt}, ${now}, ${now}, ${now})
			on conflict (created_by, client_key) do nothing
			returning id`;
		if (!row) return null;
		await tx`
			insert into opinion_sightings (item_id, origin_item_id, source, url, seen_at, summary, screenshot_ids, captured_by, captured_at)
			values (${row.id}, ${row.id}, ${clean.source}, ${clean.url}, ${clean.firstSeenAt}, ${summary}, ${clean.screenshotIds}::uuid[], ${author.personId}, ${now})`;
		const item = (await getItem(tx, row.id, null))!;
		await audit(tx, author.actor, { action: 'opinion.captured', entity: 'opinion_item', entityId: row.id, after: item });
		await addEvent(tx, subjectOf(row.id), 'opinion.captured', author.personId, { source: clean.source, deviceRecordedAt, receivedAt: now }, now);
		// Waiting for assessment is counted from when it reached the office, not from when it was first seen.
		await startClocks(tx, subjectOf(row.id), { unitId: clean.unitId, anchors: { captured: now }, kind: clean.type }, now, author.personId);
		return item;
	});
	if (!created) return replayOf((await findByClientKey(sql, author.personId, clientKey))!, hash, author, now);
	return { item: created, replay: false, duplicates: await possibleDuplicates(sql, { id: created.id, summary, urls: clean.url ? [clean.url] : [] }, author.scope, now) };
}

async function replayOf(previous: OpinionRow, hash: string, author: Author, now: Date) {
	if (previous.bodyHash !== hash) throw new ConflictError('opinion.replay_conflict', { id: previous.id, summary: previous.summary });
	const urls = (await sql<{ url: string }[]>`select url from opinion_sightings where item_id = ${previous.id} and url is not null`).map((r) => r.url);
	const duplicates = await possibleDuplicates(sql, { id: previous.id, summary: previous.summary, urls }, author.scope, now);
	return { item: previous, replay: true, duplicates };
}

async function lockOpen(tx: Tx, id: string, scope: string | null): Promise<OpinionRow> {
	const item = await lockItem(tx, id, scope);
	if (!item) throw notFound();
	if (item.status === 'merged' || item.status === 'closed') throw new FieldError('id', 'opinion.not_open');
	return item;
}

/**
 * "合并": the duplicate's sightings join the item, each with its own time and link; the earliest sighting
 * now starts the clock. The duplicate's own clocks stop.
 */
export async function mergeItem(id: string, intoId: string, author: Author, now: Date = new Date()): Promise<OpinionRow> {
	if (id === intoId) throw new FieldError('intoId', 'opinion.merge_self');
	return sql.begin(async (tx) => {
		await tx`select id from opinion_items where id in (${id}, ${intoId}) order by id for update`;
		const from = await lockOpen(tx, id, author.scope);
		const into = await lockOpen(tx, intoId, author.scope).catch(() => {
			throw new FieldError('intoId', 'error.invalid_choice');
		});
		const moved = await tx<{ id: string }[]>`update opinion_sightings set item_id = ${intoId} where item_id = ${id} returning id`;
		const earliest = from.firstSeenAt < into.firstSeenAt ? from.firstSeenAt : into.firstSeenAt;
		await tx`update opinion_items set status = 'merged', merged_into_id = ${intoId}, updated_at = ${now} where id = ${id}`;
		await tx`update opinion_items set first_seen_at = ${earliest}, updated_at = ${now} where id = ${intoId}`;
		// The 48 hours count from the earliest sighting (the 'assessed' anchor's time); the assessment rule, from the capture, stays.
		await moveClocks(tx, subjectOf(intoId), 'assessed', earliest.getTime() - into.firstSeenAt.getTime(), author.personId, now);
		// The duplicate's 48-hour clock must not vanish with it: the item kept takes one, from the earliest sighting.
		const [owed] = await tx`
			select 1 from clocks where subject = 'opinion_item' and subject_id = ${id} and rule_key = ${RULE.opinionResponse} and status in ('running', 'breached')`;
		if (owed && into.respondedAt === null) {
			await startClocks(tx, subjectOf(intoId), { unitId: into.unitId, anchors: { assessed: earliest }, kind: into.type }, now, author.personId);
			await tx`update opinion_items set needs_response = true where id = ${intoId} and needs_response is distinct from true`;
		}
		await cancelClocks(tx, subjectOf(id), text('clock.cancel.merged', { title: into.summary.slice(0, 40) }), author.personId, now, undefined, subjectOf(intoId));
		await addEvent(tx, subjectOf(id), 'opinion.merged', author.personId, { intoId, into: into.summary.slice(0, 60) }, now);
		await addEvent(tx, subjectOf(intoId), 'opinion.absorbed', author.personId, { fromId: id, sightings: moved.length, from: from.summary.slice(0, 60) }, now);
		const after = (await getItem(tx, intoId, null))!;
		await audit(tx, author.actor, { action: 'opinion.merged', entity: 'opinion_item', entityId: id, before: from, after: { intoId, firstSeenAt: earliest } });
		return after;
	});
}

// ---- assessing ----------------------------------------------------------------------------------------

export interface AssessInput {
	heat: OpinionHeat;
	needsResponse: boolean;
	/** left out (`undefined`), the item keeps its incident: the assessor may not see it, so cannot send it back */
	incidentId?: string | null;
	localityUnitIds: string[];
	responsePlan: string;
}

async function checkIncident(tx: Tx, incidentId: string, scope: string | null) {
	const [incident] = await tx<{ level: number; title: string; status: string }[]>`
		select level, title, status from incidents
		where id = ${incidentId} and ${inReach(tx, 'lead_unit_id', scope)}`;
	if (!incident) throw new FieldError('incidentId', 'error.invalid_choice');
	return incident;
}

/**
 * 研判: heat, whether a response is needed, the running incident it concerns, the responsible unit by
 * territory and level, the plan. Meets the assessment rule. A response needed starts the 48-hour clock
 * from the earliest sighting, unless the item falls under a level I/II incident's clocks. An incident left out or
 * sent back unchanged stays linked without being chosen again: the assessor may not see it.
 */
export async function assessItem(id: string, input: AssessInput, author: Author, now: Date = new Date()): Promise<OpinionRow> {
	return sql.begin(async (tx) => {
		const before = await lockOpen(tx, id, author.scope);
		for (const unitId of input.localityUnitIds) if (!(await getUnit(tx, unitId, author.scope))) throw new FieldError('localityUnitIds', 'error.invalid_choice');
		const keep = input.incidentId === undefined || input.incidentId === before.incidentId;
		const incidentId = keep ? before.incidentId : input.incidentId!;
		// Kept, it is read whatever the assessor's reach: its level still decides which clocks govern the item.
		const incident = incidentId ? await checkIncident(tx, incidentId, keep ? null : author.scope) : null;
		const unitId = await responsibleUnit(tx, input.localityUnitIds, before.unitId);
		await tx`
			update opinion_items set heat = ${input.heat}, needs_response = ${input.needsResponse}, incident_id = ${incidentId},
				locality_unit_ids = ${input.localityUnitIds}::uuid[], response_plan = ${input.responsePlan.trim()}, unit_id = ${unitId},
				status = case when status = 'awaiting_assessment' then 'assessed' else status end,
				assessed_at = ${now}, assessed_by = ${author.personId}, updated_at = ${now}
			where id = ${id}`;
		if (unitId !== before.unitId) await reassignClocks(tx, subjectOf(id), unitId, author.personId, now);
		await satisfyClocks(subjectOf(id), 'opinion.assessed', now, { assessedBy: author.personId, heat: input.heat }, author.personId, tx);
		const underIncident = incident !== null && (await majorLevels(tx)).includes(incident.level);
		// Once answered, a new assessment starts no second clock.
		if (input.needsResponse && !underIncident && before.respondedAt === null)
			// The rule's anchor is the assessment; its time is the earliest sighting (国办发〔2016〕61号: 48 hours from when it arose).
			await startClocks(tx, subjectOf(id), { unitId, anchors: { assessed: before.firstSeenAt }, kind: before.type }, now, author.personId);
		if (!input.needsResponse || underIncident)
			await cancelClocks(
				tx,
				subjectOf(id),
				underIncident ? text('clock.cancel.under_incident', { title: incident!.title }) : text('clock.cancel.no_response'),
				author.personId,
				now,
				[RULE.opinionResponse],
				underIncident ? { type: 'incident', id: incidentId! } : undefined
			);
		const after = (await getItem(tx, id, null))!;
		await addEvent(
			tx,
			subjectOf(id),
			'opinion.assessed',
			author.personId,
			{ heat: t(`opinion.heat.${input.heat}`), response: t(input.needsResponse ? 'opinion.needs_response' : 'opinion.no_response'), unit: after.unitName },
			now
		);
		// Only a new link is news on the incident's timeline.
		if (incident && !keep) await addEvent(tx, { type: 'incident', id: incidentId! }, 'opinion.linked', author.personId, { itemId: id, summary: after.summary.slice(0, 60) }, now);
		await audit(tx, author.actor, { action: 'opinion.assessed', entity: 'opinion_item', entityId: id, before, after });
		return after;
	});
}

/** Under a level I/II incident the item's own 48-hour clock stops: the incident's 5 h / 24 h clocks govern (no second, looser clock). */
export async function linkIncident(id: string, incidentId: string, author: Author, now: Date = new Date()): Promise<OpinionRow> {
	return sql.begin(async (tx) => {
		const before = await lockOpen(tx, id, author.scope);
		const incident = await checkIncident(tx, incidentId, author.scope);
		await tx`update opinion_items set incident_id = ${incidentId}, updated_at = ${now} where id = ${id}`;
		if ((await majorLevels(tx)).includes(incident.level))
			await cancelClocks(tx, subjectOf(id), text('clock.cancel.under_incident', { title: incident.title }), author.personId, now, [RULE.opinionResponse], { type: 'incident', id: incidentId });
		await addEvent(tx, subjectOf(id), 'opinion.incident_linked', author.personId, { incidentId, title: incident.title }, now);
		await addEvent(tx, { type: 'incident', id: incidentId }, 'opinion.linked', author.personId, { itemId: id, summary: before.summary.slice(0, 60) }, now);
		const after = (await getItem(tx, id, null))!;
		await audit(tx, author.actor, { action: 'opinion.incident_linked', entity: 'opinion_item', entityId: id, before, after });
		return after;
	});
}

/** 会商: a note from the author's unit, kept on the item. */
export async function addConsultation(id: string, note: string, author: Author, now: Date = new Date()) {
	if (!note.trim()) throw new FieldError('note', 'error.required');
	return sql.begin(async (tx) => {
		await lockOpen(tx, id, author.scope);
		await tx`insert into opinion_consultations (item_id, unit_id, person_id, note, at) values (${id}, ${author.unitId}, ${author.personId}, ${note.trim()}, ${now})`;
		await addEvent(tx, subjectOf(id), 'opinion.consulted', author.personId, {}, now);
		await audit(tx, author.actor, { action: 'opinion.consulted', entity: 'opinion_item', entityId: id, after: { note: note.trim() } });
		return (await getItem(tx, id, null))!;
	});
}

// ---- responding and closing ---------------------------------------------------------------------------

/** A response went out at `at` (a release, a conference, an interview): the 48-hour clock is met then. */
export async function markResponded(tx: Tx, id: string, at: Date, evidence: Record<string, unknown>, actorId: string | null) {
	// A response drafted for an item since merged answers the item it was merged into.
	for (let hops = 0; hops < 5; hops++) {
		const [row] = await tx<{ mergedIntoId: string | null }[]>`select merged_into_id from opinion_items where id = ${id}`;
		if (!row?.mergedIntoId) break;
		id = row.mergedIntoId;
	}
	await tx`
		update opinion_items set status = case when status in ('awaiting_assessment', 'assessed') then 'responded' else status end,
			responded_at = least(coalesce(responded_at, ${at}), ${at}), updated_at = now()
		where id = ${id}`;
	await addEvent(tx, subjectOf(id), 'opinion.responded', actorId, evidence, at);
	return satisfyClocks(subjectOf(id), 'opinion.responded', at, evidence, actorId, tx);
}

/** An interview or a briefing given in answer, with its time and outlet. */
export async function recordResponse(id: string, input: { kind: 'interview' | 'briefing'; outlet: string; at: Date; note: string }, author: Author, now: Date = new Date()) {
	if (!input.outlet.trim()) throw new FieldError('outlet', 'error.required');
	if (input.at.getTime() > now.getTime() + FUTURE_SLACK_MS) throw new FieldError('at', 'opinion.future');
	return sql.begin(async (tx) => {
		const item = await lockOpen(tx, id, author.scope);
		if (input.at < item.firstSeenAt) throw new FieldError('at', 'opinion.before_first_seen');
		await tx`
			insert into opinion_responses (item_id, kind, outlet, at, note, recorded_by, recorded_at)
			values (${id}, ${input.kind}, ${input.outlet.trim()}, ${input.at}, ${input.note.trim()}, ${author.personId}, ${now})`;
		const met = await markResponded(tx, id, input.at, { kind: input.kind, outlet: input.outlet.trim() }, author.personId);
		await audit(tx, author.actor, { action: 'opinion.response_recorded', entity: 'opinion_item', entityId: id, after: input });
		return { item: (await getItem(tx, id, null))!, satisfied: met.map((c) => ({ id: c.id, ruleName: c.ruleName, status: c.status })) };
	});
}

/**
 * Answers the item with a press conference: one already held counts at its start time; one still planned
 * counts when it is recorded as held (conferences/flows.ts).
 */
export async function linkConference(id: string, conferenceId: string, author: Author, now: Date = new Date()) {
	return sql.begin(async (tx) => {
		const item = await lockOpen(tx, id, author.scope);
		const [c] = await tx<{ title: string; status: string; heldAt: Date | null }[]>`
			select title, status, held_at from conferences
			where id = ${conferenceId} and status <> 'cancelled' and ${inReach(tx, 'unit_id', author.scope)}`;
		if (!c) throw new FieldError('conferenceId', 'error.invalid_choice');
		await tx`update conferences set opinion_item_id = ${id}, updated_at = ${now} where id = ${conferenceId}`;
		await addEvent(tx, subjectOf(id), 'opinion.conference_linked', author.personId, { conferenceId, title: c.title }, now);
		const met = c.status === 'held' && c.heldAt && c.heldAt >= item.firstSeenAt ? await markResponded(tx, id, c.heldAt, { conferenceId, title: c.title }, author.personId) : [];
		await audit(tx, author.actor, { action: 'opinion.conference_linked', entity: 'opinion_item', entityId: id, after: { conferenceId } });
		return { item: (await getItem(tx, id, null))!, satisfied: met.map((m) => ({ id: m.id, ruleName: m.ruleName, status: m.status })) };
	});
}

/** 评估: did attention fall, what was learnt; the item closes and its remaining clocks stop. */
export async function evaluateItem(id: string, input: { attentionFell: boolean; lessons: string }, author: Author, now: Date = new Date()): Promise<OpinionRow> {
	return sql.begin(async (tx) => {
		const before = await lockOpen(tx, id, author.scope);
		if (before.status === 'awaiting_assessment') throw new FieldError('id', 'opinion.not_assessed');
		// Closing is no way out of a deadline: an item that needs a response is evaluated after it.
		if (before.needsResponse && before.status !== 'responded') throw new FieldError('id', 'opinion.respond_first');
		await tx`
			update opinion_items set attention_fell = ${input.attentionFell}, lessons = ${input.lessons.trim()}, status = 'closed', closed_at = ${now}, updated_at = ${now}
			where id = ${id}`;
		await cancelClocks(tx, subjectOf(id), text('clock.cancel.evaluated'), author.personId, now);
		await addEvent(tx, subjectOf(id), 'opinion.closed', author.personId, { attentionFell: input.attentionFell }, now);
		const after = (await getItem(tx, id, null))!;
		await audit(tx, author.actor, { action: 'opinion.closed', entity: 'opinion_item', entityId: id, before, after });
		return after;
	});
}
