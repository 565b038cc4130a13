// What a page shows of something's sign-off, and of one request, for the person reading it.
import type { Tx } from '../db.ts';
import { notFound } from '../errors.ts';
import { hasPasskey } from '../passkeys/index.ts';
import { requestState, signersOf } from './flows.ts';
import { approvalOut, requestOut, reviewOut } from './out.ts';
import { approvalsOf, getRequest, requestsOf, reviewsOf, type SignRef } from './queries.ts';
import { waitingOn } from './waiting.ts';

/**
 * Its requests, reviews and approvals; the requests this person may decide now; whether a request of the current
 * `hash` lapsed unanswered (the drafter may ask again); and whom it waits for at its `stage` (waiting.ts).
 */
export async function signoffSeen(db: Tx, s: { ref: SignRef; hash: string; unitId: string; stage: string | null }, personId: string, now: Date) {
	const { ref, hash } = s;
	const [requests, reviews, approvals, waiting] = await Promise.all([
		requestsOf(db, ref),
		reviewsOf(db, ref),
		approvalsOf(db, ref),
		waitingOn(db, ref, s.unitId, s.stage, now)
	]);
	const mine: string[] = [];
	for (const q of requests) if (requestState(q, now) === 'open' && (await signersOf(db, q.unitId)).includes(personId)) mine.push(q.id);
	return {
		requests: requests.map((q) => requestOut(q, now)),
		reviews: reviews.map(reviewOut),
		approvals: approvals.map(approvalOut),
		mine,
		lapsed: requests.some((q) => q.versionHash === hash && requestState(q, now) === 'expired'),
		waiting
	};
}

/** One request as the leader sees it before deciding: the reviews and standing approvals of its hash, and whether it is theirs. */
export async function requestSeen(db: Tx, ref: SignRef, requestId: string, personId: string, now: Date) {
	const row = await getRequest(db, ref, requestId);
	if (!row) throw notFound();
	const [reviews, approvals, signers, passkey] = await Promise.all([reviewsOf(db, ref), approvalsOf(db, ref), signersOf(db, row.unitId), hasPasskey(db, personId)]);
	return {
		row,
		request: requestOut(row, now),
		reviews: reviews.filter((x) => x.versionHash === row.versionHash).map(reviewOut),
		approvals: approvals.filter((a) => a.versionHash === row.versionHash && !a.voidedAt).map(approvalOut),
		mayDecide: signers.includes(personId),
		hasPasskey: passkey
	};
}
