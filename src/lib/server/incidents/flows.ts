// Incident transitions: logging (idempotent per device submission), editing, level changes, merging
// and closing. Each writes the incident, its audit row, its timeline and its clocks in one transaction.
import { createHash } from 'node:crypto';
import { text } from '../../i18n/index.ts';
import type { Actor as RequestActor } from '../actor.ts';
import { audit } from '../audit/index.ts';
import { moveClocks, reassignClocks, cancelClocks, startClocks, majorLevels } from '../clocks/index.ts';
import type { Subject } from '../clocks/index.ts';
import { sql, type Tx } from '../db.ts';
import { ConflictError, FieldError, notFound } from '../errors.ts';
import { addEvent } from '../timeline/index.ts';
import { getUnit } from '../units/index.ts';
import { incidentOut } from './out.ts';
import { CLOCK_SKEW_MS } from '../../time.ts';
import {
	findByClientKey,
	getIncident,
	insertIncident,
	lockIncident,
	setIncidentLevel,
	setIncidentStatus,
	updateIncidentFields,
	type IncidentFields,
	type IncidentRow
} from './queries.ts';

const FUTURE_SLACK_MS = CLOCK_SKEW_MS;
const OLD_MS = 7 * 86_400_000;

/** Who takes a step: the request's actor (`ctx.actor`, server/actor.ts), of which a flow reads only this much. */
export type Author = Pick<RequestActor, 'personId' | 'scope' | 'actor'>;

const subjectOf = (id: string): Subject => ({ type: 'incident', id });

export function bodyHash(f: IncidentFields): string {
	const canonical = JSON.stringify([
		f.title,
		f.category,
		f.level,
		f.occurredAt.getTime(),
		f.location,
		f.leadUnitId,
		f.description
	]);
	return createHash('sha256').update(canonical).digest('hex');
}

function checkOccurredAt(occurredAt: Date, now: Date, confirmOld: boolean) {
	if (occurredAt.getTime() > now.getTime() + FUTURE_SLACK_MS) throw new FieldError('occurredAt', 'incident.future');
	if (!confirmOld && occurredAt.getTime() < now.getTime() - OLD_MS) throw new FieldError('occurredAt', 'incident.too_old');
}

async function checkLeadUnit(tx: Tx, unitId: string, scope: string | null) {
	const unit = await getUnit(tx, unitId, scope);
	if (!unit || !unit.active) throw new FieldError('leadUnitId', 'error.invalid_choice');
}

export interface LogInput extends IncidentFields {
	clientKey: string;
	deviceRecordedAt: Date | null;
	confirmOld: boolean;
}

/**
 * Logs an incident and starts its clocks from when it occurred. A replay of the same submission
 * (same person, same client key, same body) returns the first incident; a different body is a conflict.
 */
export async function logIncident(input: LogInput, author: Author, now: Date = new Date()): Promise<{ incident: IncidentRow; replay: boolean }> {
	const { clientKey, deviceRecordedAt, confirmOld, ...fields } = input;
	const hash = bodyHash(fields);
	const previous = await findByClientKey(sql, author.personId, clientKey);
	if (previous) return replayOf(previous, hash);
	checkOccurredAt(fields.occurredAt, now, confirmOld);
	const created = await sql.begin(async (tx) => {
		await checkLeadUnit(tx, fields.leadUnitId, author.scope);
		const id = await insertIncident(tx, fields, { createdBy: author.personId, clientKey, bodyHash: hash, deviceRecordedAt, receivedAt: now });
		if (!id) return null;
		const incident = (await getIncident(tx, id, null))!;
		await audit(tx, author.actor, { action: 'incident.logged', entity: 'incident', entityId: id, after: incident });
		await addEvent(tx, subjectOf(id), 'incident.logged', author.personId, { level: fields.level, deviceRecordedAt, receivedAt: now }, now);
		await startClocks(tx, subjectOf(id), { unitId: fields.leadUnitId, anchors: { occurred: fields.occurredAt }, level: fields.level }, now, author.personId);
		return incident;
	});
	if (created) return { incident: created, replay: false };
	// Another replay of the same submission won the race.
	return replayOf((await findByClientKey(sql, author.personId, clientKey))!, hash);
}

function replayOf(previous: IncidentRow, hash: string): { incident: IncidentRow; replay: boolean } {
	// The device shows both versions side by side: the first one goes back as the API shows it.
	if (previous.bodyHash !== hash) throw new ConflictError('incident.replay_conflict', incidentOut(previous));
	return { incident: previous, replay: true };
}

async function lockOpen(tx: Tx, id: string, scope: string | null): Promise<IncidentRow> {
	const incident = await lockIncident(tx, id, scope);
	if (!incident) throw notFound();
	if (incident.status !== 'open') throw new FieldError('id', 'incident.not_open');
	return incident;
}

/** Edits the details; a corrected occurrence time moves the open clocks with it. */
export async function editIncident(
	id: string,
	f: Omit<IncidentFields, 'level'>,
	author: Author,
	now: Date = new Date()
): Promise<IncidentRow> {
	return sql.begin(async (tx) => {
		const before = await lockOpen(tx, id, author.scope);
		if (f.occurredAt.getTime() > now.getTime() + FUTURE_SLACK_MS) throw new FieldError('occurredAt', 'incident.future');
		if (f.leadUnitId !== before.leadUnitId) await checkLeadUnit(tx, f.leadUnitId, author.scope);
		await updateIncidentFields(tx, id, f);
		await moveClocks(tx, subjectOf(id), 'occurred', f.occurredAt.getTime() - before.occurredAt.getTime(), author.personId, now);
		if (f.leadUnitId !== before.leadUnitId) await reassignClocks(tx, subjectOf(id), f.leadUnitId, author.personId, now);
		const after = (await getIncident(tx, id, null))!;
		await audit(tx, author.actor, { action: 'incident.updated', entity: 'incident', entityId: id, before, after });
		const changed = (Object.keys(f) as (keyof typeof f)[]).filter((k) => String(before[k]) !== String(after[k]));
		await addEvent(tx, subjectOf(id), 'incident.updated', author.personId, { changed }, now);
		return after;
	});
}

/**
 * Upgrading into I/II starts the major clocks from the original occurrence time; downgrading out of
 * them cancels those clocks, with the reason on record.
 */
export async function changeLevel(id: string, level: number, reason: string, author: Author, now: Date = new Date()): Promise<IncidentRow> {
	return sql.begin(async (tx) => {
		const before = await lockOpen(tx, id, author.scope);
		if (before.level === level) return before;
		const major = await majorLevels(tx);
		const downgrade = major.includes(before.level) && !major.includes(level);
		if (downgrade && !reason.trim()) throw new FieldError('reason', 'incident.downgrade_reason');
		await setIncidentLevel(tx, id, level);
		await addEvent(tx, subjectOf(id), 'incident.level_changed', author.personId, { from: before.level, to: level, reason }, now);
		if (downgrade) await cancelClocks(tx, subjectOf(id), text('common.verbatim', { text: reason }), author.personId, now);
		else await startClocks(tx, subjectOf(id), { unitId: before.leadUnitId, anchors: { occurred: before.occurredAt }, level }, now, author.personId);
		const after = (await getIncident(tx, id, null))!;
		await audit(tx, author.actor, { action: 'incident.level_changed', entity: 'incident', entityId: id, before, after: { ...after, reason } });
		return after;
	});
}

/** A duplicate is folded into the incident it repeats; its own clocks stop, the other's run on. */
export async function mergeIncident(id: string, intoId: string, author: Author, now: Date = new Date()): Promise<IncidentRow> {
	if (id === intoId) throw new FieldError('intoId', 'incident.merge_self');
	return sql.begin(async (tx) => {
		// Both rows locked in id order, so two opposite merges at once wait instead of deadlocking.
		await tx`select id from incidents where id in (${id}, ${intoId}) order by id for update`;
		const before = await lockOpen(tx, id, author.scope);
		const into = await lockIncident(tx, intoId, author.scope);
		if (!into || into.status !== 'open') throw new FieldError('intoId', 'error.invalid_choice');
		await setIncidentStatus(tx, id, { status: 'merged', mergedIntoId: intoId });
		await cancelClocks(tx, subjectOf(id), text('clock.cancel.merged', { title: into.title }), author.personId, now, undefined, subjectOf(intoId));
		await addEvent(tx, subjectOf(id), 'incident.merged', author.personId, { intoId, intoTitle: into.title }, now);
		await addEvent(tx, subjectOf(intoId), 'incident.absorbed', author.personId, { fromId: id, fromTitle: before.title }, now);
		const after = (await getIncident(tx, id, null))!;
		await audit(tx, author.actor, { action: 'incident.merged', entity: 'incident', entityId: id, before, after });
		return after;
	});
}

/** Closing stops the clocks still running, with the note as the reason; a breach already recorded stays. */
export async function closeIncident(id: string, note: string, author: Author, now: Date = new Date()): Promise<IncidentRow> {
	if (!note.trim()) throw new FieldError('note', 'incident.close_note');
	return sql.begin(async (tx) => {
		const before = await lockOpen(tx, id, author.scope);
		await setIncidentStatus(tx, id, { status: 'closed', closedAt: now, closeNote: note });
		await cancelClocks(tx, subjectOf(id), text('clock.cancel.incident_closed', { note }), author.personId, now);
		await addEvent(tx, subjectOf(id), 'incident.closed', author.personId, { note }, now);
		const after = (await getIncident(tx, id, null))!;
		await audit(tx, author.actor, { action: 'incident.closed', entity: 'incident', entityId: id, before, after });
		return after;
	});
}
