import type { Tx } from '../db.ts';
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
// a countersigner or reviewer elsewhere sees the release, not the subject beyond their reach.
/** `content: false` leaves the body and talking points out: a list sorts its rows, and each body would travel with them. */
const select = (db: Tx, scopeRoot: string | null, opts: { content: boolean } = { content: true }) => db`
	select r.id, r.unit_id, u.name as unit_name, r.kind, r.incident_id, i.title as incident_title,
		r.conference_id, c.title as conference_title, r.opinion_item_id, o.summary as opinion_summary, r.status, r.current_version, r.status_reason,
		r.created_by, p.name as created_by_name, r.created_at, r.updated_at, r.published_at,
		v.title, ${opts.content ? db`v.body, v.talking_points,` : db``} v.channels, v.hash
	from releases r
	join units u on u.id = r.unit_id
	join people p on p.id = r.created_by
	join release_versions v on v.release_id = r.id and v.number = r.current_version
	left join incidents i on i.id = r.incident_id and ${inReach(db, 'i.lead_unit_id', scopeRoot)}
	left join conferences c on c.id = r.conference_id and ${inReach(db, 'c.unit_id', scopeRoot)}
	left join opinion_items o on o.id = r.opinion_item_id and ${inReach(db, 'o.unit_id', scopeRoot)}`;

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

/** A release as a list reads it: without its text. */
export type ReleaseListRow = Omit<ReleaseRow, 'body' | 'talkingPoints'>;

export async function listReleases(
	db: Tx,
	scopeRoot: string | null,
	personId: string,
	filter: { status: ReleaseStatus | null; incidentId: string | null; conferenceId: string | null; limit: number }
): Promise<ReleaseListRow[]> {
	return db<ReleaseListRow[]>`
		${select(db, scopeRoot, { content: false })}
		where ${visible(db, scopeRoot, personId)}
			and (${filter.status}::text is null or r.status = ${filter.status})
			and (${filter.incidentId}::uuid is null or r.incident_id = ${filter.incidentId})
			and (${filter.conferenceId}::uuid is null or r.conference_id = ${filter.conferenceId})
		order by case when r.status in ('awaiting_signoff', 'in_review', 'approved', 'draft') then 0 else 1 end, r.updated_at desc
		limit ${filter.limit}`;
}

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
