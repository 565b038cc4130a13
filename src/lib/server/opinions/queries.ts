import type { OpinionHeat, OpinionSource, OpinionStatus, OpinionType } from '../../opinions.ts';
import type { Tx } from '../db.ts';
import { inReach } from '../units/index.ts';

export interface OpinionRow {
	id: string;
	unitId: string;
	unitName: string;
	type: OpinionType;
	summary: string;
	status: OpinionStatus;
	firstSeenAt: Date;
	heat: OpinionHeat | null;
	needsResponse: boolean | null;
	incidentId: string | null;
	incidentTitle: string | null;
	incidentLevel: number | null;
	localityUnitIds: string[];
	responsePlan: string;
	assessedAt: Date | null;
	assessedByName: string | null;
	respondedAt: Date | null;
	attentionFell: boolean | null;
	lessons: string | null;
	closedAt: Date | null;
	mergedIntoId: string | null;
	createdBy: string;
	createdByName: string;
	clientKey: string;
	bodyHash: string;
	deviceRecordedAt: Date | null;
	receivedAt: Date;
	updatedAt: Date;
	/** the first sighting's source, for lists */
	source: OpinionSource;
	sightings: number;
}

// The incident that governs the item is named only to whoever may see it.
const select = (db: Tx, scopeRoot: string | null) => db`
	select o.id, o.unit_id, u.name as unit_name, o.type, o.summary, o.status, o.first_seen_at, o.heat, o.needs_response,
		o.incident_id, i.title as incident_title, i.level as incident_level, o.locality_unit_ids, o.response_plan, o.assessed_at,
		ap.name as assessed_by_name, o.responded_at, o.attention_fell, o.lessons, o.closed_at, o.merged_into_id, o.created_by,
		cp.name as created_by_name, o.client_key, o.body_hash, o.device_recorded_at, o.received_at, o.updated_at,
		(select s.source from opinion_sightings s where s.item_id = o.id order by s.seen_at limit 1) as source,
		(select count(*)::int from opinion_sightings s where s.item_id = o.id) as sightings
	from opinion_items o
	join units u on u.id = o.unit_id
	join people cp on cp.id = o.created_by
	left join people ap on ap.id = o.assessed_by
	left join incidents i on i.id = o.incident_id and ${inReach(db, 'i.lead_unit_id', scopeRoot)}`;

const inScope = (db: Tx, scopeRoot: string | null) => inReach(db, 'o.unit_id', scopeRoot);

export async function getItem(db: Tx, id: string, scopeRoot: string | null): Promise<OpinionRow | undefined> {
	const [row] = await db<OpinionRow[]>`${select(db, scopeRoot)} where o.id = ${id} and ${inScope(db, scopeRoot)}`;
	return row;
}

export async function lockItem(db: Tx, id: string, scopeRoot: string | null): Promise<OpinionRow | undefined> {
	const [locked] = await db`select 1 from opinion_items where id = ${id} for update`;
	if (!locked) return undefined;
	return getItem(db, id, scopeRoot);
}

export async function findByClientKey(db: Tx, createdBy: string, clientKey: string): Promise<OpinionRow | undefined> {
	const [row] = await db<OpinionRow[]>`${select(db, null)} where o.created_by = ${createdBy} and o.client_key = ${clientKey}`;
	return row;
}

export interface ListFilter {
	status: 'open' | OpinionStatus | null;
	unitId: string | null;
	type: OpinionType | null;
	source: OpinionSource | null;
	heat: OpinionHeat | null;
	limit: number;
}

/**
 * Open items by urgency: waiting for assessment first (oldest first), then by the nearest open clock,
 * then the rest by when they were first seen.
 */
export async function listItems(db: Tx, scopeRoot: string | null, f: ListFilter): Promise<(OpinionRow & { nextDueAt: Date | null })[]> {
	return db<(OpinionRow & { nextDueAt: Date | null })[]>`
		select * from (
			${select(db, scopeRoot)}
			where ${inScope(db, scopeRoot)}
				and (${f.status}::text is null
					or (${f.status} = 'open' and o.status in ('awaiting_assessment', 'assessed'))
					or o.status = ${f.status})
				and ${inReach(db, 'o.unit_id', f.unitId)}
				and (${f.type}::text is null or o.type = ${f.type})
				and (${f.heat}::text is null or o.heat = ${f.heat})
				and (${f.source}::text is null or exists (select 1 from opinion_sightings s where s.item_id = o.id and s.source = ${f.source}))
		) o
		-- The incident's clocks govern the item too, but only an incident in reach lends its deadline (not even its time).
		left join lateral (
			select min(c.due_at) as next_due_at from clocks c
			where c.status in ('running', 'breached') and ((c.subject = 'opinion_item' and c.subject_id = o.id)
				or (c.subject = 'incident' and c.subject_id = o.incident_id
					and exists (select 1 from incidents i where i.id = o.incident_id and ${inReach(db, 'i.lead_unit_id', scopeRoot)})))
		) c on true
		order by case o.status when 'awaiting_assessment' then 0 when 'assessed' then 1 else 2 end,
			case when o.status = 'awaiting_assessment' then o.received_at end,
			c.next_due_at nulls last, o.first_seen_at desc
		limit ${f.limit}`;
}

export async function awaitingCount(db: Tx, scopeRoot: string | null): Promise<number> {
	const [row] = await db<{ n: number }[]>`select count(*)::int as n from opinion_items o where o.status = 'awaiting_assessment' and ${inScope(db, scopeRoot)}`;
	return row!.n;
}

export interface SightingRow {
	id: string;
	source: OpinionSource;
	url: string | null;
	seenAt: Date;
	summary: string;
	screenshotIds: string[];
	capturedByName: string;
	capturedAt: Date;
	originItemId: string;
}

export async function sightingsOf(db: Tx, itemId: string): Promise<SightingRow[]> {
	return db<SightingRow[]>`
		select s.id, s.source, s.url, s.seen_at, s.summary, s.screenshot_ids, p.name as captured_by_name, s.captured_at, s.origin_item_id
		from opinion_sightings s join people p on p.id = s.captured_by
		where s.item_id = ${itemId} order by s.seen_at, s.captured_at`;
}

export async function consultationsOf(db: Tx, itemId: string) {
	return db<{ id: string; unitName: string; personName: string; note: string; at: Date }[]>`
		select c.id, u.name as unit_name, p.name as person_name, c.note, c.at
		from opinion_consultations c join units u on u.id = c.unit_id join people p on p.id = c.person_id
		where c.item_id = ${itemId} order by c.at`;
}

export async function responsesOf(db: Tx, itemId: string) {
	return db<{ id: string; kind: 'interview' | 'briefing'; outlet: string; at: Date; note: string; recordedByName: string }[]>`
		select r.id, r.kind, r.outlet, r.at, r.note, p.name as recorded_by_name
		from opinion_responses r join people p on p.id = r.recorded_by
		where r.item_id = ${itemId} order by r.at`;
}

/** Open items of the last 72 hours in reach, with their sightings' links: the candidates for "可能重复". */
export async function recentItems(db: Tx, scopeRoot: string | null, since: Date, excludeId: string | null) {
	return db<{ id: string; summary: string; firstSeenAt: Date; unitName: string; urls: string[] }[]>`
		select o.id, o.summary, o.first_seen_at, u.name as unit_name,
			coalesce((select array_agg(s.url) from opinion_sightings s where s.item_id = o.id and s.url is not null), '{}') as urls
		from opinion_items o join units u on u.id = o.unit_id
		where o.status not in ('merged', 'closed') and ${inScope(db, scopeRoot)}
			and (o.first_seen_at >= ${since} or o.received_at >= ${since})
			and (${excludeId}::uuid is null or o.id <> ${excludeId})
		order by o.first_seen_at desc
		limit 500`;
}
