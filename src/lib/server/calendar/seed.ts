// The calendar's first source: the chinese-days package, which follows the State Council's yearly notices.
// Bundled into the build, so a deployed app seeds itself with no files beside it.
import data from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import pkg from 'chinese-days/package.json' with { type: 'json' };
import type { Tx } from '../db.ts';
import { calendarTablesExist, insertMissingYears, type CalendarDay } from './queries.ts';

export const PACKAGE_SOURCE = `chinese-days ${pkg.version}`;

/** "Spring Festival,春节,4" → 春节 */
const chineseName = (value: string) => value.split(',')[1] ?? value;

/** Every year the package covers, with its holidays and adjusted working days. */
export function packageYears(): { year: number; days: CalendarDay[] }[] {
	const byYear = new Map<number, CalendarDay[]>();
	const add = (entries: Record<string, string>, kind: CalendarDay['kind']) => {
		for (const [date, value] of Object.entries(entries)) {
			const year = Number(date.slice(0, 4));
			if (!byYear.has(year)) byYear.set(year, []);
			byYear.get(year)!.push({ date, kind, name: chineseName(value) });
		}
	};
	add(data.holidays, 'holiday');
	add(data.workdays, 'workday');
	return [...byYear]
		.sort(([a], [b]) => a - b)
		.map(([year, days]) => ({ year, days: days.sort((a, b) => a.date.localeCompare(b.date)) }));
}

/**
 * Adds every year the package covers that the calendar lacks; a year entered from a notice is never
 * overwritten. Safe to run at every start; does nothing before the calendar's tables exist.
 */
export async function seedCalendar(db: Tx): Promise<number[]> {
	if (!(await calendarTablesExist(db))) return [];
	return insertMissingYears(db, 'package', PACKAGE_SOURCE, packageYears());
}
