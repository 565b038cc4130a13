// The calendar's transitions: a year entered from the State Council's notice, and the deadlines that were
// counted Monday to Friday for want of it, set right in the same transaction.
import { listOf } from '../../i18n/list.ts';
import { m } from '../../paraglide/messages.js';
import { audit, type Actor } from '../audit/index.ts';
import { rescheduleClocks, addWorkingDays, cstMidnight, yearsReached } from '../clocks/index.ts';
import { sql, type Tx } from '../db.ts';
import { FieldError } from '../errors.ts';
import { daysOf, getYear, loadCalendar, replaceYear, type CalendarDay } from './queries.ts';

/** 「日历未更新：2027年的节假日安排尚未录入，按周一至周五计算」, naming every year counted that way. */
export function calendarWarning(years: number[]): string | undefined {
	return years.length ? m['calendar.warning']({ years: listOf(years.map((year) => m['calendar.year']({ year }))) }) : undefined;
}

/** The n-th working day after `date` (a China date), and the warning when a year had to be counted Monday to Friday. */
export async function workingDaysAfter(db: Tx, date: string, days: number): Promise<{ date: string; warning?: string }> {
	const start = cstMidnight(date);
	const { lastDay, fallbackYears } = addWorkingDays(start, days, await loadCalendar(db, ...yearsReached(start, days, 'working_days')));
	const warning = calendarWarning(fallbackYears);
	return warning ? { date: lastDay, warning } : { date: lastDay };
}

export interface Notice {
	year: number;
	source: string;
	holidays: { name: string; from: string; to: string }[];
	workdays: string[];
}

/** A real date written YYYY-MM-DD: 2027-02-30 is not one. */
function isDate(s: string): boolean {
	const m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(s);
	if (!m) return false;
	const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
	return d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}
const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();
const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;
const dateOf = (n: number) => new Date(n * 86_400_000).toISOString().slice(0, 10);

/** The notice as calendar rows; a mistake is refused naming the row and the field, in Chinese. */
export function noticeDays(notice: Notice): CalendarDay[] {
	const { year } = notice;
	const holidays = new Map<string, { name: string; row: number }>();
	notice.holidays.forEach((h, i) => {
		const row = i + 1;
		const field = (f: string) => `holidays.${i}.${f}`;
		if (!h.name.trim()) throw new FieldError(field('name'), 'calendar.error.holiday_required', { row });
		for (const f of ['from', 'to'] as const) {
			if (!h[f]) throw new FieldError(field(f), 'calendar.error.holiday_required', { row });
			if (!isDate(h[f])) throw new FieldError(field(f), 'calendar.error.holiday_date', { row });
			if (Number(h[f].slice(0, 4)) !== year) throw new FieldError(field(f), 'calendar.error.holiday_year', { row, year });
		}
		if (h.to < h.from) throw new FieldError(field('to'), 'calendar.error.holiday_order', { row });
		for (let d = dayNumber(h.from); d <= dayNumber(h.to); d++) {
			const date = dateOf(d);
			const other = holidays.get(date);
			if (other) throw new FieldError(field('from'), 'calendar.error.holiday_overlap', { row, other: other.row, date });
			holidays.set(date, { name: h.name.trim(), row });
		}
	});
	const workdays = new Map<string, string>();
	for (const date of notice.workdays) {
		if (!isDate(date)) throw new FieldError('workdays', 'calendar.error.workday_date', { date });
		if (Number(date.slice(0, 4)) !== year) throw new FieldError('workdays', 'calendar.error.workday_year', { date, year });
		if (weekday(date) !== 0 && weekday(date) !== 6) throw new FieldError('workdays', 'calendar.error.workday_weekday', { date });
		const holiday = holidays.get(date);
		if (holiday) throw new FieldError('workdays', 'calendar.error.workday_holiday', { date, row: holiday.row });
		workdays.set(date, nearestHoliday(date, notice.holidays));
	}
	return [
		...[...holidays].map(([date, h]) => ({ date, kind: 'holiday' as const, name: h.name })),
		...[...workdays].map(([date, name]) => ({ date, kind: 'workday' as const, name }))
	].sort((a, b) => a.date.localeCompare(b.date));
}

/** An adjusted working day is named after the holiday it pays for: the nearest one. */
function nearestHoliday(date: string, holidays: Notice['holidays']): string {
	const d = dayNumber(date);
	let best = { name: '', distance: Infinity };
	for (const h of holidays) {
		const distance = Math.min(Math.abs(dayNumber(h.from) - d), Math.abs(dayNumber(h.to) - d));
		if (distance < best.distance) best = { name: h.name.trim(), distance };
	}
	return best.name;
}

/**
 * The office enters a year from the State Council's notice: the year's rows are replaced, the change is
 * audited, and every deadline that had counted that year Monday to Friday is recounted and looked at again.
 */
export async function enterYear(notice: Notice, actor: Actor, at: Date = new Date()) {
	const days = noticeDays(notice);
	return sql.begin(async (tx) => {
		const before = await getYear(tx, notice.year);
		const beforeDays = before ? await daysOf(tx, notice.year) : [];
		await replaceYear(tx, { year: notice.year, origin: 'notice', source: notice.source, enteredBy: actor.personId, days }, at);
		const moved = await rescheduleClocks(tx, [notice.year], actor.personId, at, { replan: true });
		await audit(tx, actor, {
			action: 'calendar.year_entered',
			entity: 'calendar_year',
			entityId: String(notice.year),
			before: before ? { origin: before.origin, source: before.source, days: beforeDays } : null,
			after: { origin: 'notice', source: notice.source, days, rescheduled: moved }
		});
		return { year: notice.year, rescheduled: moved.length };
	});
}
