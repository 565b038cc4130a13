import { toIso } from '../../time.ts';
import type { Tx } from '../db.ts';
import { visibleSubjects, withoutQuotes, type CanSee, type Reader } from '../subjects.ts';
import type { ClockRow, Subject } from './queries.ts';

/** The other subject a cancel reason quotes, if it says which. */
export const cancelAbout = (c: Pick<ClockRow, 'cancelAboutSubject' | 'cancelAboutId'>): Subject | null =>
	c.cancelAboutSubject && c.cancelAboutId ? { type: c.cancelAboutSubject, id: c.cancelAboutId } : null;

// Reasons written before a cancellation kept which subject it quotes: their quotation is never shown.
const QUOTES_ANOTHER = /^(合并到“.*”|纳入“.*”的时限)$/s;

/** The cancel reason as this reader may read it: another subject's title only when they may see that subject. */
function reasonSeen(c: ClockRow, canSee: CanSee): string | null {
	if (c.cancelReason === null) return null;
	const about = cancelAbout(c);
	if (about ? canSee(about) : !QUOTES_ANOTHER.test(c.cancelReason)) return c.cancelReason;
	return withoutQuotes(c.cancelReason);
}

/** A clock as the interface and the API see it; `canSee` answers for the subjects its cancel reason may quote. */
export function clockOut(c: ClockRow, canSee: CanSee) {
	return {
		id: c.id,
		ruleKey: c.ruleKey,
		ruleName: c.ruleName,
		subject: c.subject,
		subjectId: c.subjectId,
		unitId: c.unitId,
		satisfiedBy: c.satisfiedBy,
		startsAt: toIso(c.startsAt),
		dueAt: toIso(c.dueAt),
		status: c.status,
		satisfiedAt: c.satisfiedAt ? toIso(c.satisfiedAt) : null,
		breachedAt: c.breachedAt ? toIso(c.breachedAt) : null,
		cancelledAt: c.cancelledAt ? toIso(c.cancelledAt) : null,
		cancelReason: reasonSeen(c, canSee),
		calendarWarning: c.calendarWarning
	};
}
export type ClockOut = ReturnType<typeof clockOut>;

/** A subject's clocks as `reader` sees them. */
export async function clocksSeen(db: Tx, clocks: ClockRow[], reader: Reader): Promise<ClockOut[]> {
	const canSee = await visibleSubjects(db, clocks.flatMap((c) => cancelAbout(c) ?? []), reader);
	return clocks.map((c) => clockOut(c, canSee));
}
