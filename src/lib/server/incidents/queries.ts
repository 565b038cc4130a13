import type { IncidentCategory } from '../../clocks.ts';
import type { ConferenceKind, ConferenceStatus } from '../../conferences.ts';
import type { Tx } from '../db.ts';
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

const select = (db: Tx) => db`
	select i.id, i.title, i.category, i.level, i.occurred_at, i.location, i.lead_unit_id, u.name as lead_unit_name,
		i.description, i.status, i.merged_into_id, i.closed_at, i.close_note, i.created_by, p.name as created_by_name,
		i.client_key, i.body_hash, i.device_recorded_at, i.received_at, i.created_at, i.updated_at
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

export async function listIncidents(
	db: Tx,
	scopeRoot: string | null,
	filter: { status: IncidentStatus | null; limit: number }
): Promise<IncidentRow[]> {
	return db<IncidentRow[]>`
		${select(db)}
		where ${inScope(db, scopeRoot)} and (${filter.status}::text is null or i.status = ${filter.status}::text)
		order by (i.status = 'open') desc, i.occurred_at desc
		limit ${filter.limit}`;
}

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
