// Release transitions: drafting (every save an immutable version), submission for sign-off, withdrawal and
// publication, which meets the incident's clock. Sign-off itself (review, requests, approval, rejection) is
// signoff/steps.ts, with releases/signoff.ts telling it what a release is. Each transition locks the release
// row, so two people acting at once take turns, and writes audit and timeline in the same transaction.
import type { Role } from '../../roles.ts';
import { t, text } from '../../i18n/index.ts';
import { m } from '../../paraglide/messages.js';
import { DRAFTER_ROLE_LIST } from '../../releases.ts';
import type { Actor as RequestActor } from '../actor.ts';
import { audit } from '../audit/index.ts';
import { satisfyClocks } from '../clocks/index.ts';
import { sql, type Tx } from '../db.ts';
import { ConflictError, FieldError, forbidden, notFound } from '../errors.ts';
import * as signoff from '../signoff/index.ts';
import { shortCode, type Signer } from '../signoff/index.ts';
import { getUnit, inReach } from '../units/index.ts';
import { markResponded } from '../opinions/index.ts';
import { cleanContent, contentHash, type ReleaseChannel, type ReleaseContent } from './content.ts';
import { recordRelease, releaseSignable, servesWhat } from './signoff.ts';
import { CLOCK_SKEW_MS } from '../../time.ts';
import {
	findByClientKey,
	getReleaseUnscoped,
	insertVersion,
	lockRelease,
	OPEN_STATES,
	ownsRelease,
	type ReleaseKind,
	type ReleaseRow
} from './queries.ts';

/** Who takes a step: the request's actor (`ctx.actor`, server/actor.ts), of which a flow reads only this much. */
export type ReleaseAuthor = Pick<RequestActor, 'personId' | 'name' | 'roles' | 'scope' | 'actor' | 'origin'>;

export const DRAFTER_ROLES: readonly Role[] = DRAFTER_ROLE_LIST;
const FUTURE_SLACK_MS = CLOCK_SKEW_MS;

function mustDraft(author: ReleaseAuthor) {
	if (!author.roles.some((r) => DRAFTER_ROLES.includes(r))) throw forbidden();
}

const reload = async (tx: Tx, id: string): Promise<ReleaseRow> => (await getReleaseUnscoped(tx, id))!;
const record = recordRelease;

async function lockVisible(tx: Tx, id: string, author: ReleaseAuthor): Promise<ReleaseRow> {
	const r = await lockRelease(tx, id, author.scope, author.personId);
	if (!r) throw notFound();
	return r;
}

/** For the drafter's steps: a countersigning unit may read the release, only its own unit works on it. */
async function lockOwn(tx: Tx, id: string, author: ReleaseAuthor): Promise<ReleaseRow> {
	const r = await lockVisible(tx, id, author);
	if (!(await ownsRelease(tx, r, author.scope))) throw forbidden();
	return r;
}

const signer = (a: ReleaseAuthor): Signer => ({ personId: a.personId, name: a.name, actor: a.actor, origin: a.origin });

// ---- drafting --------------------------------------------------------------------------------------

export interface CreateInput extends ReleaseContent {
	clientKey: string | null;
	kind: ReleaseKind;
	unitId: string | null;
	incidentId: string | null;
	conferenceId: string | null;
	/** the public-opinion item a 回应 or 澄清 answers */
	opinionItemId?: string | null;
}

export async function createRelease(input: CreateInput, author: ReleaseAuthor, now: Date = new Date()): Promise<ReleaseRow> {
	mustDraft(author);
	if (input.clientKey) {
		const previous = await findByClientKey(sql, author.personId, input.clientKey);
		if (previous) return previous;
	}
	const content = checkedContent(input);
	return sql.begin(async (tx) => {
		let unitId = input.unitId;
		if (input.incidentId) {
			const [incident] = await tx<{ leadUnitId: string }[]>`
				select lead_unit_id from incidents
				where id = ${input.incidentId} and ${inReach(tx, 'lead_unit_id', author.scope)}`;
			if (!incident) throw new FieldError('incidentId', 'error.invalid_choice');
			unitId ??= incident.leadUnitId;
		}
		if (input.conferenceId) {
			const [conference] = await tx<{ unitId: string; incidentId: string | null }[]>`
				select unit_id, incident_id from conferences
				where id = ${input.conferenceId} and ${inReach(tx, 'unit_id', author.scope)}`;
			if (!conference) throw new FieldError('conferenceId', 'error.invalid_choice');
			unitId ??= conference.unitId;
			input = { ...input, incidentId: input.incidentId ?? conference.incidentId };
		} else if (input.kind === 'opening_statement' || input.kind === 'qa_prep') {
			throw new FieldError('conferenceId', 'release.conference_required');
		}
		if (input.opinionItemId) {
			if (input.kind !== 'response' && input.kind !== 'clarification') throw new FieldError('kind', 'release.opinion_kind', { field: m['field.releaseKind']() });
			const [item] = await tx<{ unitId: string; incidentId: string | null }[]>`
				select unit_id, incident_id from opinion_items
				where id = ${input.opinionItemId} and status not in ('merged', 'closed')
					and ${inReach(tx, 'unit_id', author.scope)}`;
			if (!item) throw new FieldError('opinionItemId', 'error.invalid_choice');
			unitId ??= item.unitId;
		}
		unitId ??= (await tx<{ unitId: string }[]>`select unit_id from people where id = ${author.personId}`)[0]!.unitId;
		const unit = await getUnit(tx, unitId, author.scope);
		if (!unit || !unit.active) throw new FieldError('unitId', 'error.invalid_choice');
		const [row] = await tx<{ id: string }[]>`
			insert into releases (unit_id, kind, incident_id, conference_id, opinion_item_id, created_by, client_key, created_at, updated_at)
			values (${unitId}, ${input.kind}, ${input.incidentId}, ${input.conferenceId}, ${input.opinionItemId ?? null}, ${author.personId}, ${input.clientKey}, ${now}, ${now})
			on conflict (created_by, client_key) do nothing
			returning id`;
		if (!row) return (await findByClientKey(tx, author.personId, input.clientKey!))!;
		const hash = contentHash(content);
		await insertVersion(tx, row.id, 1, { ...content, hash, createdBy: author.personId });
		const release = await reload(tx, row.id);
		await audit(tx, author.actor, { action: 'release.created', entity: 'release', entityId: row.id, after: release });
		await record(tx, release, 'release.created', author.personId, { kind: input.kind, title: content.title, version: 1, code: shortCode(hash) }, now, true);
		return release;
	});
}

function checkedContent(c: ReleaseContent): ReleaseContent {
	const clean = cleanContent(c);
	if (!clean.title) throw new FieldError('title', 'error.required');
	if (!clean.body) throw new FieldError('body', 'release.body_empty');
	return clean;
}

export interface EditResult {
	release: ReleaseRow;
	changed: boolean;
	/** approvals or requests this edit made void */
	voided: number;
}

/**
 * Saves a new version. `baseVersion` is the version the editor started from: when someone else saved in
 * between, the edit is refused and the client keeps both texts. An edit after review or sign-off sends
 * the release back to draft; its approvals no longer count.
 */
export async function editRelease(id: string, baseVersion: number, c: ReleaseContent, author: ReleaseAuthor, now: Date = new Date()): Promise<EditResult> {
	mustDraft(author);
	const content = checkedContent(c);
	return sql.begin(async (tx) => {
		const before = await lockOwn(tx, id, author);
		if (before.status === 'published' || before.status === 'withdrawn') throw new FieldError('id', `release.closed_${before.status}`);
		if (before.currentVersion !== baseVersion) throw new ConflictError('release.edited_meanwhile', { version: before.currentVersion, title: before.title, body: before.body });
		const hash = contentHash(content);
		if (hash === before.hash) return { release: before, changed: false, voided: 0 };
		const number = before.currentVersion + 1;
		await insertVersion(tx, id, number, { ...content, hash, createdBy: author.personId });
		const { requests, approvals } = await signoff.voidSignoff(tx, { kind: 'release', id }, text('release.void_edited', { code: shortCode(hash) }), now);
		await tx`update releases set current_version = ${number}, status = 'draft', status_reason = null, updated_at = ${now} where id = ${id}`;
		const after = await reload(tx, id);
		await audit(tx, author.actor, { action: 'release.edited', entity: 'release', entityId: id, before: { version: before.currentVersion, hash: before.hash, status: before.status }, after: { version: number, hash } });
		await record(tx, after, 'release.edited', author.personId, { version: number, code: shortCode(hash), from: before.status, voided: requests + approvals }, now, approvals > 0);
		return { release: after, changed: true, voided: requests + approvals };
	});
}

// ---- sign-off (its steps are signoff/steps.ts), withdrawal ---------------------------------------

export async function submitRelease(id: string, author: ReleaseAuthor, now: Date = new Date()): Promise<ReleaseRow> {
	mustDraft(author);
	return sql.begin(async (tx) => {
		const r = await lockOwn(tx, id, author);
		if (r.status !== 'draft' && r.status !== 'rejected') throw new FieldError('id', 'release.not_draft');
		const status = await signoff.submitForSignoff(tx, await releaseSignable(tx, r), signer(author), now);
		await tx`update releases set status = ${status}, status_reason = null, updated_at = ${now} where id = ${id}`;
		const after = await reload(tx, id);
		await audit(tx, author.actor, { action: 'release.submitted', entity: 'release', entityId: id, before: { status: r.status }, after: { status: after.status, version: r.currentVersion, hash: r.hash } });
		await record(tx, after, 'release.submitted', author.personId, { version: r.currentVersion, code: shortCode(r.hash), status: after.status }, now, true);
		return after;
	});
}

export async function withdrawRelease(id: string, reason: string, author: ReleaseAuthor, now: Date = new Date()): Promise<ReleaseRow> {
	mustDraft(author);
	if (!reason.trim()) throw new FieldError('reason', 'release.reason_required');
	return sql.begin(async (tx) => {
		const r = await lockOwn(tx, id, author);
		if (!OPEN_STATES.includes(r.status) && r.status !== 'rejected') throw new FieldError('id', `release.closed_${r.status === 'published' ? 'published' : 'withdrawn'}`);
		await signoff.voidSignoff(tx, { kind: 'release', id }, text('release.void_withdrawn'), now);
		await tx`update releases set status = 'withdrawn', status_reason = ${reason.trim()}, updated_at = ${now} where id = ${id}`;
		const after = await reload(tx, id);
		await audit(tx, author.actor, { action: 'release.withdrawn', entity: 'release', entityId: id, before: { status: r.status }, after: { reason } });
		await record(tx, after, 'release.withdrawn', author.personId, { reason: reason.trim() }, now, true);
		return after;
	});
}

// ---- publication -----------------------------------------------------------------------------------

export interface PublicationInput {
	channel: ReleaseChannel;
	url: string | null;
	publishedAt: Date;
}

/**
 * Records where and when the approved version went out. Only the version every seat approved can be
 * published; an authoritative release meets its incident's 5-hour clock at the earliest publication time.
 */
export async function publishRelease(id: string, publications: PublicationInput[], author: ReleaseAuthor, now: Date = new Date()) {
	mustDraft(author);
	if (!publications.length) throw new FieldError('publications', 'release.no_publication');
	const channelName = (p: PublicationInput) => t(`release.channel.${p.channel}`);
	for (const p of publications)
		if (p.publishedAt.getTime() > now.getTime() + FUTURE_SLACK_MS)
			throw new FieldError(`publications.${p.channel}.publishedAt`, 'release.published_future', { channel: channelName(p) });
	return sql.begin(async (tx) => {
		const r = await lockOwn(tx, id, author);
		if (r.status !== 'approved') throw new FieldError('id', 'release.not_approved');
		const approvals = await tx<{ at: Date }[]>`
			select a.at from approvals a join signoff_requests s on s.id = a.request_id
			where a.release_id = ${id} and a.voided_at is null and a.version_hash = ${r.hash} and s.seat = 'sign'`;
		if (!approvals.length) throw new FieldError('id', 'release.not_approved');
		// Times are entered to the minute: a publication in the minute of the approval is not before it.
		const approvedMinute = Math.floor(approvals[0]!.at.getTime() / 60_000) * 60_000;
		for (const p of publications)
			if (p.publishedAt.getTime() < approvedMinute)
				throw new FieldError(`publications.${p.channel}.publishedAt`, 'release.published_before_approval', { channel: channelName(p) });
		for (const p of publications)
			await tx`
				insert into release_publications (release_id, version, version_hash, channel, url, published_at, recorded_by, recorded_at)
				values (${id}, ${r.currentVersion}, ${r.hash}, ${p.channel}, ${p.url}, ${p.publishedAt}, ${author.personId}, ${now})`;
		const first = new Date(Math.min(...publications.map((p) => p.publishedAt.getTime())));
		await tx`update releases set status = 'published', published_at = ${first}, updated_at = ${now} where id = ${id}`;
		const after = await reload(tx, id);
		await audit(tx, author.actor, { action: 'release.published', entity: 'release', entityId: id, after: { version: r.currentVersion, hash: r.hash, publications } });
		await record(tx, after, 'release.published', author.personId, { version: r.currentVersion, code: shortCode(r.hash), channels: publications.map((p) => p.channel), at: first }, first, true);
		const evidence = { releaseId: id, version: r.currentVersion, hash: r.hash, title: r.title, channels: publications.map((p) => p.channel) };
		const met =
			r.kind === 'authoritative' && r.incidentId
				? await satisfyClocks({ type: 'incident', id: r.incidentId }, 'release.authoritative', first, evidence, author.personId, tx)
				: servesWhat(r) === 'opinion.responded'
					? await markResponded(tx, r.opinionItemId!, first, evidence, author.personId)
					: [];
		return { release: after, satisfied: met.map((c) => ({ id: c.id, ruleName: c.ruleName, status: c.status })) };
	});
}
