// The sign-off lifecycle, once for every kind of thing signed: confidentiality review, approval with a second
// factor, rejection, a question to the office, asking again after a lapse, and the lapse itself. Each step locks
// the thing's row (through its kind's adapter), works on the sign-off records (flows.ts), lets the kind move its
// own status, and writes audit and timeline in the same transaction.
import { DRAFTER_ROLE_LIST } from '../../releases.ts';
import type { Role } from '../../roles.ts';
import { audit } from '../audit/index.ts';
import { sql, type Tx } from '../db.ts';
import { FieldError, forbidden, notFound } from '../errors.ts';
import { text } from '../../i18n/index.ts';
import * as signoff from './flows.ts';
import { shortCode, type ApproveInput, type Signer } from './flows.ts';
import type { Reader, SignedState, SignoffKind } from './kind.ts';
import { signoffKinds } from './kinds.ts';
import { requestsOf, type SignKind } from './queries.ts';

/** The person taking a step, as every step needs them. */
export interface SignoffActor extends Signer, Reader {
	roles: readonly Role[];
}

export const adapter = (kind: SignKind) => signoffKinds[kind] as SignoffKind<unknown>;

async function locked(tx: Tx, k: SignoffKind<unknown>, id: string, by: Reader): Promise<unknown> {
	const row = await k.lock(tx, id, by);
	if (row === undefined) throw notFound();
	return row;
}

/** Read again after the step, which checked reach already. */
async function after(tx: Tx, k: SignoffKind<unknown>, id: string): Promise<SignedState> {
	return k.state((await k.lockUnscoped(tx, id))!);
}

/** 保密审查: only a reviewer the unit's chain names, on the version (and, for a bundle, the hash) they read. */
export async function reviewStep(
	kind: SignKind,
	id: string,
	input: { version: number; versionHash?: string; decision: 'passed' | 'rejected'; reason: string },
	by: SignoffActor,
	now: Date = new Date()
): Promise<SignedState> {
	const k = adapter(kind);
	if (k.reviewNamesHash && input.versionHash === undefined) throw new FieldError('versionHash', 'error.required');
	return sql.begin(async (tx) => {
		const row = await locked(tx, k, id, by);
		const s = await k.signable(tx, row);
		if (!(await signoff.isReviewer(tx, s.unitId, by.personId))) throw forbidden();
		if (k.state(row).stage !== 'in_review') throw new FieldError('id', 'signoff.not_in_review');
		const { decision, reason } = await signoff.review(tx, s, input, by, now);
		await k.move(tx, row, decision === 'passed' ? { step: 'review_passed' } : { step: 'review_rejected', reason }, now);
		await audit(tx, by.actor, { action: `${kind}.review_${decision}`, entity: kind, entityId: id, after: { version: s.version, hash: s.hash, covers: s.covers, reason } });
		await k.record(tx, row, `signoff.review_${decision}`, by.personId, { version: s.version, code: shortCode(s.hash), reason }, now, false);
		return after(tx, k, id);
	});
}

/**
 * Approves the exact hash the request names, proven with a second factor at this moment. With the row locked, the
 * request must still be open: of two leaders acting at once, one wins and the other is told who decided.
 */
export async function approveStep(kind: SignKind, id: string, input: ApproveInput, by: SignoffActor, now: Date = new Date()): Promise<SignedState> {
	const k = adapter(kind);
	const ref = { kind, id };
	if (!(await k.visible(sql, id, by))) throw notFound();
	await signoff.precheckApproval(ref, input, by.personId);
	return sql.begin(async (tx) => {
		const row = await locked(tx, k, id, by);
		await signoff.checkRequest(tx, ref, input.requestId, by.personId, now);
		if (k.state(row).stage !== 'awaiting_signoff') throw new FieldError('id', 'signoff.not_awaiting');
		const s = await k.signable(tx, row);
		const { request, factor, complete } = await signoff.approve(tx, s, input, by, now);
		if (complete) await k.move(tx, row, { step: 'approved' }, now);
		const state = await after(tx, k, id);
		const step = request.seat === 'sign' ? 'approved' : 'countersigned';
		await audit(tx, by.actor, {
			action: `${kind}.${step}`,
			entity: kind,
			entityId: id,
			after: { requestId: request.id, version: s.version, hash: s.hash, covers: s.covers, factor, status: state.status }
		});
		await k.record(tx, row, `signoff.${step}`, by.personId, { version: s.version, code: shortCode(s.hash), factor, unit: request.unitName }, now, true);
		if (complete)
			await signoff.tellDrafter(tx, s, text('signoff.approved_notice_title', { title: s.title }), text('signoff.approved_notice_body', { name: by.name, code: shortCode(s.hash) }), now);
		return state;
	});
}

/** 驳回: needs a reason; the drafter is told, and the other seats' requests close with it. */
export async function rejectStep(kind: SignKind, id: string, input: { requestId: string; reason: string }, by: SignoffActor, now: Date = new Date()): Promise<SignedState> {
	const k = adapter(kind);
	const reason = input.reason.trim();
	if (!reason) throw new FieldError('reason', 'signoff.reason_required');
	return sql.begin(async (tx) => {
		const row = await locked(tx, k, id, by);
		const s = await k.signable(tx, row);
		const request = await signoff.reject(tx, s, input, by, now);
		await k.move(tx, row, { step: 'rejected', reason }, now);
		await audit(tx, by.actor, { action: `${kind}.rejected`, entity: kind, entityId: id, after: { requestId: request.id, hash: s.hash, reason } });
		await k.record(tx, row, 'signoff.rejected', by.personId, { version: s.version, code: shortCode(s.hash), reason }, now, true);
		return after(tx, k, id);
	});
}

/** "不是我发起的/有疑问": the request stays undecided, and the office hears of it at once. */
export async function flagStep(kind: SignKind, id: string, input: { requestId: string; note: string }, by: SignoffActor, now: Date = new Date()): Promise<SignedState> {
	const k = adapter(kind);
	return sql.begin(async (tx) => {
		const row = await locked(tx, k, id, by);
		const request = await signoff.flag(tx, await k.signable(tx, row), input, by, now);
		const note = input.note.trim();
		await audit(tx, by.actor, { action: `${kind}.signoff_flagged`, entity: kind, entityId: id, after: { requestId: request.id, note } });
		await k.record(tx, row, 'signoff.flagged', by.personId, { note, code: shortCode(request.versionHash) }, now, false);
		return after(tx, k, id);
	});
}

/** Requests that lapsed unanswered are opened again for the seats still missing, by whoever drafts for its unit. */
export async function renewStep(kind: SignKind, id: string, by: SignoffActor, now: Date = new Date()): Promise<SignedState> {
	const k = adapter(kind);
	if (!by.roles.some((r) => (DRAFTER_ROLE_LIST as readonly string[]).includes(r))) throw forbidden();
	return sql.begin(async (tx) => {
		const row = await locked(tx, k, id, by);
		if (!(await k.works(tx, row, by))) throw forbidden();
		if (k.state(row).stage !== 'awaiting_signoff') throw new FieldError('id', 'signoff.not_awaiting');
		const seats = await signoff.renew(tx, await k.signable(tx, row), await requestsOf(tx, { kind, id }), by, now);
		await k.record(tx, row, 'signoff.renewed', by.personId, { seats }, now, false);
		return after(tx, k, id);
	});
}
