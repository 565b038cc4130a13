import { render, type MessageKey, type Text } from '../../i18n/index.ts';
import { toIso } from '../../time.ts';
import type { Tx } from '../db.ts';
import { storedText } from '../notify/index.ts';
import { notVisible, visibleSubjects, withoutQuotes, type CanSee, type Reader } from '../subjects.ts';
import type { ClockRow, Subject } from './queries.ts';

/** The other subject a cancel reason quotes, if it says which. */
export const cancelAbout = (c: Pick<ClockRow, 'cancelAboutSubject' | 'cancelAboutId'>): Subject | null =>
	c.cancelAboutSubject && c.cancelAboutId ? { type: c.cancelAboutSubject, id: c.cancelAboutId } : null;

// The reasons that quote another subject's title (their `title` parameter). Written before a cancellation kept
// which subject it quotes, the quotation is never shown.
const QUOTES_ANOTHER = new Set<MessageKey>(['clock.cancel.merged', 'clock.cancel.under_incident']);

/** The reason with the other subject's title replaced by 不在您的查看范围内 (words kept verbatim: their quotation). */
export function withoutQuotedTitle(reason: Text): Text {
	if (QUOTES_ANOTHER.has(reason.key)) return { key: reason.key, params: { ...reason.params, title: notVisible() } };
	const words = reason.key === 'common.verbatim' ? reason.params?.text : undefined;
	return typeof words === 'string' ? { key: reason.key, params: { text: withoutQuotes(words) } } : reason;
}

/** The cancel reason as this reader may read it, in their language: another subject's title only when they may see it. */
function reasonSeen(c: ClockRow, canSee: CanSee): string | null {
	if (c.cancelReason === null) return null;
	const reason = storedText(c.cancelReason);
	const about = cancelAbout(c);
	if (about ? canSee(about) : !QUOTES_ANOTHER.has(reason.key)) return render(reason);
	return render(withoutQuotedTitle(reason));
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
