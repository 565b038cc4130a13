// Clocks changed under way: moved with the time they count from, handed to another unit, recounted when the
// calendar learns a year. Each change is on the subject's timeline and has the clock looked at again.
import { formatDeadline } from '../../time.ts';
import { loadCalendar } from '../calendar/index.ts';
import type { Tx } from '../db.ts';
import { enqueueTick } from '../jobs/index.ts';
import { addEvent } from '../timeline/index.ts';
import { addWorkingDays, countWorkingDays, cstDate, NO_CALENDAR, type Calendar } from './deadline.ts';
import {
	lockOpenClocks,
	setClockDue,
	setClocksUnit,
	setClockTimes,
	unitName,
	warnedClocks,
	type Anchor,
	type ClockRow,
	type Subject
} from './queries.ts';

export interface MovedClock {
	id: string;
	rule: string;
	from: Date;
	to: Date;
	calendarWarning: boolean;
}

/** What a timeline line says of a deadline that changed: both times as the screens write a deadline. */
const dueChange = (from: Date, to: Date) => ({ from: formatDeadline(from), to: formatDeadline(to), dueAt: to });

/**
 * The deadline of a working-day clock counted again from `startsAt`: as many working days as it had from its old
 * start (counted on `before`, the calendar its deadline was counted on), now counted on `calendar`. The number is
 * read off the clock, so a rule edited since does not change a running clock.
 */
function recount(
	c: { startsAt: Date; dueAt: Date },
	startsAt: Date,
	before: Calendar,
	calendar: Calendar
): { due: Date; calendarWarning: boolean } {
	const n = countWorkingDays(c.startsAt, cstDate(c.dueAt.getTime() - 1), before);
	const { due, fallbackYears } = addWorkingDays(startsAt, n, calendar);
	return { due, calendarWarning: fallbackYears.length > 0 };
}

/**
 * The time a subject's clocks count from moved by `byMs` (a corrected time of occurrence, an earlier sighting):
 * each open clock counted from `anchor` starts that much earlier or later and falls due as its rule counts from
 * there: clock hours by the same shift, working days as the same number of working days on the calendar. Each
 * move is on the timeline, and each clock is looked at again at `at`, so a notice brought forward is not missed.
 */
export async function moveClocks(tx: Tx, subject: Subject, anchor: Anchor, byMs: number, actorId: string | null, at: Date): Promise<MovedClock[]> {
	if (byMs === 0) return [];
	const clocks = await lockOpenClocks(tx, subject, anchor);
	const calendar = clocks.some((c) => c.durationUnit === 'working_days') ? await loadCalendar(tx) : NO_CALENDAR;
	const moved: MovedClock[] = [];
	for (const c of clocks) {
		const startsAt = new Date(c.startsAt.getTime() + byMs);
		const { due, calendarWarning } =
			c.durationUnit === 'hours' ? { due: new Date(c.dueAt.getTime() + byMs), calendarWarning: c.calendarWarning } : recount(c, startsAt, calendar, calendar);
		await setClockTimes(tx, c.id, { startsAt, dueAt: due, calendarWarning });
		await addEvent(tx, subject, 'clock.moved', actorId, { clockId: c.id, rule: c.ruleName, ...dueChange(c.dueAt, due) }, at);
		await enqueueTick(tx, c.id, at);
		moved.push({ id: c.id, rule: c.ruleName, from: c.dueAt, to: due, calendarWarning });
	}
	return moved;
}

/**
 * The subject passes to another unit (a new lead unit, the unit responsible by territory): its open clocks go
 * with it, and every notice from now on reaches the new unit's people. On the timeline, and looked at again at `at`.
 */
export async function reassignClocks(tx: Tx, subject: Subject, unitId: string, actorId: string | null, at: Date): Promise<Pick<ClockRow, 'id' | 'ruleName'>[]> {
	const handed = await setClocksUnit(tx, subject, unitId);
	if (!handed.length) return handed;
	const unit = await unitName(tx, unitId);
	for (const c of handed) {
		await addEvent(tx, subject, 'clock.reassigned', actorId, { clockId: c.id, rule: c.ruleName, unit }, at);
		await enqueueTick(tx, c.id, at);
	}
	return handed;
}

/**
 * The calendar learnt `years` (entered from the State Council's notice, or seeded): every open working-day clock
 * that had counted one of them Monday to Friday is counted again, the same number of working days from the same
 * start, on the calendar as it is now. On each clock's timeline; with `replan`, each is looked at again at `at`
 * (the migrator has no job queue to plan on: the pending ticks and the minute auditor act on the new times).
 */
export async function rescheduleClocks(
	db: Tx,
	years: number[],
	actorId: string | null,
	at: Date,
	{ replan }: { replan: boolean }
): Promise<MovedClock[]> {
	if (!years.length) return [];
	const clocks = await warnedClocks(db);
	if (!clocks.length) return [];
	const calendar = await loadCalendar(db);
	const before: Calendar = { ...calendar, years: new Set([...calendar.years].filter((y) => !years.includes(y))) };
	const moved: MovedClock[] = [];
	for (const c of clocks) {
		const { due, calendarWarning } = recount(c, c.startsAt, before, calendar);
		if (due.getTime() === c.dueAt.getTime() && calendarWarning) continue;
		await setClockDue(db, c.id, due, calendarWarning);
		await addEvent(db, { type: c.subject, id: c.subjectId }, 'clock.rescheduled', actorId, { clockId: c.id, rule: c.ruleName, ...dueChange(c.dueAt, due) }, at);
		if (replan) await enqueueTick(db, c.id, at);
		moved.push({ id: c.id, rule: c.ruleName, from: c.dueAt, to: due, calendarWarning });
	}
	return moved;
}
