// Sign-off, whatever is signed: confidentiality review by the unit's chain, one request per signing seat
// (the unit's leader in charge, each countersigning unit), approval of one exact hash with a second factor,
// rejection, questions to the office, and requests that lapse. The caller (steps.ts, or a domain's submit and
// edit) holds the lock on the thing's row and moves its status; these work on the sign-off records inside that
// transaction, so of two leaders acting at once one wins and the other is told who decided.
import { render, text, type Text } from '../../i18n/index.ts';
import { SUBJECTS, type Subject } from '../../subjects.ts';
import type { Actor } from '../audit/index.ts';
import { countdownText, recipientsFor } from '../clocks/index.ts';
import { sql, type Tx } from '../db.ts';
import { ConflictError, FieldError, forbidden, notFound } from '../errors.ts';
import { enqueueSignoffExpiry } from '../jobs/index.ts';
import { sendNotice, settleNotices, storedText } from '../notify/index.ts';
import { stepUpOptions, verifyStepUp, type SecondFactorProof } from '../passkeys/index.ts';
import { chainOf, getRequest, subjectColumn, type RequestRow, type SignKind, type SignRef } from './queries.ts';

/** The short code people read aloud: "版本 7F3A". */
export const shortCode = (hash: string) => hash.slice(0, 4).toUpperCase();

export interface ServedClock {
	id: string;
	ruleName: string;
	label: string;
	dueAt: Date;
	status: string;
	satisfiedAt: Date | null;
}

/** Something that is signed off, as the sign-off steps need to see it. */
export interface Signable {
	ref: SignRef;
	unitId: string;
	unitName: string;
	title: string;
	createdBy: string;
	createdByName: string;
	version: number;
	/** what an approval is for: a release version's hash, or a document bundle's */
	hash: string;
	/** for a bundle, the hashes it is made of */
	covers: Record<string, string> | null;
	/** the clock the signing serves, if any: a request lapses no later than its deadline */
	clock: ServedClock | null;
}

export interface Signer {
	personId: string;
	name: string;
	actor: Actor;
	origin?: string;
}

export const subjectOf = (ref: SignRef): Subject => ({ type: ref.kind, id: ref.id });
/** The signed thing's own page, where the subjects registry says it is. */
export const pageUrl = (ref: SignRef) => `${SUBJECTS[ref.kind].path}/${ref.id}`;
export const signUrl = (ref: SignRef, requestId: string) => `${pageUrl(ref)}/sign/${requestId}`;

export const isRunning = (c: ServedClock | null) => !!c && (c.status === 'running' || c.status === 'breached');

/** "待签发：<title>（距5小时时限剩余 1小时20分）" */
export function signoffTitle(title: string, clock: ServedClock | null, now: Date): Text {
	if (!clock || !isRunning(clock)) return text('signoff.notice_title', { title });
	return text('signoff.notice_title_clock', { title, label: clock.label, countdown: countdownText(clock.dueAt.getTime(), now.getTime()) });
}

/** The people who sign for a seat: the unit's leader in charge (or its leaders), and its principal. */
export async function signersOf(tx: Tx, unitId: string): Promise<string[]> {
	const leaders = await recipientsFor(tx, unitId, 'leader_in_charge');
	const principals = await recipientsFor(tx, unitId, 'principal');
	return [...new Set([...leaders, ...principals].map((p) => p.id))];
}

export type RequestState = 'open' | 'expired' | 'approved' | 'rejected' | 'void';
export const requestState = (q: Pick<RequestRow, 'status' | 'expiresAt'>, now: Date): RequestState =>
	q.status === 'open' && q.expiresAt <= now ? 'expired' : q.status;

export function requestOutcome(q: RequestRow) {
	return { status: q.status, decidedBy: q.decidedByName, decidedAt: q.decidedAt?.toISOString() ?? null, reason: q.reason ? render(storedText(q.reason)) : null, expiresAt: q.expiresAt.toISOString() };
}

/** The text a step-up ceremony signs: the request and the exact hash. */
export const signoffBinding = (requestId: string, versionHash: string) => `signoff:${requestId}:${versionHash}`;

/** The second-factor ceremony for one request: a passkey challenge bound to the request and its hash, or "the password". */
export async function stepUpFor(ref: SignRef, requestId: string, personId: string, origin: string | undefined) {
	const request = await getRequest(sql, ref, requestId);
	if (!request) throw notFound();
	return stepUpOptions(personId, signoffBinding(request.id, request.versionHash), origin);
}

/** Tells the person who drafted it, on their channels. */
export function tellDrafter(tx: Tx, s: Signable, title: Text, body: Text, now: Date) {
	return sendNotice(tx, [s.createdBy], { kind: 'alert', urgency: 'high', title, body, url: pageUrl(s.ref), subject: subjectOf(s.ref) }, now);
}

/** Sent for review, or straight to sign-off when the unit's chain names no reviewer. Returns where it went. */
export async function submitForSignoff(tx: Tx, s: Signable, by: Signer, now: Date): Promise<'in_review' | 'awaiting_signoff'> {
	const chain = await chainOf(tx, s.unitId);
	if (chain.confidentialityReviewerIds.length) {
		await sendNotice(tx, chain.confidentialityReviewerIds, {
			kind: 'alert',
			urgency: 'high',
			title: text('signoff.review_notice_title', { title: s.title }),
			body: text('signoff.review_notice_body', { unit: s.unitName, drafter: s.createdByName, code: shortCode(s.hash) }),
			url: pageUrl(s.ref),
			subject: subjectOf(s.ref)
		}, now);
		return 'in_review';
	}
	await issueRequests(tx, s, by.personId, now);
	return 'awaiting_signoff';
}

/**
 * Opens one request per seat for the current hash and tells its people. A request lapses after the chain's
 * hours, or at the deadline of the clock the signing serves when that comes first.
 */
export async function issueRequests(tx: Tx, s: Signable, requestedBy: string, now: Date, seats?: { seat: 'sign' | 'countersign'; unitId: string }[]) {
	const chain = await chainOf(tx, s.unitId);
	const wanted = seats ?? [
		{ seat: 'sign' as const, unitId: s.unitId },
		...chain.countersignUnitIds.filter((u) => u !== s.unitId).map((unitId) => ({ seat: 'countersign' as const, unitId }))
	];
	let expiresAt = new Date(now.getTime() + chain.signoffHours * 3_600_000);
	if (isRunning(s.clock) && s.clock!.dueAt > now && s.clock!.dueAt < expiresAt) expiresAt = s.clock!.dueAt;
	const title = signoffTitle(s.title, s.clock, now);
	const column = subjectColumn(tx, s.ref.kind);
	for (const { seat, unitId } of wanted) {
		// The leader in charge is asked; a unit without one is signed for by its principal.
		const leaders = await recipientsFor(tx, unitId, 'leader_in_charge');
		const signers = leaders.length ? leaders : await recipientsFor(tx, unitId, 'principal');
		if (!signers.length) throw new FieldError('id', 'signoff.no_signer');
		const [request] = await tx<{ id: string }[]>`
			insert into signoff_requests (${column}, version, version_hash, covers, seat, unit_id, requested_by, created_at, expires_at)
			values (${s.ref.id}, ${s.version}, ${s.hash}, ${s.covers ? tx.json(s.covers) : null}, ${seat}, ${unitId}, ${requestedBy}, ${now}, ${expiresAt})
			returning id`;
		await sendNotice(
			tx,
			signers.map((p) => p.id),
			{
				kind: 'signoff',
				urgency: isRunning(s.clock) ? 'critical' : 'high',
				title,
				body: text('signoff.notice_body', { unit: s.unitName, drafter: s.createdByName, code: shortCode(s.hash), seat: text(`signoff.seat.${seat}`) }),
				url: signUrl(s.ref, request!.id),
				subject: subjectOf(s.ref)
			},
			now
		);
		await enqueueSignoffExpiry(tx, request!.id, expiresAt);
	}
	return { expiresAt, seats: wanted.length };
}

/** A reason as stored (jsonb): its key and parameters, rendered in each reader's language. */
const stored = (tx: Tx, reason: Text) => tx.json(reason as never);

/** Voids open requests and standing approvals: what they covered is no longer the text. */
export async function voidSignoff(tx: Tx, ref: SignRef, reason: Text, at: Date) {
	const column = subjectColumn(tx, ref.kind);
	const requests = await tx`
		update signoff_requests set status = 'void', reason = coalesce(reason, ${stored(tx, reason)}), decided_at = ${at}
		where ${column} = ${ref.id} and status = 'open' returning id`;
	const approvals = await tx`
		update approvals set voided_at = ${at}, void_reason = ${stored(tx, reason)}
		where ${column} = ${ref.id} and voided_at is null returning id`;
	await settleNotices(tx, { subject: subjectOf(ref), kind: 'signoff', url: null }, 'void', reason, at);
	return { requests: requests.length, approvals: approvals.length };
}

export async function isReviewer(tx: Tx, unitId: string, personId: string): Promise<boolean> {
	return (await chainOf(tx, unitId)).confidentialityReviewerIds.includes(personId);
}

/**
 * 保密审查 by a reviewer the unit's chain names, on the version they read. Passed, the requests go out;
 * rejected, the drafter is told. Returns the decision for the caller to move its status.
 */
export async function review(
	tx: Tx,
	s: Signable,
	input: { version: number; versionHash?: string; decision: 'passed' | 'rejected'; reason: string },
	by: Signer,
	now: Date
): Promise<{ decision: 'passed' | 'rejected'; reason: string }> {
	const chain = await chainOf(tx, s.unitId);
	if (!chain.confidentialityReviewerIds.includes(by.personId)) throw forbidden();
	// A bundle can change (a material) while its document's version number stays: the hash says what was read.
	if (input.version !== s.version || (input.versionHash !== undefined && input.versionHash !== s.hash)) throw new FieldError('version', 'signoff.stale_version');
	const reason = input.reason.trim();
	if (input.decision === 'rejected' && !reason) throw new FieldError('reason', 'signoff.reason_required');
	await tx`
		insert into signoff_reviews (${subjectColumn(tx, s.ref.kind)}, version, version_hash, stage, reviewer_id, decision, reason, at)
		values (${s.ref.id}, ${s.version}, ${s.hash}, 'confidentiality', ${by.personId}, ${input.decision}, ${reason || null}, ${now})`;
	await settleNotices(tx, { subject: subjectOf(s.ref), kind: 'alert', url: pageUrl(s.ref) }, 'reviewed', by.name, now);
	if (input.decision === 'passed') await issueRequests(tx, s, by.personId, now);
	else await tellDrafter(tx, s, text('signoff.rejected_notice_title', { title: s.title }), text('signoff.rejected_in_review', { name: by.name, reason }), now);
	return { decision: input.decision, reason };
}

/** The request as the person acting on it must find it: theirs to decide, still open and unexpired. */
export async function checkRequest(tx: Tx, ref: SignRef, requestId: string, personId: string, now: Date): Promise<RequestRow> {
	const request = await getRequest(tx, ref, requestId);
	if (!request) throw notFound();
	if (!(await signersOf(tx, request.unitId)).includes(personId)) throw forbidden();
	const state = requestState(request, now);
	if (state !== 'open') throw new ConflictError(`signoff.request_${state}`, requestOutcome(request));
	return request;
}

export interface ApproveInput {
	requestId: string;
	versionHash: string;
	proof: SecondFactorProof;
}

/**
 * Before any lock is taken or any proof spent: the request exists, the person sits in its seat, and the
 * hash on their screen is the one it asks for. Anything else is answered at once.
 */
export async function precheckApproval(ref: SignRef, input: Pick<ApproveInput, 'requestId' | 'versionHash'>, personId: string): Promise<void> {
	const pre = await getRequest(sql, ref, input.requestId);
	if (!pre) throw notFound();
	if (!(await signersOf(sql, pre.unitId)).includes(personId)) throw forbidden();
	if (input.versionHash !== pre.versionHash) throw new FieldError('versionHash', 'signoff.hash_mismatch');
}

/**
 * Approves the exact hash the request is for, proven with a second factor at this moment. The proof is
 * spent only with the approval it made; failed passwords are counted outside the transaction
 * (step-up.ts). Returns whether every seat has now approved this hash.
 */
export async function approve(tx: Tx, s: Signable, input: ApproveInput, by: Signer, now: Date): Promise<{ request: RequestRow; factor: 'passkey' | 'password'; complete: boolean }> {
	const request = await checkRequest(tx, s.ref, input.requestId, by.personId, now);
	// The request is for one hash; the text may have moved on since (an edit voids the request too).
	if (request.versionHash !== s.hash || input.versionHash !== s.hash) throw new FieldError('versionHash', 'signoff.hash_mismatch');
	const factor = await verifyStepUp(tx, by.personId, signoffBinding(request.id, request.versionHash), input.proof, by.origin);
	const [won] = await tx`
		update signoff_requests set status = 'approved', decided_by = ${by.personId}, decided_at = ${now}
		where id = ${request.id} and status = 'open' returning id`;
	if (!won) throw new ConflictError('signoff.request_approved', requestOutcome((await getRequest(tx, s.ref, request.id))!));
	const column = subjectColumn(tx, s.ref.kind);
	await tx`
		insert into approvals (${column}, request_id, version, version_hash, covers, person_id, factor, passkey_id, device, ip, at)
		values (${s.ref.id}, ${request.id}, ${s.version}, ${s.hash}, ${s.covers ? tx.json(s.covers) : null}, ${by.personId},
			${factor.factor}, ${factor.passkeyId}, ${by.actor.userAgent}, ${by.actor.ip}, ${now})`;
	await settleNotices(tx, { subject: subjectOf(s.ref), kind: 'signoff', url: signUrl(s.ref, request.id) }, 'approved', by.name, now);
	const [pending] = await tx<{ n: number }[]>`
		select count(*)::int as n from signoff_requests where ${column} = ${s.ref.id} and version_hash = ${s.hash} and status = 'open'`;
	return { request, factor: factor.factor, complete: pending!.n === 0 };
}

/** 驳回: needs a reason; the other seats' requests close with it and the drafter is told. */
export async function reject(tx: Tx, s: Signable, input: { requestId: string; reason: string }, by: Signer, now: Date): Promise<RequestRow> {
	const reason = input.reason.trim();
	if (!reason) throw new FieldError('reason', 'signoff.reason_required');
	const request = await checkRequest(tx, s.ref, input.requestId, by.personId, now);
	// The leader's words, as they typed them: the parameter of a stored text, never translated.
	await tx`update signoff_requests set status = 'rejected', decided_by = ${by.personId}, decided_at = ${now}, reason = ${stored(tx, text('reasons.typed', { text: reason }))} where id = ${request.id}`;
	await settleNotices(tx, { subject: subjectOf(s.ref), kind: 'signoff', url: signUrl(s.ref, request.id) }, 'rejected', text('notify.settled.rejected_by', { name: by.name, reason }), now);
	await voidSignoff(tx, s.ref, text('signoff.void_rejected', { name: by.name }), now);
	await tellDrafter(tx, s, text('signoff.rejected_notice_title', { title: s.title }), text('signoff.rejected_at_signoff', { name: by.name, reason }), now);
	return request;
}

/** "不是我发起的/有疑问": the request stays undecided, and the office hears of it at once. */
export async function flag(tx: Tx, s: Signable, input: { requestId: string; note: string }, by: Signer, now: Date): Promise<RequestRow> {
	const request = await getRequest(tx, s.ref, input.requestId);
	if (!request) throw notFound();
	if (!(await signersOf(tx, request.unitId)).includes(by.personId)) throw forbidden();
	const note = input.note.trim();
	await tx`update signoff_requests set flagged_by = ${by.personId}, flagged_at = ${now}, flag_note = ${note} where id = ${request.id}`;
	const admins = await recipientsFor(tx, request.unitId, 'office_admin');
	await sendNotice(tx, admins.map((a) => a.id), {
		kind: 'alert',
		urgency: 'critical',
		title: text('signoff.flag_notice_title', { name: by.name, title: s.title }),
		body: text('signoff.flag_notice_body', { unit: s.unitName, drafter: s.createdByName, code: shortCode(request.versionHash), note: note || text('signoff.flag_no_note') }),
		url: pageUrl(s.ref),
		subject: subjectOf(s.ref)
	}, now);
	return request;
}

/** Requests of the current hash that lapsed unanswered open again for their seats, with a fresh expiry. */
export async function renew(tx: Tx, s: Signable, requests: RequestRow[], by: Signer, now: Date): Promise<number> {
	const lapsed = requests.filter((q) => q.versionHash === s.hash && requestState(q, now) === 'expired');
	if (!lapsed.length) throw new FieldError('id', 'signoff.nothing_lapsed');
	await tx`update signoff_requests set status = 'void', reason = ${stored(tx, text('signoff.void_lapsed'))}, decided_at = ${now} where id = any(${lapsed.map((q) => q.id)}::uuid[])`;
	await issueRequests(tx, s, by.personId, now, lapsed.map((q) => ({ seat: q.seat, unitId: q.unitId })));
	return lapsed.length;
}

/**
 * At a request's expiry, still unanswered: it lapses and the drafter is told, so that someone can ring the
 * leader or send it again. Safe to run twice: only the first run marks it.
 */
export async function lapse(tx: Tx, s: Signable, request: RequestRow, now: Date): Promise<boolean> {
	if (requestState(request, now) !== 'expired') return false;
	const [first] = await tx`update signoff_requests set reason = ${stored(tx, text('signoff.lapsed_reason'))} where id = ${request.id} and reason is null returning 1`;
	if (!first) return false;
	await settleNotices(tx, { subject: subjectOf(s.ref), kind: 'signoff', url: signUrl(s.ref, request.id) }, 'lapsed', null, now);
	await tellDrafter(tx, s, text('signoff.lapsed_notice_title', { title: s.title }), text('signoff.lapsed_notice_body', { unit: request.unitName, seat: text(`signoff.seat.${request.seat}`) }), now);
	return true;
}

export type { SignKind, SignRef };
