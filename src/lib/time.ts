// Every time is shown in China Standard Time, whatever the device's own zone, in the reader's language.
import { m } from './paraglide/messages.js';
import { getLocale } from './paraglide/runtime.js';

const TZ = 'Asia/Shanghai';

/** How far a time sent as "now" may lie ahead of the server's clock: a phone's clock runs a little fast. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * China Standard Time is UTC+8 all year and has been since 1992 (no daylight saving), and every time Huiying holds is
 * from 2000 on (`EARLIEST`), so a wall-clock time in Beijing is the instant shifted by eight hours: arithmetic, not
 * `Intl` (whose `formatToParts` was a tenth of the CPU of a list page, once per time of every row).
 */
const CST_OFFSET_MS = 8 * 3_600_000;

function cst(d: Date) {
	const ms = d.getTime();
	if (Number.isNaN(ms)) throw new RangeError('Invalid time value');
	const t = new Date(ms + CST_OFFSET_MS);
	return { y: t.getUTCFullYear(), mo: t.getUTCMonth() + 1, d: t.getUTCDate(), h: t.getUTCHours(), mi: t.getUTCMinutes(), s: t.getUTCSeconds() };
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** The reader's language as Intl names it: English dates read "22 November 2026", in 24-hour time. */
const intlLocale = () => (getLocale() === 'en' ? 'en-GB' : 'zh-CN');
const formatters = new Map<string, Intl.DateTimeFormat>();
function format(value: Date, fields: 'date' | 'date_time' | 'month_day'): string {
	const locale = intlLocale();
	if (locale === 'zh-CN') {
		// What Intl writes for zh-CN with these fields (time.spec.ts compares the two over the years Huiying holds).
		const c = cst(value);
		if (fields === 'month_day') return m['time.month_day']({ month: c.mo, day: c.d }, { locale: 'zh-CN' });
		const date = m['time.date']({ year: c.y, month: c.mo, day: c.d }, { locale: 'zh-CN' });
		return fields === 'date' ? date : `${date} ${pad2(c.h)}:${pad2(c.mi)}`;
	}
	const id = `${locale} ${fields}`;
	let f = formatters.get(id);
	if (!f) {
		const day = { month: 'long', day: 'numeric' } as const;
		const options: Intl.DateTimeFormatOptions =
			fields === 'month_day' ? day : fields === 'date' ? { ...day, year: 'numeric' } : { ...day, year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
		f = new Intl.DateTimeFormat(locale, { timeZone: TZ, ...options });
		formatters.set(id, f);
	}
	return f.format(value);
}

/** `2026年11月22日 14:05` (English: `22 November 2026 at 14:05`) */
export function formatDateTime(value: Date | string): string {
	return format(new Date(value), 'date_time');
}

/**
 * A deadline: one at midnight is the end of the day before (`2026年11月26日 24:00`), as a working-day
 * deadline is read ("by the close of Thursday"), not the start of the next.
 */
export function formatDeadline(value: Date | string): string {
	const at = new Date(value);
	const c = cst(at);
	if (c.h !== 0 || c.mi !== 0 || c.s !== 0) return formatDateTime(at);
	return `${format(new Date(at.getTime() - 1000), 'date')} 24:00`;
}

/** `14:05` on the same day in China as `now`, else `11月22日 14:05`: when a kept copy was fetched. */
export function formatTimeOfDay(value: Date | number, now: Date | number = Date.now()): string {
	const c = cst(new Date(value));
	const today = cst(new Date(now));
	const time = `${pad2(c.h)}:${pad2(c.mi)}`;
	return c.y === today.y && c.mo === today.mo && c.d === today.d ? time : `${format(new Date(value), 'month_day')} ${time}`;
}

/** `2026年11月22日` */
export function formatDate(value: Date | string): string {
	return format(new Date(value), 'date');
}

/** The hour of day in China, for greetings. */
export function cstHour(value: Date): number {
	return cst(value).h;
}

/** ISO 8601 with the +08:00 offset: `2026-11-22T14:05:00+08:00`. */
export function toIso(value: Date): string {
	const c = cst(value);
	return `${c.y}-${pad2(c.mo)}-${pad2(c.d)}T${pad2(c.h)}:${pad2(c.mi)}:${pad2(c.s)}+08:00`;
}

/** The value of a `datetime-local` input showing `value` in China time: `2026-11-22T14:05`. */
export function toCstInput(value: Date): string {
	return toIso(value).slice(0, 16);
}

/** Reads a `datetime-local` value as China time, whatever the device's zone; null when empty or malformed. */
export function fromCstInput(value: string): Date | null {
	if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return null;
	const d = new Date(`${value}:00+08:00`);
	return Number.isNaN(d.getTime()) ? null : d;
}
