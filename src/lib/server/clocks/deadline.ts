// When a clock falls due. Clock hours run through nights and holidays; working days follow the
// State Council's calendar, and a year nobody has entered yet falls back to Monday to Friday, said aloud.

export type DurationUnit = 'hours' | 'working_days';

/** The working-day calendar of some years: what is known, what is off, and which weekend days are worked (调休). */
export interface Calendar {
	years: ReadonlySet<number>;
	/** holiday date (YYYY-MM-DD) → its name, e.g. 春节 */
	holidays: ReadonlyMap<string, string>;
	/** adjusted working day (调休上班, always a Saturday or Sunday) → the holiday it pays for */
	workdays: ReadonlyMap<string, string>;
}

export const NO_CALENDAR: Calendar = { years: new Set(), holidays: new Map(), workdays: new Map() };

export interface WorkingDays {
	/** 24:00 China time at the end of the last working day */
	due: Date;
	/** the last working day, a China date (YYYY-MM-DD) */
	lastDay: string;
	/** years counted Monday to Friday because the calendar does not know them, in order */
	fallbackYears: number[];
}

const CST_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

const yearOf = (isoDate: string) => Number(isoDate.slice(0, 4));

function isWeekend(isoDate: string): boolean {
	const day = new Date(`${isoDate}T00:00:00Z`).getUTCDay();
	return day === 0 || day === 6;
}

/** The China date (YYYY-MM-DD) of an instant. */
export function cstDate(at: Date | number): string {
	return new Date((typeof at === 'number' ? at : at.getTime()) + CST_OFFSET_MS).toISOString().slice(0, 10);
}

/** 00:00 China time of a China date. */
export function cstMidnight(isoDate: string): Date {
	return new Date(`${isoDate}T00:00:00+08:00`);
}

/** Whether the calendar knows the date's year; an unknown year is counted Monday to Friday. */
export function knowsDate(cal: Calendar, isoDate: string): boolean {
	return cal.years.has(yearOf(isoDate));
}

/** A working day: Monday to Friday and not a holiday, or an adjusted working day; Monday to Friday in an unknown year. */
export function isWorkingDay(cal: Calendar, isoDate: string): boolean {
	if (!knowsDate(cal, isoDate)) return !isWeekend(isoDate);
	if (cal.workdays.has(isoDate)) return true;
	return !isWeekend(isoDate) && !cal.holidays.has(isoDate);
}

/**
 * The end (24:00 China time) of the n-th working day after the day of `start`; the start day itself never
 * counts. A document published on Friday with 3 working days is due at the close of Wednesday.
 */
export function addWorkingDays(start: Date, n: number, cal: Calendar = NO_CALENDAR): WorkingDays {
	let day = cstMidnight(cstDate(start)).getTime();
	let lastDay = cstDate(day);
	const fallback = new Set<number>();
	let counted = 0;
	while (counted < n) {
		day += DAY_MS;
		const date = cstDate(day);
		if (!knowsDate(cal, date)) fallback.add(yearOf(date));
		if (isWorkingDay(cal, date)) {
			counted++;
			lastDay = date;
		}
	}
	return { due: new Date(cstMidnight(lastDay).getTime() + DAY_MS), lastDay, fallbackYears: [...fallback].sort((a, b) => a - b) };
}

/** How many working days lie after the day of `start`, up to and including `lastDay`. */
export function countWorkingDays(start: Date, lastDay: string, cal: Calendar): number {
	let n = 0;
	for (let day = cstMidnight(cstDate(start)).getTime() + DAY_MS; cstDate(day) <= lastDay; day += DAY_MS)
		if (isWorkingDay(cal, cstDate(day))) n++;
	return n;
}

/** The years a deadline of `value` in `unit` from `start` can reach: a year holds well over 200 working days. */
export function yearsReached(start: Date, value: number, unit: DurationUnit): [from: number, to: number] {
	const from = yearOf(cstDate(start));
	return unit === 'hours' ? [from, yearOf(cstDate(start.getTime() + value * 3_600_000))] : [from, from + 1 + Math.floor(value / 200)];
}

/** The deadline and, for working days, the years it had to count Monday to Friday. */
export function deadline(start: Date, value: number, unit: DurationUnit, cal: Calendar = NO_CALENDAR): { due: Date; fallbackYears: number[] } {
	if (unit === 'hours') return { due: new Date(start.getTime() + value * 3_600_000), fallbackYears: [] };
	const { due, fallbackYears } = addWorkingDays(start, value, cal);
	return { due, fallbackYears };
}

export function dueAt(start: Date, value: number, unit: DurationUnit, cal?: Calendar): Date {
	return deadline(start, value, unit, cal).due;
}
