import type { IncidentCategory } from '../../clocks.ts';
import type { ConferenceKind, ConferenceStatus } from '../../conferences.ts';
import type { Tx } from '../db.ts';
import { allOf, cursorTime } from '../pages.ts';
import { holdsWords } from '../search.ts';
import { inReach } from '../units/index.ts';

export type IncidentStatus = 'open' | 'closed' | 'merged';

export interface IncidentRow {
	id: string;
	title: string;
	category: IncidentCategory;
	level: number;
	occurredAt: Date;
	location: string;
	leadUnitId: string;
	leadUnitName: string;
	description: string;
	status: IncidentStatus;
	mergedIntoId: string | null;
	closedAt: Date | null;
	closeNote: string | null;
	createdBy: string;
	createdByName: string;
	clientKey: string;
	bodyHash: string;
	deviceRecordedAt: Date | null;
	receivedAt: Date;
	createdAt: Date;
	updatedAt: Date;
}

const select = (db: Tx, extra = db``) => db`
	select i.id, i.title, i.category, i.level, i.occurred_at, i.location, i.lead_unit_id, u.name as lead_unit_name,
		i.description, i.status, i.merged_into_id, i.closed_at, i.close_note, i.created_by, p.name as created_by_name,
		i.client_key, i.body_hash, i.device_recorded_at, i.received_at, i.created_at, i.updated_at ${extra}
	from incidents i join units u on u.id = i.lead_unit_id join people p on p.id = i.created_by`;

const inScope = (db: Tx, scopeRoot: string | null) =>
	inReach(db, 'i.lead_unit_id', scopeRoot);

export async function getIncident(db: Tx, id: string, scopeRoot: string | null): Promise<IncidentRow | undefined> {
	const [row] = await db<IncidentRow[]>`${select(db)} where i.id = ${id} and ${inScope(db, scopeRoot)}`;
	return row;
}

export async function lockIncident(db: Tx, id: string, scopeRoot: string | null): Promise<IncidentRow | undefined> {
	const [row] = await db<IncidentRow[]>`${select(db)} where i.id = ${id} and ${inScope(db, scopeRoot)} for update of i`;
	return row;
}

export async function findByClientKey(db: Tx, createdBy: string, clientKey: string): Promise<IncidentRow | undefined> {
	const [row] = await db<IncidentRow[]>`${select(db)} where i.created_by = ${createdBy} and i.client_key = ${clientKey}`;
	return row;
}

/** Where the next page of the list starts: the sort key of the last incident shown. */
export type IncidentCursor = [open: boolean, occurredAt: string, id: string];

export interface IncidentFilter {
	status: IncidentStatus | null;
	level: number | null;
	/** this unit and the units under it (within reach) */
	unitId: string | null;
	/** occurred at or after */
	from: Date | null;
	/** occurred before */
	to: Date | null;
	/** words of the title, each to be found in it */
	words: string[];
	after: IncidentCursor | null;
	/** rows to read: the page and one more, to know there is more */
	limit: number;
}

/**
 * Incidents in reach, open ones first, then the newest, after the cursor. Only the conditions asked for are
 * written, so PostgreSQL plans each combination for itself: the list's own index for a wide reach, the unit's
 * for a department, the title's pairs of characters for a search.
 */
export async function listIncidents(db: Tx, scopeRoot: string | null, f: IncidentFilter): Promise<ListedIncident[]> {
	const conditions = [inScope(db, scopeRoot)];
	if (f.status) conditions.push(db`i.status = ${f.status}`);
	if (f.level) conditions.push(db`i.level = ${f.level}`);
	if (f.unitId) conditions.push(inReach(db, 'i.lead_unit_id', f.unitId));
	if (f.from) conditions.push(db`i.occurred_at >= ${f.from}`);
	if (f.to) conditions.push(db`i.occurred_at < ${f.to}`);
	conditions.push(...holdsWords(db, 'i.title', 'i.title_bigrams', f.words));
	if (f.after) {
		const [open, at, id] = f.after;
		conditions.push(db`((i.status = 'open'), i.occurred_at, i.id) < (${open}, ${at}::timestamptz, ${id}::uuid)`);
	}
	const where = allOf(db, conditions);
	// Only what a row shows, and its running clocks in the same statement: a page of fifty is one round trip, and
	// no description, receipt record or creator is read and parsed for a row that shows none of them.
	return db<ListedIncident[]>`
		select i.id, i.title, i.category, i.level, i.status, i.occurred_at, i.lead_unit_id, u.name as lead_unit_name,
			${cursorTime(db, 'i.occurred_at')} as sort_at,
			(select coalesce(json_agg(json_build_object('ruleName', c.rule_name, 'dueAt', c.due_at, 'status', c.status) order by c.due_at), '[]')
				from clocks c where c.subject = 'incident' and c.subject_id = i.id and c.status in ('running', 'breached')) as open_clocks
		from incidents i join units u on u.id = i.lead_unit_id
		where ${where}
		order by (i.status = 'open') desc, i.occurred_at desc, i.id desc
		limit ${f.limit}`;
}

/** A listed incident: what its row shows, its open clocks (due soonest first), and its place in the list to the microsecond. */
export type ListedIncident = Pick<IncidentRow, 'id' | 'title' | 'category' | 'level' | 'status' | 'occurredAt' | 'leadUnitId' | 'leadUnitName'> & {
	sortAt: string;
	/** times as PostgreSQL writes them in JSON */
	openClocks: { ruleName: string; dueAt: string; status: 'running' | 'breached' }[];
};

export const incidentCursorOf = (i: ListedIncident): IncidentCursor => [i.status === 'open', i.sortAt, i.id];

export interface IncidentFields {
	title: string;
	category: IncidentCategory;
	level: number;
	occurredAt: Date;
	location: string;
	leadUnitId: string;
	description: string;
}

/** Inserts unless this person already submitted this client key; returns the id, or nothing on a replay. */
export async function insertIncident(
	db: Tx,
	f: IncidentFields,
	meta: { createdBy: string; clientKey: string; bodyHash: string; deviceRecordedAt: Date | null; receivedAt: Date }
): Promise<string | undefined> {
	const [row] = await db<{ id: string }[]>`
		insert into incidents (title, category, level, occurred_at, location, lead_unit_id, description,
			created_by, client_key, body_hash, device_recorded_at, received_at)
		values (${f.title}, ${f.category}, ${f.level}, ${f.occurredAt}, ${f.location}, ${f.leadUnitId}, ${f.description},
			${meta.createdBy}, ${meta.clientKey}, ${meta.bodyHash}, ${meta.deviceRecordedAt}, ${meta.receivedAt})
		on conflict (created_by, client_key) do nothing
		returning id`;
	return row?.id;
}

export async function updateIncidentFields(db: Tx, id: string, f: Omit<IncidentFields, 'level'>): Promise<void> {
	await db`
		update incidents set title = ${f.title}, category = ${f.category}, occurred_at = ${f.occurredAt},
			location = ${f.location}, lead_unit_id = ${f.leadUnitId}, description = ${f.description}, updated_at = now()
		where id = ${id}`;
}

export async function setIncidentLevel(db: Tx, id: string, level: number): Promise<void> {
	await db`update incidents set level = ${level}, updated_at = now() where id = ${id}`;
}

export async function setIncidentStatus(
	db: Tx,
	id: string,
	s: { status: IncidentStatus; mergedIntoId?: string | null; closedAt?: Date | null; closeNote?: string | null }
): Promise<void> {
	await db`
		update incidents set status = ${s.status}, merged_into_id = ${s.mergedIntoId ?? null},
			closed_at = ${s.closedAt ?? null}, close_note = ${s.closeNote ?? null}, updated_at = now()
		where id = ${id}`;
}

export interface IncidentConferenceRow {
	id: string;
	kind: ConferenceKind;
	title: string;
	unitName: string;
	status: ConferenceStatus;
	plannedAt: Date;
	heldAt: Date | null;
}

/** The incident's press conferences, briefings and media briefings that `scopeRoot` reaches, in the order held or planned. */
export async function conferencesOfIncident(db: Tx, incidentId: string, scopeRoot: string | null): Promise<IncidentConferenceRow[]> {
	return db<IncidentConferenceRow[]>`
		select c.id, c.kind, c.title, u.name as unit_name, c.status, c.planned_at, c.held_at
		from conferences c join units u on u.id = c.unit_id
		where c.incident_id = ${incidentId} and ${inReach(db, 'c.unit_id', scopeRoot)}
		order by coalesce(c.held_at, c.planned_at), c.created_at`;
}

/**
 * When the incident's first authoritative release went out, or null: after it, what is drafted for the incident is
 * a follow-up (续报). Whichever unit published it, as the 5-hour clock counts it.
 */
export async function authoritativePublishedAt(db: Tx, incidentId: string): Promise<Date | null> {
	const [row] = await db<{ at: Date | null }[]>`
		select min(published_at) as at from releases
		where incident_id = ${incidentId} and kind = 'authoritative' and status = 'published'`;
	return row?.at ?? null;
}
