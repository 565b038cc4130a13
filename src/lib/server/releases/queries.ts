import type { Tx } from '../db.ts';
import { allOf, cursorTime } from '../pages.ts';
import { holdsWords } from '../search.ts';
import { inReach } from '../units/index.ts';
import type { ReleaseChannel } from './content.ts';

import { RELEASE_KIND_LIST, type ReleaseKindName } from '../../releases.ts';

export const RELEASE_KINDS = RELEASE_KIND_LIST;
export type ReleaseKind = ReleaseKindName;
export type ReleaseStatus = 'draft' | 'in_review' | 'awaiting_signoff' | 'approved' | 'published' | 'rejected' | 'withdrawn';
/** States a release can still move from; rejected and withdrawn are ends until an edit reopens a rejection. */
export const OPEN_STATES: ReleaseStatus[] = ['draft', 'in_review', 'awaiting_signoff', 'approved'];

export interface ReleaseRow {
	id: string;
	unitId: string;
	unitName: string;
	kind: ReleaseKind;
	incidentId: string | null;
	incidentTitle: string | null;
	conferenceId: string | null;
	conferenceTitle: string | null;
	opinionItemId: string | null;
	opinionSummary: string | null;
	status: ReleaseStatus;
	currentVersion: number;
	statusReason: string | null;
	createdBy: string;
	createdByName: string;
	createdAt: Date;
	updatedAt: Date;
	publishedAt: Date | null;
	/** the current version's content */
	title: string;
	body: string;
	talkingPoints: string;
	channels: ReleaseChannel[];
	hash: string;
}

export interface VersionRow {
	number: number;
	title: string;
	body: string;
	talkingPoints: string;
	channels: ReleaseChannel[];
	hash: string;
	createdBy: string;
	createdByName: string;
	createdAt: Date;
}

// What the release answers or serves (incident, conference, opinion item) is named only to whoever may see it:
// a countersigner or reviewer elsewhere sees the release, not the subject beyond their reach. Asked per row of the
// answer (the reach worked out once), not as a condition of the join, which would read every incident in reach. Names
// are read per row too: fewer joins for the planner to order, which a list pays for on every call (db.ts: custom plans).
/**
 * `content: false` leaves the body and talking points out: a list sorts its rows, and each body would travel with them.
 * `sortAt` adds the list's place of the row (its change time to the microsecond).
 */
const select = (db: Tx, scopeRoot: string | null, opts: { content: boolean; sortAt?: boolean } = { content: true }) => db`
	select r.id, r.unit_id, (select u.name from units u where u.id = r.unit_id) as unit_name, r.kind, r.incident_id,
		case when ${inReach(db, 'i.lead_unit_id', scopeRoot)} then i.title end as incident_title,
		r.conference_id, case when ${inReach(db, 'c.unit_id', scopeRoot)} then c.title end as conference_title,
		r.opinion_item_id, case when ${inReach(db, 'o.unit_id', scopeRoot)} then o.summary end as opinion_summary,
		r.status, r.current_version, r.status_reason, r.created_by, (select p.name from people p where p.id = r.created_by) as created_by_name,
		r.created_at, r.updated_at, r.published_at,
		v.title, ${opts.content ? db`v.body, v.talking_points,` : db``} v.channels, v.hash
		${opts.sortAt ? db`, ${cursorTime(db, 'r.updated_at')} as sort_at` : db``}
	from releases r
	join release_versions v on v.release_id = r.id and v.number = r.current_version
	left join incidents i on i.id = r.incident_id
	left join conferences c on c.id = r.conference_id
	left join opinion_items o on o.id = r.opinion_item_id`;

/**
 * Who may see a release: anyone whose reach includes its unit, and the people it names (the reviewers of
 * its unit's chain and the leaders of its countersigning units, who may sit elsewhere).
 */
export const releaseVisible = (db: Tx, scopeRoot: string | null, personId: string) =>
	scopeRoot === null
		? db`true`
		: db`(${inReach(db, 'r.unit_id', scopeRoot)}
			or exists (select 1 from signoff_requests s where s.release_id = r.id and ${inReach(db, 's.unit_id', scopeRoot)})
			or exists (select 1 from review_chains ch where ch.unit_id = r.unit_id and ${personId} = any(ch.confidentiality_reviewer_ids)))`;
const visible = releaseVisible;

export async function getRelease(db: Tx, id: string, scopeRoot: string | null, personId: string): Promise<ReleaseRow | undefined> {
	const [row] = await db<ReleaseRow[]>`${select(db, scopeRoot)} where r.id = ${id} and ${visible(db, scopeRoot, personId)}`;
	return row;
}

/**
 * The release whoever asks, with what it answers named in full: only for steps nobody takes (a request's expiry)
 * and for reading a row again after a step that already checked reach. Never for what a person reads.
 */
export async function getReleaseUnscoped(db: Tx, id: string): Promise<ReleaseRow | undefined> {
	const [row] = await db<ReleaseRow[]>`${select(db, null)} where r.id = ${id}`;
	return row;
}

/** The row locked for a transition: every step on one release happens one at a time. */
export async function lockRelease(db: Tx, id: string, scopeRoot: string | null, personId: string): Promise<ReleaseRow | undefined> {
	return (await lockRow(db, id)) ? getRelease(db, id, scopeRoot, personId) : undefined;
}

/** Locked for a step nobody takes (see getReleaseUnscoped). */
export async function lockReleaseUnscoped(db: Tx, id: string): Promise<ReleaseRow | undefined> {
	return (await lockRow(db, id)) ? getReleaseUnscoped(db, id) : undefined;
}

// The row alone first: locking through the join would, after waiting on an edit, re-check the old
// version's row against the new version number and lose the release.
const lockRow = async (db: Tx, id: string) => (await db`select 1 from releases where id = ${id} for update`).length > 0;

/** Whether the release belongs to a unit in the person's reach (not just visible to them as a countersigner). */
export async function ownsRelease(db: Tx, r: Pick<ReleaseRow, 'unitId'>, scopeRoot: string | null): Promise<boolean> {
	if (scopeRoot === null) return true;
	const [row] = await db`select 1 where ${inReach(db, db`${r.unitId}::uuid`, scopeRoot)}`;
	return row !== undefined;
}

export async function findByClientKey(db: Tx, createdBy: string, clientKey: string): Promise<ReleaseRow | undefined> {
	const [row] = await db<ReleaseRow[]>`${select(db, null)} where r.created_by = ${createdBy} and r.client_key = ${clientKey}`;
	return row;
}

/** A release as a list reads it: without its text, with its place in the list to the microsecond. */
export type ReleaseListRow = Omit<ReleaseRow, 'body' | 'talkingPoints'> & { sortAt: string };

/** Where the next page of the list starts: the sort key of the last release shown. */
export type ReleaseCursor = [inProgress: boolean, updatedAt: string, id: string];

export interface ReleaseFilter {
	status: ReleaseStatus | null;
	incidentId: string | null;
	conferenceId: string | null;
	/** words of the current version's title, each to be found */
	words: string[];
	after: ReleaseCursor | null;
	limit: number;
}

// OPEN_STATES as the list's index (0020) writes them: a parameter in their place would not match the index.
const inProgress = (db: Tx) => db`(r.status in ('draft', 'in_review', 'awaiting_signoff', 'approved'))`;

/**
 * The releases a person may see, those in progress first, then the most recently changed, after the cursor. The
 * page's ids are read down an index (0020) with only the conditions asked for, reach answered from the index's own
 * columns (unit, id); then the page's rows are read and joined to what they show. One status asked for reads that
 * status's own index, in the same order.
 */
export async function listReleases(db: Tx, scopeRoot: string | null, personId: string, f: ReleaseFilter): Promise<ReleaseListRow[]> {
	const conditions = [visible(db, scopeRoot, personId)];
	if (f.status) conditions.push(db`r.status = ${f.status}`);
	if (f.incidentId) conditions.push(db`r.incident_id = ${f.incidentId}`);
	if (f.conferenceId) conditions.push(db`r.conference_id = ${f.conferenceId}`);
	conditions.push(...holdsWords(db, 'w.title', 'w.title_bigrams', f.words));
	if (f.after) {
		const [open, at, id] = f.after;
		conditions.push(
			f.status
				? db`(r.updated_at, r.id) < (${at}::timestamptz, ${id}::uuid)`
				: db`(${inProgress(db)}, r.updated_at, r.id) < (${open}, ${at}::timestamptz, ${id}::uuid)`
		);
	}
	const order = f.status ? db`r.updated_at desc, r.id desc` : db`${inProgress(db)} desc, r.updated_at desc, r.id desc`;
	const page = db`
		select r.id from releases r
		${f.words.length ? db`join release_versions w on w.release_id = r.id and w.number = r.current_version` : db``}
		where ${allOf(db, conditions)}
		order by ${order}
		limit ${f.limit}`;
	return db<ReleaseListRow[]>`${select(db, scopeRoot, { content: false, sortAt: true })} where r.id = any(array(${page})) order by ${order}`;
}

export const releaseCursorOf = (r: ReleaseListRow): ReleaseCursor => [(OPEN_STATES as string[]).includes(r.status), r.sortAt, r.id];

export async function insertVersion(db: Tx, releaseId: string, number: number, c: Omit<VersionRow, 'number' | 'createdByName' | 'createdAt'>) {
	await db`
		insert into release_versions (release_id, number, title, body, talking_points, channels, hash, created_by)
		values (${releaseId}, ${number}, ${c.title}, ${c.body}, ${c.talkingPoints}, ${c.channels}::text[], ${c.hash}, ${c.createdBy})`;
}

export async function versionsOf(db: Tx, releaseId: string): Promise<VersionRow[]> {
	return db<VersionRow[]>`
		select v.number, v.title, v.body, v.talking_points, v.channels, v.hash, v.created_by, p.name as created_by_name, v.created_at
		from release_versions v join people p on p.id = v.created_by
		where v.release_id = ${releaseId} order by v.number`;
}

export interface PublicationRow {
	id: string;
	version: number;
	versionHash: string;
	channel: ReleaseChannel;
	url: string | null;
	publishedAt: Date;
	recordedByName: string;
}

export async function publicationsOf(db: Tx, releaseId: string): Promise<PublicationRow[]> {
	return db<PublicationRow[]>`
		select x.id, x.version, x.version_hash, x.channel, x.url, x.published_at, p.name as recorded_by_name
		from release_publications x join people p on p.id = x.recorded_by
		where x.release_id = ${releaseId} order by x.published_at, x.channel`;
}
