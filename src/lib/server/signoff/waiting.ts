// Whom a submitted release or document waits for now, by name: what the drafter is told after 提交审签, from the
// same records the sign-off itself reads, so the confirmation and the status never disagree.
import { recipientsFor } from '../clocks/index.ts';
import type { Tx } from '../db.ts';
import { chainOf, requestsOf, type SignRef } from './queries.ts';

export type Waiting =
	| { step: 'review'; people: string[] }
	| { step: 'sign'; seats: { seat: 'sign' | 'countersign'; unitName: string; people: string[] }[] };

/**
 * `stage` is the subject's own: in_review waits for the unit's confidentiality reviewers; awaiting_signoff for the
 * people asked by each request still open (the leader in charge, else the principal, as they were notified).
 * Null when nobody is awaited: not submitted, decided, or every request lapsed (then the page offers 重新送签).
 */
export async function waitingOn(db: Tx, ref: SignRef, unitId: string, stage: string | null, now: Date = new Date()): Promise<Waiting | null> {
	if (stage === 'in_review') {
		const { confidentialityReviewerIds: ids } = await chainOf(db, unitId);
		const people = await db<{ name: string }[]>`select name from people where id = any(${ids}::uuid[]) and active order by name`;
		return { step: 'review', people: people.map((p) => p.name) };
	}
	if (stage !== 'awaiting_signoff') return null;
	const open = (await requestsOf(db, ref)).filter((q) => q.status === 'open' && q.expiresAt > now);
	if (!open.length) return null;
	const seats = [];
	for (const q of open) {
		const leaders = await recipientsFor(db, q.unitId, 'leader_in_charge');
		const people = leaders.length ? leaders : await recipientsFor(db, q.unitId, 'principal');
		seats.push({ seat: q.seat, unitName: q.unitName, people: people.map((p) => p.name) });
	}
	return { step: 'sign', seats };
}
