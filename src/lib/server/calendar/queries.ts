// The working-day calendar in SQL. Columns are aliased where a name has an underscore: the seed runs on the
// migrator's connection, which does not camel-case.
import type { Tx } from '../db.ts';
import type { Calendar } from '../clocks/index.ts';

export type CalendarOrigin = 'package' | 'notice';
export type DayKind = 'holiday' | 'workday';

export interface CalendarDay {
	date: string;
	kind: DayKind;
	name: string;
}

export interface CalendarYearRow {
	year: number;
	origin: CalendarOrigin;
	source: string;
	enteredByName: string | null;
	enteredAt: Date;
}

/** The calendar of the years `from`..`to` (every year when no range is given), as the deadline functions read it. */
export async function loadCalendar(db: Tx, from = 2000, to = 2100): Promise<Calendar> {
	const years = await db<{ year: number }[]>`select year from calendar_years where year between ${from} and ${to}`;
	const days = await db<CalendarDay[]>`
		select to_char(date, 'YYYY-MM-DD') as date, kind, name from calendar_days where year between ${from} and ${to}`;
	return {
		years: new Set(years.map((y) => y.year)),
		holidays: new Map(days.filter((d) => d.kind === 'holiday').map((d) => [d.date, d.name])),
		workdays: new Map(days.filter((d) => d.kind === 'workday').map((d) => [d.date, d.name]))
	};
}

export async function listYears(db: Tx): Promise<Pick<CalendarYearRow, 'year' | 'origin'>[]> {
	return db<Pick<CalendarYearRow, 'year' | 'origin'>[]>`select year, origin from calendar_years order by year`;
}

export async function getYear(db: Tx, year: number): Promise<CalendarYearRow | undefined> {
	const [row] = await db<CalendarYearRow[]>`
		select y.year, y.origin, y.source, p.name as "enteredByName", y.entered_at as "enteredAt"
		from calendar_years y left join people p on p.id = y.entered_by
		where y.year = ${year}`;
	return row;
}

export async function daysOf(db: Tx, year: number): Promise<CalendarDay[]> {
	return db<CalendarDay[]>`
		select to_char(date, 'YYYY-MM-DD') as date, kind, name from calendar_days where year = ${year} order by date`;
}

/** The year's rows, all replaced by the ones given. */
export async function replaceYear(
	db: Tx,
	y: { year: number; origin: CalendarOrigin; source: string; enteredBy: string | null; days: CalendarDay[] },
	at: Date
): Promise<void> {
	await db`delete from calendar_days where year = ${y.year}`;
	await db`
		insert into calendar_years (year, origin, source, entered_by, entered_at)
		values (${y.year}, ${y.origin}, ${y.source}, ${y.enteredBy}, ${at})
		on conflict (year) do update set origin = excluded.origin, source = excluded.source,
			entered_by = excluded.entered_by, entered_at = excluded.entered_at`;
	await insertDays(db, y.year, y.days);
}

async function insertDays(db: Tx, year: number, days: CalendarDay[]): Promise<void> {
	if (!days.length) return;
	await db`
		insert into calendar_days (date, year, kind, name)
		select d.date, ${year}, d.kind, d.name
		from unnest(${days.map((d) => d.date)}::date[], ${days.map((d) => d.kind)}::text[], ${days.map((d) => d.name)}::text[]) as d(date, kind, name)`;
}

/**
 * Adds each year not in the calendar yet, with its days, in one statement; a year already there (entered from
 * a notice, or seeded before) is left alone. Returns the years added.
 */
export async function insertMissingYears(
	db: Tx,
	origin: CalendarOrigin,
	source: string,
	years: { year: number; days: CalendarDay[] }[]
): Promise<number[]> {
	if (!years.length) return [];
	const days = years.flatMap((y) => y.days.map((d) => ({ ...d, year: y.year })));
	const added = await db<{ year: number }[]>`
		with added as (
			insert into calendar_years (year, origin, source)
			select y, ${origin}, ${source} from unnest(${years.map((y) => y.year)}::int[]) as y
			on conflict (year) do nothing
			returning year
		), days as (
			insert into calendar_days (date, year, kind, name)
			select d.date, d.year, d.kind, d.name
			from unnest(${days.map((d) => d.date)}::date[], ${days.map((d) => d.year)}::int[],
				${days.map((d) => d.kind)}::text[], ${days.map((d) => d.name)}::text[]) as d(date, year, kind, name)
			where d.year in (select year from added)
		)
		select year from added order by year`;
	return added.map((r) => r.year);
}

export async function calendarTablesExist(db: Tx): Promise<boolean> {
	const [row] = await db<{ ok: boolean }[]>`select to_regclass('calendar_years') is not null as ok`;
	return row!.ok;
}
