import type { OpinionHeat, OpinionSource, OpinionStatus, OpinionType } from '../../opinions.ts';
import type { PendingQuery, Row } from 'postgres';
import type { Tx } from '../db.ts';
import { allOf, cursorTime } from '../pages.ts';
import { holdsWords } from '../search.ts';
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
const select = (db: Tx, scopeRoot: string | null, extra: PendingQuery<Row[]> = db``) => db`
	select o.id, o.unit_id, u.name as unit_name, o.type, o.summary, o.status, o.first_seen_at, o.heat, o.needs_response,
		o.incident_id, i.title as incident_title, i.level as incident_level, o.locality_unit_ids, o.response_plan, o.assessed_at,
		ap.name as assessed_by_name, o.responded_at, o.attention_fell, o.lessons, o.closed_at, o.merged_into_id, o.created_by,
		cp.name as created_by_name, o.client_key, o.body_hash, o.device_recorded_at, o.received_at, o.updated_at,
		(select s.source from opinion_sightings s where s.item_id = o.id order by s.seen_at limit 1) as source,
		(select count(*)::int from opinion_sightings s where s.item_id = o.id) as sightings ${extra}
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

/** Open: waiting for assessment or assessed, what the board is for. */
export const OPEN_STATUSES = ['awaiting_assessment', 'assessed'] as const satisfies OpinionStatus[];

/**
 * Where the next page of the board starts. An open item's place is worked out from its clocks as the page is read
 * (rank 0 waiting, by when it arrived; rank 1 assessed, by its nearest deadline then the newest), as seconds since
 * 1970 to the microsecond, every part in ascending order; any other item's is when it was first seen and its id.
 */
export type OpinionCursor = [rank: 0 | 1, first: number, second: number, id: string] | [rank: 2, firstSeenAt: string, id: string];

export interface ListFilter {
	/** open: waiting or assessed; null: every item, the open ones first */
	status: 'open' | OpinionStatus | null;
	unitId: string | null;
	type: OpinionType | null;
	source: OpinionSource | null;
	heat: OpinionHeat | null;
	/** words of the summary, each to be found in it */
	words: string[];
	after: OpinionCursor | null;
	/** rows to read: the page and one more, to know there is more */
	limit: number;
}

export type ListedItem = OpinionRow & { nextDueAt: Date | null; cursor: OpinionCursor };

/** After the last assessed item with a deadline: "no deadline" as a number that sorts after every instant. */
const NO_DEADLINE = 1e15;

/**
 * The board: open items by urgency, then (with no status asked for) every other item newest first, after the
 * cursor. The open ones are few at any time, so their urgency is worked out for all of them in reach; the rest is a
 * walk down an index (0019), however many years it holds. Only the conditions asked for are written.
 */
export async function listItems(db: Tx, scopeRoot: string | null, f: ListFilter): Promise<ListedItem[]> {
	const common = [inScope(db, scopeRoot)];
	if (f.unitId) common.push(inReach(db, 'o.unit_id', f.unitId));
	if (f.type) common.push(db`o.type = ${f.type}`);
	if (f.heat) common.push(db`o.heat = ${f.heat}`);
	if (f.source) common.push(db`exists (select 1 from opinion_sightings s where s.item_id = o.id and s.source = ${f.source})`);
	common.push(...holdsWords(db, 'o.summary', 'o.summary_bigrams', f.words));

	const open = f.status === null || f.status === 'open' || (OPEN_STATUSES as readonly string[]).includes(f.status);
	const rest = f.status === null || !open;
	const rows: ListedItem[] = [];
	if (open && f.after?.[0] !== 2) {
		const statuses = f.status === null || f.status === 'open' ? [...OPEN_STATUSES] : [f.status];
		rows.push(...(await openItems(db, scopeRoot, [...common, db`o.status = any(${statuses}::text[])`], f.after, f.limit)));
	}
	if (rest && rows.length < f.limit) {
		const status = f.status === null ? db`o.status <> all(${[...OPEN_STATUSES]}::text[])` : db`o.status = ${f.status}`;
		const after = f.after?.[0] === 2 ? f.after : null;
		rows.push(...(await otherItems(db, scopeRoot, [...common, status], after, f.limit - rows.length)));
	}
	return rows;
}

/** The incident's clocks govern the item too, but only an incident in reach lends its deadline (not even its time). */
const nextDue = (db: Tx, scopeRoot: string | null) => db`least(
	(select min(c.due_at) from clocks c where c.subject = 'opinion_item' and c.subject_id = o.id and c.status in ('running', 'breached')),
	(select min(c.due_at) from clocks c where c.subject = 'incident' and c.subject_id = o.incident_id and c.status in ('running', 'breached')
		and exists (select 1 from incidents ci where ci.id = o.incident_id and ${inReach(db, 'ci.lead_unit_id', scopeRoot)})))`;

type KeyedRow = OpinionRow & { nextDueAt: Date | null; rank: 0 | 1; first: number; second: number };

async function openItems(db: Tx, scopeRoot: string | null, conditions: PendingQuery<Row[]>[], after: [0 | 1, number, number, string] | null, limit: number): Promise<ListedItem[]> {
	const rows = await db<KeyedRow[]>`
		with keyed as (
			select o.id, k.next_due_at, k.rank,
				case when k.rank = 0 then extract(epoch from o.received_at)::float8 else coalesce(extract(epoch from k.next_due_at)::float8, ${NO_DEADLINE}) end as first,
				case when k.rank = 0 then 0 else -extract(epoch from o.first_seen_at)::float8 end as second
			from opinion_items o
			cross join lateral (select ${nextDue(db, scopeRoot)} as next_due_at, case when o.status = 'awaiting_assessment' then 0 else 1 end as rank) k
			where ${allOf(db, conditions)}
		), page as (
			select * from keyed
			${after ? db`where (rank, first, second, id) > (${after[0]}, ${after[1]}::float8, ${after[2]}::float8, ${after[3]}::uuid)` : db``}
			order by rank, first, second, id limit ${limit}
		)
		${select(db, scopeRoot, db`, p.next_due_at, p.rank, p.first, p.second`)}
		join page p on p.id = o.id
		order by p.rank, p.first, p.second, p.id`;
	return rows.map(({ rank, first, second, ...r }) => ({ ...r, cursor: [rank, first, second, r.id] }));
}

async function otherItems(db: Tx, scopeRoot: string | null, conditions: PendingQuery<Row[]>[], after: [2, string, string] | null, limit: number): Promise<ListedItem[]> {
	if (after) conditions.push(db`(o.first_seen_at, o.id) < (${after[1]}::timestamptz, ${after[2]}::uuid)`);
	const rows = await db<(OpinionRow & { nextDueAt: Date | null; sortAt: string })[]>`
		${select(db, scopeRoot, db`, ${nextDue(db, scopeRoot)} as next_due_at, ${cursorTime(db, 'o.first_seen_at')} as sort_at`)}
		where ${allOf(db, conditions)}
		order by o.first_seen_at desc, o.id desc
		limit ${limit}`;
	return rows.map(({ sortAt, ...r }) => ({ ...r, cursor: [2, sortAt, r.id] }));
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
