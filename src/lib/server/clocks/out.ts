import { toIso } from '../../time.ts';
import type { ClockRow } from './queries.ts';

/** A clock as the interface and the API see it. */
export function clockOut(c: ClockRow) {
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
		cancelReason: c.cancelReason,
		calendarWarning: c.calendarWarning
	};
}
export type ClockOut = ReturnType<typeof clockOut>;
