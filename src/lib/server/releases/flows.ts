// Release transitions: drafting (every save an immutable version), confidentiality review, sign-off
// requests to the leader in charge and countersigning units, approval of one exact version with a second
// factor, rejection, withdrawal and publication, which meets the incident's clock. Each transition locks
// the release row, so two people acting at once take turns, and writes audit and timeline in the same
// transaction.
import type { Role } from '../../roles.ts';
import { formatCountdown } from '../../countdown.ts';
import { t } from '../../i18n/index.ts';
import { DRAFTER_ROLE_LIST } from '../../releases.ts';
import { audit, type Actor } from '../audit/log.ts';
import { satisfyClocks } from '../clocks/flows.ts';
import type { SatisfiedBy, Subject } from '../clocks/queries.ts';
import { recipientsFor } from '../clocks/recipients.ts';
import { sql, type Tx } from '../db.ts';
import { ConflictError, FieldError, forbidden, notFound } from '../errors.ts';
import { enqueueSignoffExpiry } from '../jobs/boss.ts';
import { sendNotice, settleNotices } from '../notify/notices.ts';
import { verifyStepUp, type SecondFactorProof } from '../passkeys/step-up.ts';
import { addEvent } from '../timeline/queries.ts';
import { getUnit } from '../units/queries.ts';
import { cleanContent, contentHash, shortCode, type ReleaseChannel, type ReleaseContent } from './content.ts';
import {
	chainOf,
	findByClientKey,
	getRelease,
	getRequest,
	insertVersion,
	lockRelease,
	OPEN_STATES,
	ownsRelease,
	requestsOf,
	type ReleaseKind,
	type ReleaseRow,
	type RequestRow
} from './queries.ts';

export interface ReleaseAuthor {
	personId: string;
	name: string;
	roles: Role[];
	scope: string | null;
	actor: Actor;
	/** the app's origin as the browser saw it: passkey signatures are checked against it */
	origin?: string;
}

export const DRAFTER_ROLES: readonly Role[] = DRAFTER_ROLE_LIST;
const FUTURE_SLACK_MS = 5 * 60_000;

const releaseSubject = (id: string): Subject => ({ type: 'release', id });
const signUrl = (releaseId: string, requestId: string) => `/releases/${releaseId}/sign/${requestId}`;
const releaseUrl = (id: string) => `/releases/${id}`;

function mustDraft(author: ReleaseAuthor) {
	if (!author.roles.some((r) => DRAFTER_ROLES.includes(r))) throw forbidden();
}

/** The release's own timeline, and its incident's for the steps that matter to the clock. */
async function record(tx: Tx, r: Pick<ReleaseRow, 'id' | 'incidentId'>, kind: string, actorId: string | null, data: Record<string, unknown>, at: Date, onIncident = false) {
	await addEvent(tx, releaseSubject(r.id), kind, actorId, data, at);
	if (onIncident && r.incidentId) await addEvent(tx, { type: 'incident', id: r.incidentId }, kind, actorId, { releaseId: r.id, ...data }, at);
}

async function reload(tx: Tx, id: string): Promise<ReleaseRow> {
	return (await getRelease(tx, id, null, '00000000-0000-0000-0000-000000000000'))!;
}

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

// ---- drafting --------------------------------------------------------------------------------------

export interface CreateInput extends ReleaseContent {
	clientKey: string | null;
	kind: ReleaseKind;
	unitId: string | null;
	incidentId: string | null;
	conferenceId: string | null;
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
				where id = ${input.incidentId} and (${author.scope}::uuid is null or lead_unit_id in (select unit_subtree(${author.scope})))`;
			if (!incident) throw new FieldError('incidentId', 'error.invalid_choice');
			unitId ??= incident.leadUnitId;
		}
		if (input.conferenceId) {
			const [conference] = await tx<{ unitId: string; incidentId: string | null }[]>`
				select unit_id, incident_id from conferences
				where id = ${input.conferenceId} and (${author.scope}::uuid is null or unit_id in (select unit_subtree(${author.scope})))`;
			if (!conference) throw new FieldError('conferenceId', 'error.invalid_choice');
			unitId ??= conference.unitId;
			input = { ...input, incidentId: input.incidentId ?? conference.incidentId };
		} else if (input.kind === 'opening_statement' || input.kind === 'qa_prep') {
			throw new FieldError('conferenceId', 'release.conference_required');
		}
		unitId ??= (await tx<{ unitId: string }[]>`select unit_id from people where id = ${author.personId}`)[0]!.unitId;
		const unit = await getUnit(tx, unitId, author.scope);
		if (!unit || !unit.active) throw new FieldError('unitId', 'error.invalid_choice');
		const [row] = await tx<{ id: string }[]>`
			insert into releases (unit_id, kind, incident_id, conference_id, created_by, client_key, created_at, updated_at)
			values (${unitId}, ${input.kind}, ${input.incidentId}, ${input.conferenceId}, ${author.personId}, ${input.clientKey}, ${now}, ${now})
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

/** Voids the open requests and standing approvals of a release: what they covered is no longer the text. */
async function voidSignoff(tx: Tx, r: ReleaseRow, reason: string, at: Date) {
	const voided = await tx<{ id: string }[]>`
		update signoff_requests set status = 'void', reason = coalesce(reason, ${reason}), decided_at = ${at}
		where release_id = ${r.id} and status = 'open' returning id`;
	const approvals = await tx`
		update approvals set voided_at = ${at}, void_reason = ${reason}
		where release_id = ${r.id} and voided_at is null returning id`;
	await settleNotices(tx, releaseSubject(r.id), 'signoff', null, at);
	return { requests: voided.length, approvals: approvals.length };
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
		const { requests, approvals } = await voidSignoff(tx, before, t('release.void_edited', { code: shortCode(hash) }), now);
		await tx`update releases set current_version = ${number}, status = 'draft', status_reason = null, updated_at = ${now} where id = ${id}`;
		const after = await reload(tx, id);
		await audit(tx, author.actor, { action: 'release.edited', entity: 'release', entityId: id, before: { version: before.currentVersion, hash: before.hash, status: before.status }, after: { version: number, hash } });
		await record(tx, after, 'release.edited', author.personId, { version: number, code: shortCode(hash), from: before.status, voided: requests + approvals }, now, approvals > 0);
		return { release: after, changed: true, voided: requests + approvals };
	});
}

// ---- review and sign-off requests ------------------------------------------------------------------

export interface ServedClock {
	id: string;
	ruleName: string;
	label: string;
	dueAt: Date;
	status: string;
	satisfiedAt: Date | null;
}

/** What the release is for, in clock terms: the authoritative release meets the 5-hour clock; a conference's papers serve its 24-hour one. */
export function servesWhat(r: Pick<ReleaseRow, 'kind' | 'conferenceId'>): SatisfiedBy | null {
	if (r.kind === 'authoritative') return 'release.authoritative';
	if (r.conferenceId) return 'conference.held';
	return null;
}

export async function servedClock(db: Tx, r: Pick<ReleaseRow, 'kind' | 'conferenceId' | 'incidentId'>): Promise<ServedClock | null> {
	const kind = servesWhat(r);
	if (!kind || !r.incidentId) return null;
	const [c] = await db<(ServedClock & { durationValue: number; durationUnit: string })[]>`
		select c.id, c.rule_name, c.due_at, c.status, c.satisfied_at, cr.duration_value, cr.duration_unit
		from clocks c left join clock_rules cr on cr.key = c.rule_key
		where c.subject = 'incident' and c.subject_id = ${r.incidentId} and c.satisfied_by = ${kind} and c.status <> 'cancelled'
		order by c.due_at limit 1`;
	if (!c) return null;
	const label = c.durationValue ? t(`release.clock_label.${c.durationUnit === 'working_days' ? 'working_days' : 'hours'}`, { n: Number(c.durationValue) }) : c.ruleName;
	return { id: c.id, ruleName: c.ruleName, label, dueAt: c.dueAt, status: c.status, satisfiedAt: c.satisfiedAt };
}

const isRunning = (c: ServedClock | null) => !!c && (c.status === 'running' || c.status === 'breached');

/** "待签发：<title>（距5小时时限剩余 1小时20分）" */
export function signoffTitle(title: string, clock: ServedClock | null, now: Date): string {
	if (!clock || !isRunning(clock)) return t('release.notice_title', { title });
	return t('release.notice_title_clock', { title, label: clock.label, countdown: formatCountdown(clock.dueAt.getTime(), now.getTime()) });
}

/** The people who sign for a seat: the unit's leader in charge (or its leaders), and its principal. */
export async function signersOf(tx: Tx, unitId: string): Promise<string[]> {
	const leaders = await recipientsFor(tx, unitId, 'leader_in_charge');
	const principals = await recipientsFor(tx, unitId, 'principal');
	return [...new Set([...leaders, ...principals].map((p) => p.id))];
}

/**
 * Opens one request per seat for the current version and tells its people. A request lapses after the
 * chain's hours, or at the deadline of the clock it serves when that comes first.
 */
async function issueRequests(tx: Tx, r: ReleaseRow, author: ReleaseAuthor, now: Date, seats?: { seat: 'sign' | 'countersign'; unitId: string }[]) {
	const chain = await chainOf(tx, r.unitId);
	const wanted = seats ?? [{ seat: 'sign' as const, unitId: r.unitId }, ...chain.countersignUnitIds.filter((u) => u !== r.unitId).map((unitId) => ({ seat: 'countersign' as const, unitId }))];
	const clock = await servedClock(tx, r);
	let expiresAt = new Date(now.getTime() + chain.signoffHours * 3_600_000);
	if (isRunning(clock) && clock!.dueAt > now && clock!.dueAt < expiresAt) expiresAt = clock!.dueAt;
	const title = signoffTitle(r.title, clock, now);
	for (const { seat, unitId } of wanted) {
		// The leader in charge is asked; a unit without one is signed for by its principal.
		const leaders = await recipientsFor(tx, unitId, 'leader_in_charge');
		const signers = leaders.length ? leaders : await recipientsFor(tx, unitId, 'principal');
		if (!signers.length) throw new FieldError('id', 'release.no_signer');
		const [request] = await tx<{ id: string }[]>`
			insert into signoff_requests (release_id, version, version_hash, seat, unit_id, requested_by, created_at, expires_at)
			values (${r.id}, ${r.currentVersion}, ${r.hash}, ${seat}, ${unitId}, ${author.personId}, ${now}, ${expiresAt})
			returning id`;
		await sendNotice(
			tx,
			signers.map((s) => s.id),
			{
				kind: 'signoff',
				urgency: isRunning(clock) ? 'critical' : 'high',
				title,
				body: t('release.notice_body', { unit: r.unitName, drafter: r.createdByName, code: shortCode(r.hash), seat: t(`release.seat.${seat}`) }),
				url: signUrl(r.id, request!.id),
				subject: releaseSubject(r.id)
			},
			now
		);
		await enqueueSignoffExpiry(tx, request!.id, expiresAt);
	}
	return { expiresAt, seats: wanted.length };
}

export async function submitRelease(id: string, author: ReleaseAuthor, now: Date = new Date()): Promise<ReleaseRow> {
	mustDraft(author);
	return sql.begin(async (tx) => {
		const r = await lockOwn(tx, id, author);
		if (r.status !== 'draft' && r.status !== 'rejected') throw new FieldError('id', 'release.not_draft');
		const chain = await chainOf(tx, r.unitId);
		if (chain.confidentialityReviewerIds.length) {
			await tx`update releases set status = 'in_review', status_reason = null, updated_at = ${now} where id = ${id}`;
			await sendNotice(tx, chain.confidentialityReviewerIds, {
				kind: 'alert',
				urgency: 'high',
				title: t('release.review_notice_title', { title: r.title }),
				body: t('release.review_notice_body', { unit: r.unitName, drafter: r.createdByName, code: shortCode(r.hash) }),
				url: releaseUrl(id),
				subject: releaseSubject(id)
			}, now);
		} else {
			await tx`update releases set status = 'awaiting_signoff', status_reason = null, updated_at = ${now} where id = ${id}`;
			await issueRequests(tx, r, author, now);
		}
		const after = await reload(tx, id);
		await audit(tx, author.actor, { action: 'release.submitted', entity: 'release', entityId: id, before: { status: r.status }, after: { status: after.status, version: r.currentVersion, hash: r.hash } });
		await record(tx, after, 'release.submitted', author.personId, { version: r.currentVersion, code: shortCode(r.hash), status: after.status }, now, true);
		return after;
	});
}

/** 保密审查: only a reviewer the unit's chain names, on the version they read. */
export async function reviewRelease(
	id: string,
	input: { version: number; decision: 'passed' | 'rejected'; reason: string },
	author: ReleaseAuthor,
	now: Date = new Date()
): Promise<ReleaseRow> {
	return sql.begin(async (tx) => {
		const r = await lockVisible(tx, id, author);
		const chain = await chainOf(tx, r.unitId);
		if (!chain.confidentialityReviewerIds.includes(author.personId)) throw forbidden();
		if (r.status !== 'in_review') throw new FieldError('id', 'release.not_in_review');
		if (input.version !== r.currentVersion) throw new FieldError('version', 'release.stale_version');
		const reason = input.reason.trim();
		if (input.decision === 'rejected' && !reason) throw new FieldError('reason', 'release.reason_required');
		await tx`
			insert into release_reviews (release_id, version, version_hash, stage, reviewer_id, decision, reason, at)
			values (${id}, ${r.currentVersion}, ${r.hash}, 'confidentiality', ${author.personId}, ${input.decision}, ${reason || null}, ${now})`;
		await settleNotices(tx, releaseSubject(id), 'alert', releaseUrl(id), now);
		if (input.decision === 'passed') {
			await tx`update releases set status = 'awaiting_signoff', updated_at = ${now} where id = ${id}`;
			await issueRequests(tx, r, author, now);
		} else {
			await tx`update releases set status = 'rejected', status_reason = ${reason}, updated_at = ${now} where id = ${id}`;
			await tellDrafter(tx, r, t('release.rejected_notice_title', { title: r.title }), t('release.rejected_in_review', { name: author.name, reason }), now);
		}
		const after = await reload(tx, id);
		await audit(tx, author.actor, { action: `release.review_${input.decision}`, entity: 'release', entityId: id, after: { version: r.currentVersion, hash: r.hash, reason } });
		await record(tx, after, `release.review_${input.decision}`, author.personId, { version: r.currentVersion, code: shortCode(r.hash), reason }, now);
		return after;
	});
}

function tellDrafter(tx: Tx, r: ReleaseRow, title: string, body: string, now: Date) {
	return sendNotice(tx, [r.createdBy], { kind: 'alert', urgency: 'high', title, body, url: releaseUrl(r.id), subject: releaseSubject(r.id) }, now);
}

/** Requests that lapsed unanswered are opened again for the seats still missing, with a fresh expiry. */
export async function renewRequests(id: string, author: ReleaseAuthor, now: Date = new Date()): Promise<ReleaseRow> {
	mustDraft(author);
	return sql.begin(async (tx) => {
		const r = await lockOwn(tx, id, author);
		if (r.status !== 'awaiting_signoff') throw new FieldError('id', 'release.not_awaiting');
		const requests = (await requestsOf(tx, id)).filter((q) => q.version === r.currentVersion && q.versionHash === r.hash);
		const lapsed = requests.filter((q) => q.status === 'open' && q.expiresAt <= now);
		if (!lapsed.length) throw new FieldError('id', 'release.nothing_lapsed');
		await tx`update signoff_requests set status = 'void', reason = ${t('release.void_lapsed')}, decided_at = ${now} where id = any(${lapsed.map((q) => q.id)}::uuid[])`;
		await issueRequests(tx, r, author, now, lapsed.map((q) => ({ seat: q.seat, unitId: q.unitId })));
		await record(tx, r, 'release.requests_renewed', author.personId, { seats: lapsed.length }, now);
		return reload(tx, id);
	});
}

/**
 * The job at a request's expiry: still unanswered, it lapses, and the drafter is told so that someone
 * can ring the leader or send it again. Safe to run twice: the event is written once.
 */
export async function lapseRequest(requestId: string, now: Date = new Date()): Promise<boolean> {
	return sql.begin(async (tx) => {
		const [q] = await tx<{ releaseId: string }[]>`select release_id from signoff_requests where id = ${requestId}`;
		if (!q) return false;
		const r = (await lockRelease(tx, q.releaseId, null, ''))!;
		const request = (await getRequest(tx, r.id, requestId))!;
		if (requestState(request, now) !== 'expired') return false;
		const [first] = await tx`
			update signoff_requests set reason = ${t('release.lapsed_reason')} where id = ${requestId} and reason is null returning 1`;
		if (!first) return false;
		await settleNotices(tx, releaseSubject(r.id), 'signoff', signUrl(r.id, requestId), now);
		await tellDrafter(tx, r, t('release.lapsed_notice_title', { title: r.title }), t('release.lapsed_notice_body', { unit: request.unitName, seat: t(`release.seat.${request.seat}`) }), now);
		await record(tx, r, 'release.request_lapsed', null, { unit: request.unitName, code: shortCode(request.versionHash) }, now);
		return true;
	});
}

// ---- the leader's moment ---------------------------------------------------------------------------

/** The text a step-up ceremony signs: the request and the exact version. */
export const signoffBinding = (requestId: string, versionHash: string) => `release-signoff:${requestId}:${versionHash}`;

export type RequestState = 'open' | 'expired' | 'approved' | 'rejected' | 'void';
export const requestState = (q: Pick<RequestRow, 'status' | 'expiresAt'>, now: Date): RequestState =>
	q.status === 'open' && q.expiresAt <= now ? 'expired' : q.status;

/**
 * The request as the person acting on it must find it: theirs to decide, still open, unexpired, and for
 * the version on screen. Anything else says what happened instead.
 */
async function checkRequest(tx: Tx, r: ReleaseRow, requestId: string, author: ReleaseAuthor, now: Date): Promise<RequestRow> {
	const request = await getRequest(tx, r.id, requestId);
	if (!request) throw notFound();
	if (!(await signersOf(tx, request.unitId)).includes(author.personId)) throw forbidden();
	const state = requestState(request, now);
	if (state !== 'open') throw new ConflictError(`release.request_${state}`, requestOutcome(request));
	return request;
}

export function requestOutcome(q: RequestRow) {
	return { status: q.status, decidedBy: q.decidedByName, decidedAt: q.decidedAt?.toISOString() ?? null, reason: q.reason, expiresAt: q.expiresAt.toISOString() };
}

export interface ApproveInput {
	requestId: string;
	versionHash: string;
	proof: SecondFactorProof;
}

/**
 * Approves the exact version `versionHash` names, proven with a second factor at this moment. With the
 * release locked, the request must still be open: of two leaders acting at once, one wins and the other
 * is told who decided.
 */
export async function approveRelease(id: string, input: ApproveInput, author: ReleaseAuthor, now: Date = new Date()): Promise<ReleaseRow> {
	const r0 = await getRelease(sql, id, author.scope, author.personId);
	if (!r0) throw notFound();
	const pre = await getRequest(sql, id, input.requestId);
	if (!pre) throw notFound();
	if (!(await signersOf(sql, pre.unitId)).includes(author.personId)) throw forbidden();
	if (input.versionHash !== pre.versionHash) throw new FieldError('versionHash', 'release.hash_mismatch');
	return sql.begin(async (tx) => {
		const r = await lockVisible(tx, id, author);
		const request = await checkRequest(tx, r, input.requestId, author, now);
		if (r.status !== 'awaiting_signoff') throw new FieldError('id', 'release.not_awaiting');
		// The request is for one version; the text may have moved on since (the edit voids the request too).
		if (request.versionHash !== r.hash || input.versionHash !== r.hash) throw new FieldError('versionHash', 'release.hash_mismatch');
		// In this transaction: a proof is spent only with the approval it made. Failed passwords are counted
		// outside it (step-up.ts), so a refusal still counts against the person.
		const factor = await verifyStepUp(tx, author.personId, signoffBinding(request.id, request.versionHash), input.proof, author.origin);
		const [won] = await tx`
			update signoff_requests set status = 'approved', decided_by = ${author.personId}, decided_at = ${now}
			where id = ${request.id} and status = 'open' returning id`;
		if (!won) throw new ConflictError('release.request_approved', requestOutcome((await getRequest(tx, id, request.id))!));
		await tx`
			insert into approvals (release_id, request_id, version, version_hash, person_id, factor, passkey_id, device, ip, at)
			values (${id}, ${request.id}, ${r.currentVersion}, ${r.hash}, ${author.personId}, ${factor.factor}, ${factor.passkeyId},
				${author.actor.userAgent}, ${author.actor.ip}, ${now})`;
		await settleNotices(tx, releaseSubject(id), 'signoff', signUrl(id, request.id), now);
		const [pending] = await tx<{ n: number }[]>`
			select count(*)::int as n from signoff_requests where release_id = ${id} and version_hash = ${r.hash} and status = 'open'`;
		if (pending!.n === 0) await tx`update releases set status = 'approved', updated_at = ${now} where id = ${id}`;
		const after = await reload(tx, id);
		await audit(tx, author.actor, {
			action: request.seat === 'sign' ? 'release.approved' : 'release.countersigned',
			entity: 'release',
			entityId: id,
			after: { requestId: request.id, version: r.currentVersion, hash: r.hash, factor: factor.factor, passkeyId: factor.passkeyId, status: after.status }
		});
		await record(tx, after, request.seat === 'sign' ? 'release.approved' : 'release.countersigned', author.personId, { version: r.currentVersion, code: shortCode(r.hash), factor: factor.factor, unit: request.unitName }, now, true);
		if (after.status === 'approved') await tellDrafter(tx, after, t('release.approved_notice_title', { title: r.title }), t('release.approved_notice_body', { name: author.name, code: shortCode(r.hash) }), now);
		return after;
	});
}

/** 驳回: needs a reason; the drafter is told, and the other seats' requests close with it. */
export async function rejectSignoff(id: string, input: { requestId: string; reason: string }, author: ReleaseAuthor, now: Date = new Date()): Promise<ReleaseRow> {
	const reason = input.reason.trim();
	if (!reason) throw new FieldError('reason', 'release.reason_required');
	return sql.begin(async (tx) => {
		const r = await lockVisible(tx, id, author);
		const request = await checkRequest(tx, r, input.requestId, author, now);
		await tx`update signoff_requests set status = 'rejected', decided_by = ${author.personId}, decided_at = ${now}, reason = ${reason} where id = ${request.id}`;
		await voidSignoff(tx, r, t('release.void_rejected', { name: author.name }), now);
		await tx`update releases set status = 'rejected', status_reason = ${reason}, updated_at = ${now} where id = ${id}`;
		await tellDrafter(tx, r, t('release.rejected_notice_title', { title: r.title }), t('release.rejected_at_signoff', { name: author.name, reason }), now);
		const after = await reload(tx, id);
		await audit(tx, author.actor, { action: 'release.rejected', entity: 'release', entityId: id, after: { requestId: request.id, hash: r.hash, reason } });
		await record(tx, after, 'release.rejected', author.personId, { version: r.currentVersion, code: shortCode(r.hash), reason }, now, true);
		return after;
	});
}

/** "不是我发起的/有疑问": the request stays undecided, and the office hears of it at once. */
export async function flagSignoff(id: string, input: { requestId: string; note: string }, author: ReleaseAuthor, now: Date = new Date()): Promise<ReleaseRow> {
	return sql.begin(async (tx) => {
		const r = await lockVisible(tx, id, author);
		const request = await getRequest(tx, id, input.requestId);
		if (!request) throw notFound();
		if (!(await signersOf(tx, request.unitId)).includes(author.personId)) throw forbidden();
		const note = input.note.trim();
		await tx`update signoff_requests set flagged_by = ${author.personId}, flagged_at = ${now}, flag_note = ${note} where id = ${request.id}`;
		const admins = await recipientsFor(tx, request.unitId, 'office_admin');
		await sendNotice(tx, admins.map((a) => a.id), {
			kind: 'alert',
			urgency: 'critical',
			title: t('release.flag_notice_title', { name: author.name, title: r.title }),
			body: t('release.flag_notice_body', { unit: r.unitName, drafter: r.createdByName, code: shortCode(request.versionHash), note: note || t('release.flag_no_note') }),
			url: releaseUrl(id),
			subject: releaseSubject(id)
		}, now);
		await audit(tx, author.actor, { action: 'release.signoff_flagged', entity: 'release', entityId: id, after: { requestId: request.id, note } });
		await record(tx, r, 'release.signoff_flagged', author.personId, { note, code: shortCode(request.versionHash) }, now);
		return reload(tx, id);
	});
}

export async function withdrawRelease(id: string, reason: string, author: ReleaseAuthor, now: Date = new Date()): Promise<ReleaseRow> {
	mustDraft(author);
	if (!reason.trim()) throw new FieldError('reason', 'release.reason_required');
	return sql.begin(async (tx) => {
		const r = await lockOwn(tx, id, author);
		if (!OPEN_STATES.includes(r.status) && r.status !== 'rejected') throw new FieldError('id', `release.closed_${r.status === 'published' ? 'published' : 'withdrawn'}`);
		await voidSignoff(tx, r, t('release.void_withdrawn'), now);
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
		const kind = r.kind === 'authoritative' ? 'release.authoritative' : null;
		const met =
			kind && r.incidentId
				? await satisfyClocks({ type: 'incident', id: r.incidentId }, kind, first, { releaseId: id, version: r.currentVersion, hash: r.hash, title: r.title, channels: publications.map((p) => p.channel) }, author.personId, tx)
				: [];
		return { release: after, satisfied: met.map((c) => ({ id: c.id, ruleName: c.ruleName, status: c.status })) };
	});
}
