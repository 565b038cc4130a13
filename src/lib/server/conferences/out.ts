import { isUpcoming } from '../../conferences.ts';
import { m } from '../../paraglide/messages.js';
import { formatDateTime, toIso } from '../../time.ts';
import type { ConferenceRow } from './queries.ts';

export interface LateWarning {
	clockId: string;
	ruleName: string;
	/** the clock's length in hours, from the rule (24 for the press-conference rule as seeded) */
	hours: number;
	dueAt: string;
	message: string;
}

/** Said whenever a conference still to be held is planned after the incident's open deadline. */
export function lateWarning(c: ConferenceRow): LateWarning | null {
	if (!isUpcoming(c.status) || !c.deadlineAt || !c.deadlineClockId) return null;
	if (c.plannedAt.getTime() <= c.deadlineAt.getTime()) return null;
	const hours = Math.round((c.deadlineAt.getTime() - (c.deadlineStartsAt ?? c.deadlineAt).getTime()) / 3_600_000);
	return {
		clockId: c.deadlineClockId,
		ruleName: c.deadlineRule ?? '',
		hours,
		dueAt: toIso(c.deadlineAt),
		message: m['conference.late_warning']({ hours, time: formatDateTime(c.deadlineAt) })
	};
}

/**
 * A conference as the interface and the API see it: times in China time. Its incident only when the reader may see
 * it (the row's join brings its title only then): else not even its id.
 */
export function conferenceOut(c: ConferenceRow) {
	const { deadlineClockId: _id, deadlineRule: _rule, deadlineStartsAt: _starts, deadlineAt, ...rest } = c;
	return {
		...rest,
		incidentId: c.incidentTitle === null ? null : c.incidentId,
		plannedAt: toIso(c.plannedAt),
		heldAt: c.heldAt ? toIso(c.heldAt) : null,
		createdAt: toIso(c.createdAt),
		updatedAt: toIso(c.updatedAt),
		deadlineAt: deadlineAt ? toIso(deadlineAt) : null,
		lateWarning: lateWarning(c)
	};
}
export type ConferenceOut = ReturnType<typeof conferenceOut>;
