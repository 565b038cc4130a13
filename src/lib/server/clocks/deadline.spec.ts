// Working days on the State Council's real calendars (the chinese-days data the app is seeded with): the
// long holidays with their worked Saturdays and Sundays, and the honest fallback for a year nobody entered.
import { describe, expect, it } from 'vitest';
import { packageYears } from '../calendar/seed.ts';
import { toIso } from '../../time.ts';
import { addWorkingDays, countWorkingDays, dueAt, isWorkingDay, NO_CALENDAR, type Calendar } from './deadline.ts';

function calendarOf(years: number[]): Calendar {
	const days = packageYears()
		.filter((y) => years.includes(y.year))
		.flatMap((y) => y.days);
	return {
		years: new Set(years),
		holidays: new Map(days.filter((d) => d.kind === 'holiday').map((d) => [d.date, d.name])),
		workdays: new Map(days.filter((d) => d.kind === 'workday').map((d) => [d.date, d.name]))
	};
}

const cal = calendarOf([2024, 2025, 2026]);
/** A wall-clock time in China: `cst('2025-01-24T16:00')`. */
const cst = (local: string) => new Date(`${local}:00+08:00`);
const after = (start: Date, n: number, c: Calendar = cal) => addWorkingDays(start, n, c);

describe('a day of the calendar', () => {
	it('is off on the Spring Festival 2025 holiday and worked on the Sunday and Saturday that pay for it', () => {
		for (const date of ['2025-01-28', '2025-01-31', '2025-02-03', '2025-02-04']) expect(isWorkingDay(cal, date)).toBe(false);
		expect(isWorkingDay(cal, '2025-01-26')).toBe(true);
		expect(isWorkingDay(cal, '2025-02-08')).toBe(true);
		expect(isWorkingDay(cal, '2025-02-09')).toBe(false);
		expect(isWorkingDay(cal, '2025-02-05')).toBe(true);
		expect(cal.holidays.get('2025-01-29')).toBe('春节');
	});

	it('is off on National Day 2025 and worked on Sunday 28 September and Saturday 11 October', () => {
		for (let d = 1; d <= 8; d++) expect(isWorkingDay(cal, `2025-10-0${d}`)).toBe(false);
		expect(isWorkingDay(cal, '2025-09-28')).toBe(true);
		expect(isWorkingDay(cal, '2025-10-11')).toBe(true);
		expect(isWorkingDay(cal, '2025-10-09')).toBe(true);
		expect(cal.holidays.get('2025-10-06')).toBe('中秋');
	});

	it('falls back to Monday to Friday in a year the calendar does not know', () => {
		expect(isWorkingDay(cal, '2027-01-01')).toBe(true);
		expect(isWorkingDay(cal, '2027-01-02')).toBe(false);
		expect(isWorkingDay(NO_CALENDAR, '2025-01-26')).toBe(false);
	});
});

describe('n working days after a day', () => {
	it('never counts the start day and ends at 24:00 China time of the last working day', () => {
		// Published on Friday afternoon: Monday, Tuesday, Wednesday.
		const r = after(cst('2024-03-08T16:00'), 3);
		expect(r.lastDay).toBe('2024-03-13');
		expect(toIso(r.due)).toBe('2024-03-14T00:00:00+08:00');
		expect(r.due.toISOString()).toBe('2024-03-13T16:00:00.000Z');
		expect(r.fallbackYears).toEqual([]);
	});

	it('takes the China date of the start, whatever the hour in UTC', () => {
		// 01:30 on Tuesday in Beijing is still Monday in UTC.
		expect(after(new Date('2024-03-11T17:30:00Z'), 1).lastDay).toBe('2024-03-13');
		expect(after(cst('2024-03-11T23:59'), 1).lastDay).toBe('2024-03-12');
	});

	it('skips Spring Festival 2025 and counts the Saturday worked after it', () => {
		// Friday 24 January: Sunday 26 (worked), Monday 27, then 28 January to 4 February off.
		expect(after(cst('2025-01-24T10:00'), 3).lastDay).toBe('2025-02-05');
		// Thursday 6 February: Friday 7, Saturday 8 (worked), Monday 10.
		expect(after(cst('2025-02-06T10:00'), 3).lastDay).toBe('2025-02-10');
	});

	it('counts from a document published on an adjusted working Sunday, without counting that Sunday', () => {
		const r = after(cst('2025-01-26T15:00'), 3);
		expect(r.lastDay).toBe('2025-02-06');
		expect(toIso(r.due)).toBe('2025-02-07T00:00:00+08:00');
		// Sunday 28 September 2025, before National Day: 29, 30 September, then 9 October.
		expect(after(cst('2025-09-28T09:00'), 3).lastDay).toBe('2025-10-09');
		expect(after(cst('2025-09-28T09:00'), 5).lastDay).toBe('2025-10-11');
	});

	it('spans National Day 2025 with its adjusted Saturday', () => {
		expect(after(cst('2025-09-30T18:00'), 3).lastDay).toBe('2025-10-11');
		// 9, 10, 11 (Saturday), 13–17, 20, 21 October.
		expect(after(cst('2025-09-30T18:00'), 10).lastDay).toBe('2025-10-21');
	});

	it('follows 2026 as the package has it: Spring Festival 15–23 February, National Day 1–7 October', () => {
		// Friday 13 February 2026: Saturday 14 (worked), then 15–23 off.
		expect(after(cst('2026-02-13T10:00'), 3).lastDay).toBe('2026-02-25');
		// Thursday 26 February: Friday 27, Saturday 28 (worked), Monday 2 March.
		expect(after(cst('2026-02-26T10:00'), 3).lastDay).toBe('2026-03-02');
		// Sunday 20 September 2026 is worked; Mid-Autumn takes 25–27 September.
		expect(isWorkingDay(cal, '2026-09-20')).toBe(true);
		expect(after(cst('2026-09-24T10:00'), 3).lastDay).toBe('2026-09-30');
		// 30 September: 8, 9 and the worked Saturday 10 October.
		expect(after(cst('2026-09-30T10:00'), 3).lastDay).toBe('2026-10-10');
		expect(toIso(after(cst('2026-09-30T10:00'), 3).due)).toBe('2026-10-11T00:00:00+08:00');
	});

	it('counts New Year 2026 off and the Sunday after it worked', () => {
		// Wednesday 31 December 2025: 1–3 January off, Sunday 4 worked, Monday 5.
		expect(after(cst('2025-12-31T10:00'), 2).lastDay).toBe('2026-01-05');
	});

	it('counts a year with no data Monday to Friday and names it', () => {
		// Wednesday 30 December 2026: Thursday 31, then Friday 1 January 2027 as if worked, Monday 4.
		const r = after(cst('2026-12-30T10:00'), 3);
		expect(r.lastDay).toBe('2027-01-04');
		expect(r.fallbackYears).toEqual([2027]);
		// Entirely inside the known year: no warning, even in late December.
		expect(after(cst('2026-12-29T10:00'), 2).fallbackYears).toEqual([]);
		expect(after(cst('2027-12-30T10:00'), 3).fallbackYears).toEqual([2027, 2028]);
	});

	it('counts zero working days as the end of the start day', () => {
		expect(toIso(after(cst('2025-02-01T10:00'), 0).due)).toBe('2025-02-02T00:00:00+08:00');
	});

	it('counts back the working days of a deadline', () => {
		expect(countWorkingDays(cst('2025-01-24T10:00'), '2025-02-05', cal)).toBe(3);
		expect(countWorkingDays(cst('2025-09-30T18:00'), '2025-10-21', cal)).toBe(10);
		expect(countWorkingDays(cst('2026-12-30T10:00'), '2027-01-04', cal)).toBe(3);
	});

	it('keeps clock hours through holidays', () => {
		expect(dueAt(cst('2025-01-28T10:00'), 5, 'hours', cal)).toEqual(cst('2025-01-28T15:00'));
		expect(dueAt(cst('2025-01-24T10:00'), 3, 'working_days', cal)).toEqual(cst('2025-02-06T00:00'));
	});
});
