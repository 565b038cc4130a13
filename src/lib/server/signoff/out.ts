// Sign-off records as the interface and the API see them, whatever is signed.
import { render } from '../../i18n/index.ts';
import { toIso } from '../../time.ts';
import { storedText } from '../notify/index.ts';
import { requestState, shortCode, type ServedClock } from './flows.ts';
import type { ApprovalRow, RequestRow, ReviewRow } from './queries.ts';

const iso = (d: Date | null) => (d ? toIso(d) : null);
/** A stored reason in the reader's language: the browser gets words, not the catalogue. */
const words = (reason: unknown) => (reason ? render(storedText(reason)) : null);

export const requestOut = (q: RequestRow, now: Date) => ({
	id: q.id,
	version: q.version,
	versionHash: q.versionHash,
	code: shortCode(q.versionHash),
	seat: q.seat,
	unitId: q.unitId,
	unitName: q.unitName,
	createdAt: toIso(q.createdAt),
	expiresAt: toIso(q.expiresAt),
	state: requestState(q, now),
	decidedByName: q.decidedByName,
	decidedAt: iso(q.decidedAt),
	reason: words(q.reason),
	flaggedAt: iso(q.flaggedAt),
	flagNote: q.flagNote
});

export const reviewOut = (r: ReviewRow) => ({ ...r, code: shortCode(r.versionHash), at: toIso(r.at) });
export const approvalOut = (a: ApprovalRow) => ({ ...a, code: shortCode(a.versionHash), at: toIso(a.at), voidedAt: iso(a.voidedAt), voidReason: words(a.voidReason) });
export const servedClockOut = (c: ServedClock | null) =>
	c && { id: c.id, ruleName: c.ruleName, label: c.label, dueAt: toIso(c.dueAt), status: c.status, satisfiedAt: iso(c.satisfiedAt) };
