// Conference transitions: planning, editing, holding, postponing, cancelling, and the spokespersons'
// public phones. Each writes the conference, its audit row and both timelines (the conference's and its
// incident's) in one transaction; holding one meets the incident's press-conference clock in the same one.
import { HELD_FUTURE_SLACK_MS, isUpcoming } from '../../conferences.ts';
import { text } from '../../i18n/index.ts';
import { subjectHref } from '../../subjects.ts';
import { formatDateTime, toIso } from '../../time.ts';
import { audit, type Actor } from '../audit/index.ts';
import { satisfyClocks, recipientsFor, majorLevels } from '../clocks/index.ts';
import { markResponded } from '../opinions/index.ts';
import type { Subject } from '../clocks/index.ts';
import { sql, type Tx } from '../db.ts';
import { FieldError, notFound } from '../errors.ts';
import type { Author } from '../incidents/index.ts';
import { getIncident, type IncidentRow } from '../incidents/index.ts';
import { sendNotice } from '../notify/index.ts';
import { getPerson } from '../people/index.ts';
import { addEvent } from '../timeline/index.ts';
import { getUnit } from '../units/index.ts';
import { lateWarning, type LateWarning } from './out.ts';
import {
	eligiblePeople,
	getConference,
	getPublicPhone,
	insertConference,
	listSpokespersons,
	lockConference,
	setConferenceStatus,
	setPublicPhone,
	unitOfPerson,
	updateConferenceFields,
	type ConferenceFields,
	type ConferenceRow
} from './queries.ts';

export type { Author };

const conferenceSubject = (id: string): Subject => ({ type: 'conference', id });
const incidentSubject = (id: string): Subject => ({ type: 'incident', id });

/** What the form sends: the unit and the speakers may be left for the server to fill in. */
export interface ConferenceInput extends Omit<ConferenceFields, 'unitId' | 'speakerIds'> {
	/** null: the incident's lead unit, else the author's own unit */
	unitId: string | null;
	/** null: the unit's spokespersons, with its principal first for a major incident */
	speakerIds: string[] | null;
}

export interface Planned {
	conference: ConferenceRow;
	lateWarning: LateWarning | null;
}

async function checkIncident(tx: Tx, id: string, scope: string | null): Promise<IncidentRow> {
	const incident = await getIncident(tx, id, scope);
	if (!incident) throw new FieldError('incidentId', 'error.invalid_choice');
	return incident;
}

async function checkUnit(tx: Tx, id: string, scope: string | null) {
	const unit = await getUnit(tx, id, scope);
	if (!unit || !unit.active) throw new FieldError('unitId', 'error.invalid_choice');
}

/** The speakers a new conference starts with: the principal (the first spokesperson) leads for a major incident. */
export async function defaultSpeakers(tx: Tx, unitId: string, major: boolean): Promise<string[]> {
	const seats = await listSpokespersons(tx, null, unitId);
	return seats.filter((s) => !s.isPrincipal || major).map((s) => s.id);
}

/** Fills in the defaults and checks every choice against what the author may reach. */
async function resolve(tx: Tx, f: ConferenceInput, author: Author): Promise<{ fields: ConferenceFields; incident: IncidentRow | null }> {
	const incident = f.incidentId ? await checkIncident(tx, f.incidentId, author.scope) : null;
	const unitId = f.unitId ?? incident?.leadUnitId ?? (await unitOfPerson(tx, author.personId))!;
	await checkUnit(tx, unitId, author.scope);
	const major = incident !== null && (await majorLevels(tx)).includes(incident.level);
	const speakerIds = [...new Set(f.speakerIds ?? (await defaultSpeakers(tx, unitId, major)))];
	const eligible = await eligiblePeople(tx, [...speakerIds, ...(f.hostId ? [f.hostId] : [])], unitId, author.scope);
	if (f.hostId && !eligible.has(f.hostId)) throw new FieldError('hostId', 'error.invalid_choice');
	if (speakerIds.some((id) => !eligible.has(id))) throw new FieldError('speakerIds', 'error.invalid_choice');
	const mediaInvited = [...new Set(f.mediaInvited.map((m) => m.trim()).filter(Boolean))];
	return { fields: { ...f, unitId, speakerIds, mediaInvited }, incident };
}

async function lockUpcoming(tx: Tx, id: string, scope: string | null): Promise<ConferenceRow> {
	const conference = await lockConference(tx, id, scope);
	if (!conference) throw notFound();
	if (!isUpcoming(conference.status)) throw new FieldError('id', 'conference.not_upcoming');
	return conference;
}

/** One line on the conference's own timeline and, when it is about an incident, on the incident's. */
async function record(tx: Tx, c: ConferenceRow, kind: string, actorId: string, data: Record<string, unknown>, at: Date) {
	const line = { conferenceId: c.id, title: c.title, ...data };
	await addEvent(tx, conferenceSubject(c.id), kind, actorId, line, at);
	if (c.incidentId) await addEvent(tx, incidentSubject(c.incidentId), kind, actorId, line, at);
}

// Timeline lines carry the time already written out, because the timeline shows its data as given.
const shown = (d: Date) => ({ at: toIso(d), time: formatDateTime(d) });

/** Planned after the deadline: the unit's leader in charge hears of it at once, with one tap to the conference. */
async function warnLate(tx: Tx, c: ConferenceRow, warning: LateWarning, now: Date): Promise<void> {
	const leaders = await recipientsFor(tx, c.unitId, 'leader_in_charge');
	await sendNotice(
		tx,
		leaders.map((p) => p.id),
		{
			kind: 'alert',
			urgency: 'high',
			title: text('conference.late_notice_title', { title: c.title }),
			body: text('conference.late_notice_body', {
				title: c.title,
				planned: formatDateTime(c.plannedAt),
				rule: warning.ruleName,
				due: formatDateTime(new Date(warning.dueAt))
			}),
			url: subjectHref('conference', c.id) ?? '/',
			subject: conferenceSubject(c.id)
		},
		now
	);
	const kind = leaders.length ? 'conference.late_notified' : 'conference.late_nobody';
	await addEvent(tx, conferenceSubject(c.id), kind, null, { people: leaders.map((p) => p.name).join('、'), ...shown(new Date(warning.dueAt)) }, now);
}

/** Schedules a conference; planned after the incident's open deadline, it says so and tells the leader in charge. */
export async function planConference(input: ConferenceInput, author: Author, now: Date = new Date()): Promise<Planned> {
	return sql.begin(async (tx) => {
		const { fields } = await resolve(tx, input, author);
		const id = await insertConference(tx, fields, author.personId, now);
		const conference = (await getConference(tx, id, null))!;
		await audit(tx, author.actor, { action: 'conference.planned', entity: 'conference', entityId: id, after: conference });
		await record(tx, conference, 'conference.planned', author.personId, shown(fields.plannedAt), now);
		const warning = lateWarning(conference);
		if (warning) await warnLate(tx, conference, warning, now);
		return { conference, lateWarning: warning };
	});
}

/**
 * Edits a conference still to be held; moving it past the deadline warns as planning it there would. An incident
 * left out (`undefined`) or sent back unchanged stays linked without being chosen again: the editor may not see it.
 */
export async function editConference(
	id: string,
	input: Omit<ConferenceInput, 'incidentId'> & { incidentId?: string | null },
	author: Author,
	now: Date = new Date()
): Promise<Planned> {
	return sql.begin(async (tx) => {
		const before = await lockUpcoming(tx, id, author.scope);
		const keep = input.incidentId === undefined || input.incidentId === before.incidentId;
		const chosen = { ...input, incidentId: keep ? null : input.incidentId!, unitId: input.unitId ?? before.unitId, speakerIds: input.speakerIds ?? before.speakerIds };
		const resolved = await resolve(tx, chosen, author);
		const fields = { ...resolved.fields, incidentId: keep ? before.incidentId : resolved.fields.incidentId };
		await updateConferenceFields(tx, id, fields, now);
		const after = (await getConference(tx, id, null))!;
		await audit(tx, author.actor, { action: 'conference.updated', entity: 'conference', entityId: id, before, after });
		const changed = (['kind', 'title', 'incidentId', 'unitId', 'plannedAt', 'place', 'hostId', 'speakerIds', 'mediaInvited'] as const).filter(
			(k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])
		);
		await addEvent(tx, conferenceSubject(id), 'conference.updated', author.personId, { changed }, now);
		if (before.incidentId !== after.incidentId) {
			// The old incident's record says the conference left it; the new one's that it was planned for it.
			if (before.incidentId)
				await addEvent(tx, incidentSubject(before.incidentId), 'conference.unlinked', author.personId, { conferenceId: id, title: after.title }, now);
			if (after.incidentId)
				await addEvent(tx, incidentSubject(after.incidentId), 'conference.planned', author.personId, { conferenceId: id, title: after.title, ...shown(after.plannedAt) }, now);
		} else if (after.incidentId && changed.includes('plannedAt')) {
			await addEvent(tx, incidentSubject(after.incidentId), 'conference.rescheduled', author.personId, { conferenceId: id, title: after.title, ...shown(after.plannedAt) }, now);
		}
		const warning = lateWarning(after);
		// Only a move that makes it later (or onto another incident) is news for the leader in charge.
		const later = after.plannedAt.getTime() > before.plannedAt.getTime() || before.incidentId !== after.incidentId;
		if (warning && later) await warnLate(tx, after, warning, now);
		return { conference: after, lateWarning: warning };
	});
}

/**
 * Records that the conference took place at `heldAt` (its actual start): the incident's press-conference
 * clock is met at that time, satisfied if it was before the deadline, satisfied late after it.
 */
export async function markHeld(id: string, heldAt: Date, author: Author, now: Date = new Date()): Promise<ConferenceRow> {
	if (heldAt.getTime() > now.getTime() + HELD_FUTURE_SLACK_MS) throw new FieldError('heldAt', 'conference.held_future');
	return sql.begin(async (tx) => {
		const before = await lockUpcoming(tx, id, author.scope);
		if (before.incidentId) {
			const incident = (await getIncident(tx, before.incidentId, null))!;
			if (heldAt.getTime() < incident.occurredAt.getTime()) throw new FieldError('heldAt', 'conference.held_before_incident');
		}
		await setConferenceStatus(tx, id, { status: 'held', heldAt, reason: null }, now);
		const after = (await getConference(tx, id, null))!;
		await record(tx, after, 'conference.held', author.personId, shown(heldAt), heldAt);
		const met = before.incidentId
			? await satisfyClocks(incidentSubject(before.incidentId), 'conference.held', heldAt, { conferenceId: id, title: after.title }, author.personId, tx)
			: [];
		// A conference that answers a public-opinion item is its response too.
		const [answers] = await tx<{ opinionItemId: string | null }[]>`select opinion_item_id from conferences where id = ${id}`;
		if (answers?.opinionItemId) met.push(...(await markResponded(tx, answers.opinionItemId, heldAt, { conferenceId: id, title: after.title }, author.personId)));
		await audit(tx, author.actor, {
			action: 'conference.held',
			entity: 'conference',
			entityId: id,
			before,
			after: { ...after, satisfiedClocks: met.map((c) => ({ id: c.id, status: c.status })) }
		});
		return after;
	});
}

/** Moves the conference to a later time, with the reason; past the deadline, the leader in charge is told. */
export async function postponeConference(id: string, plannedAt: Date, reason: string, author: Author, now: Date = new Date()): Promise<Planned> {
	if (!reason.trim()) throw new FieldError('reason', 'conference.postpone_reason');
	return sql.begin(async (tx) => {
		const before = await lockUpcoming(tx, id, author.scope);
		if (plannedAt.getTime() <= before.plannedAt.getTime())
			throw new FieldError('plannedAt', 'conference.postpone_not_later', { time: formatDateTime(before.plannedAt) });
		await setConferenceStatus(tx, id, { status: 'postponed', plannedAt, reason: reason.trim() }, now);
		const after = (await getConference(tx, id, null))!;
		await audit(tx, author.actor, { action: 'conference.postponed', entity: 'conference', entityId: id, before, after });
		await record(tx, after, 'conference.postponed', author.personId, { ...shown(plannedAt), reason: reason.trim() }, now);
		const warning = lateWarning(after);
		if (warning) await warnLate(tx, after, warning, now);
		return { conference: after, lateWarning: warning };
	});
}

/** Calls the conference off, with the reason; the incident's clock runs on. */
export async function cancelConference(id: string, reason: string, author: Author, now: Date = new Date()): Promise<ConferenceRow> {
	if (!reason.trim()) throw new FieldError('reason', 'conference.cancel_reason');
	return sql.begin(async (tx) => {
		const before = await lockUpcoming(tx, id, author.scope);
		await setConferenceStatus(tx, id, { status: 'cancelled', reason: reason.trim() }, now);
		const after = (await getConference(tx, id, null))!;
		await audit(tx, author.actor, { action: 'conference.cancelled', entity: 'conference', entityId: id, before, after });
		await record(tx, after, 'conference.cancelled', author.personId, { reason: reason.trim() }, now);
		return after;
	});
}

// Digits with the separators people write in phone numbers: 0891-6321234, +86 10 6512 3456, (010) 12345.
const PUBLIC_PHONE = /^[0-9+() -]{5,30}$/;

/** The office keeps each spokesperson's public number current; an empty one removes it. */
export async function changePublicPhone(personId: string, phone: string, scope: string | null, actor: Actor): Promise<string | null> {
	const value = phone.trim().replace(/\s+/g, ' ') || null;
	if (value !== null && (!PUBLIC_PHONE.test(value) || value.replace(/\D/g, '').length < 5))
		throw new FieldError('publicPhone', 'conference.phone_format');
	return sql.begin(async (tx) => {
		const person = await getPerson(tx, personId, scope);
		if (!person) throw notFound();
		const before = await getPublicPhone(tx, personId);
		if (before === value) return value;
		await setPublicPhone(tx, personId, value);
		await audit(tx, actor, { action: 'person.public_phone_set', entity: 'person', entityId: personId, before: { publicPhone: before }, after: { publicPhone: value } });
		return value;
	});
}
