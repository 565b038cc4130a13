import type { PendingQuery, Row } from 'postgres';
import type { ConferenceKind, ConferenceStatus } from '../../conferences.ts';
import type { Tx } from '../db.ts';
import { allOf, cursorTime } from '../pages.ts';
import { releaseVisible } from '../releases/index.ts';
import { inReach } from '../units/index.ts';

export interface ConferenceRow {
	id: string;
	unitId: string;
	unitName: string;
	kind: ConferenceKind;
	title: string;
	incidentId: string | null;
	incidentTitle: string | null;
	incidentLevel: number | null;
	plannedAt: Date;
	place: string;
	hostId: string | null;
	hostName: string | null;
	speakerIds: string[];
	mediaInvited: string[];
	status: ConferenceStatus;
	heldAt: Date | null;
	statusReason: string | null;
	createdBy: string;
	createdByName: string;
	createdAt: Date;
	updatedAt: Date;
	/** the incident's open press-conference clock, if any: what the planned time is measured against */
	deadlineClockId: string | null;
	deadlineRule: string | null;
	deadlineStartsAt: Date | null;
	deadlineAt: Date | null;
}

// The incident's clock that a held conference satisfies, while it is still open (running or breached). The
// incident and its clock only when in the reader's reach: the conference's unit may reach further than they do.
const select = (db: Tx, scopeRoot: string | null, extra: PendingQuery<Row[]> = db``) => db`
	select c.id, c.unit_id, u.name as unit_name, c.kind, c.title, c.incident_id, i.title as incident_title,
		i.level as incident_level, c.planned_at, c.place, c.host_id, h.name as host_name, c.speaker_ids, c.media_invited,
		c.status, c.held_at, c.status_reason, c.created_by, p.name as created_by_name, c.created_at, c.updated_at,
		k.id as deadline_clock_id, k.rule_name as deadline_rule, k.starts_at as deadline_starts_at, k.due_at as deadline_at ${extra}
	from conferences c
	join units u on u.id = c.unit_id
	join people p on p.id = c.created_by
	left join incidents i on i.id = c.incident_id and ${inReach(db, 'i.lead_unit_id', scopeRoot)}
	left join people h on h.id = c.host_id
	left join lateral (
		select id, rule_name, starts_at, due_at from clocks
		where subject = 'incident' and subject_id = i.id and satisfied_by = 'conference.held'
			and status in ('running', 'breached')
		order by due_at limit 1
	) k on true`;

const inScope = (db: Tx, scopeRoot: string | null) => inReach(db, 'c.unit_id', scopeRoot);

export async function getConference(db: Tx, id: string, scopeRoot: string | null): Promise<ConferenceRow | undefined> {
	const [row] = await db<ConferenceRow[]>`${select(db, scopeRoot)} where c.id = ${id} and ${inScope(db, scopeRoot)}`;
	return row;
}

/** Locks the conference row for the rest of the transaction, so two people recording it at once take turns. */
export async function lockConference(db: Tx, id: string, scopeRoot: string | null): Promise<ConferenceRow | undefined> {
	const [locked] = await db<{ id: string }[]>`
		select c.id from conferences c where c.id = ${id} and ${inScope(db, scopeRoot)} for update of c`;
	return locked ? getConference(db, id, scopeRoot) : undefined;
}

/** Still to be held (planned or postponed), soonest first: overdue ones not yet recorded come first. */
export async function listUpcoming(db: Tx, scopeRoot: string | null, limit: number): Promise<ConferenceRow[]> {
	return db<ConferenceRow[]>`
		${select(db, scopeRoot)}
		where ${inScope(db, scopeRoot)} and c.status in ('planned', 'postponed')
		order by c.planned_at
		limit ${limit}`;
}

/** A past conference's place in the list: when it was held (or last changed, called off), to the microsecond. */
export type PastCursor = [at: string, id: string];

/**
 * Held or called off (since `since`, if given), latest first, after the cursor: a walk down `conferences_past`.
 * `limit` rows are read: the page and one more.
 */
export async function listPast(db: Tx, scopeRoot: string | null, f: { since: Date | null; after: PastCursor | null; limit: number }): Promise<(ConferenceRow & { sortAt: string })[]> {
	const conditions = [inScope(db, scopeRoot), db`c.status in ('held', 'cancelled')`];
	if (f.since) conditions.push(db`coalesce(c.held_at, c.updated_at) >= ${f.since}`);
	if (f.after) conditions.push(db`(coalesce(c.held_at, c.updated_at), c.id) < (${f.after[0]}::timestamptz, ${f.after[1]}::uuid)`);
	return db<(ConferenceRow & { sortAt: string })[]>`
		${select(db, scopeRoot, db`, ${cursorTime(db, db`coalesce(c.held_at, c.updated_at)`)} as sort_at`)}
		where ${allOf(db, conditions)}
		order by coalesce(c.held_at, c.updated_at) desc, c.id desc
		limit ${f.limit}`;
}

export interface ConferenceFields {
	kind: ConferenceKind;
	title: string;
	incidentId: string | null;
	unitId: string;
	plannedAt: Date;
	place: string;
	hostId: string | null;
	speakerIds: string[];
	mediaInvited: string[];
}

export async function insertConference(db: Tx, f: ConferenceFields, createdBy: string, now: Date): Promise<string> {
	const [row] = await db<{ id: string }[]>`
		insert into conferences (unit_id, kind, title, incident_id, planned_at, place, host_id, speaker_ids, media_invited,
			created_by, created_at, updated_at)
		values (${f.unitId}, ${f.kind}, ${f.title}, ${f.incidentId}, ${f.plannedAt}, ${f.place}, ${f.hostId},
			${f.speakerIds}::uuid[], ${f.mediaInvited}::text[], ${createdBy}, ${now}, ${now})
		returning id`;
	return row!.id;
}

export async function updateConferenceFields(db: Tx, id: string, f: ConferenceFields, now: Date): Promise<void> {
	await db`
		update conferences set unit_id = ${f.unitId}, kind = ${f.kind}, title = ${f.title}, incident_id = ${f.incidentId},
			planned_at = ${f.plannedAt}, place = ${f.place}, host_id = ${f.hostId}, speaker_ids = ${f.speakerIds}::uuid[],
			media_invited = ${f.mediaInvited}::text[], updated_at = ${now}
		where id = ${id}`;
}

export async function setConferenceStatus(
	db: Tx,
	id: string,
	s: { status: ConferenceStatus; plannedAt?: Date; heldAt?: Date | null; reason: string | null },
	now: Date
): Promise<void> {
	await db`
		update conferences set status = ${s.status}, planned_at = coalesce(${s.plannedAt ?? null}::timestamptz, planned_at),
			held_at = ${s.heldAt ?? null}, status_reason = ${s.reason}, updated_at = ${now}
		where id = ${id}`;
}

export interface PersonBrief {
	id: string;
	name: string;
	publicPhone: string | null;
}

/** The named people in the order given; unknown ids are left out. */
export async function peopleNamed(db: Tx, ids: string[]): Promise<PersonBrief[]> {
	if (!ids.length) return [];
	const rows = await db<PersonBrief[]>`select id, name, public_phone from people where id = any(${ids}::uuid[])`;
	return ids.map((id) => rows.find((r) => r.id === id)).filter((r): r is PersonBrief => r !== undefined);
}

/**
 * Of `ids`, the active people this person may put on a conference of `unitId`: anyone within their
 * reach, and the unit's own principal and leader in charge, who may sit higher up the tree.
 */
export async function eligiblePeople(db: Tx, ids: string[], unitId: string, scopeRoot: string | null): Promise<Set<string>> {
	if (!ids.length) return new Set();
	const rows = await db<{ id: string }[]>`
		select p.id from people p
		where p.id = any(${ids}::uuid[]) and p.active and (
			${inReach(db, 'p.unit_id', scopeRoot)}
			or p.id in (select principal_id from units where id = ${unitId} union select leader_in_charge_id from units where id = ${unitId})
		)`;
	return new Set(rows.map((r) => r.id));
}

export interface SpokespersonRow {
	unitId: string;
	unitName: string;
	id: string;
	name: string;
	roles: string[];
	publicPhone: string | null;
	/** the unit's principal: the first spokesperson (第一新闻发言人) */
	isPrincipal: boolean;
}

/**
 * Each unit's spokespersons and its principal (the one named on the unit, else its people holding
 * the role, as escalations find them), for the units within reach, or just `unitId`.
 */
export async function listSpokespersons(db: Tx, scopeRoot: string | null, unitId: string | null = null): Promise<SpokespersonRow[]> {
	return db<SpokespersonRow[]>`
		with reach as (
			select id, name, principal_id from units
			where active and ${inReach(db, 'id', scopeRoot)}
				and (${unitId}::uuid is null or id = ${unitId}::uuid)
		),
		seats as (
			select r.id as unit_id, r.principal_id as person_id, true as principal from reach r where r.principal_id is not null
			union all
			select r.id, p.id, true from reach r join people p on p.unit_id = r.id
			where 'principal' = any(p.roles) and not exists (select 1 from people q where q.id = r.principal_id and q.active)
			union all
			select r.id, p.id, false from reach r join people p on p.unit_id = r.id where 'spokesperson' = any(p.roles)
		)
		select r.id as unit_id, r.name as unit_name, p.id, p.name, p.roles, p.public_phone, bool_or(s.principal) as is_principal
		from seats s join reach r on r.id = s.unit_id join people p on p.id = s.person_id
		where p.active
		group by r.id, r.name, p.id, p.name, p.roles, p.public_phone
		order by r.name, bool_or(s.principal) desc, p.name`;
}

export async function setPublicPhone(db: Tx, personId: string, phone: string | null): Promise<void> {
	await db`update people set public_phone = ${phone}, updated_at = now() where id = ${personId}`;
}

export async function getPublicPhone(db: Tx, personId: string): Promise<string | null> {
	const [row] = await db<{ publicPhone: string | null }[]>`select public_phone from people where id = ${personId}`;
	return row?.publicPhone ?? null;
}

export interface AttachedRelease {
	id: string;
	kind: string;
	status: string;
	currentVersion: number;
	title: string | null;
}

/** The opening statement and Q&A preparation drafted for the conference that this person may see, with their current titles. */
export async function releasesOf(db: Tx, conferenceId: string, scopeRoot: string | null, personId: string): Promise<AttachedRelease[]> {
	return db<AttachedRelease[]>`
		select r.id, r.kind, r.status, r.current_version, v.title
		from releases r left join release_versions v on v.release_id = r.id and v.number = r.current_version
		where r.conference_id = ${conferenceId} and ${releaseVisible(db, scopeRoot, personId)}
		order by r.created_at`;
}

export async function unitOfPerson(db: Tx, personId: string): Promise<string | undefined> {
	const [row] = await db<{ unitId: string }[]>`select unit_id from people where id = ${personId}`;
	return row?.unitId;
}

export interface OpenDeadline {
	incidentId: string;
	ruleName: string;
	startsAt: Date;
	dueAt: Date;
}

/** For the form: each incident's open press-conference deadline, so a late time is flagged before saving. */
export async function openDeadlines(db: Tx, incidentIds: string[]): Promise<OpenDeadline[]> {
	if (!incidentIds.length) return [];
	return db<OpenDeadline[]>`
		select distinct on (subject_id) subject_id as incident_id, rule_name, starts_at, due_at from clocks
		where subject = 'incident' and subject_id = any(${incidentIds}::uuid[]) and satisfied_by = 'conference.held'
			and status in ('running', 'breached')
		order by subject_id, due_at`;
}
