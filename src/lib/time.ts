// Every time is shown in China Standard Time, whatever the device's own zone, in the reader's language.
import { getLocale } from './paraglide/runtime.js';

const TZ = 'Asia/Shanghai';

/** How far a time sent as "now" may lie ahead of the server's clock: a phone's clock runs a little fast. */
export const CLOCK_SKEW_MS = 5 * 60_000;

const parts = new Intl.DateTimeFormat('zh-CN', {
	timeZone: TZ,
	year: 'numeric',
	month: 'numeric',
	day: 'numeric',
	hour: '2-digit',
	minute: '2-digit',
	second: '2-digit',
	hourCycle: 'h23'
});

function cst(d: Date) {
	const p = Object.fromEntries(parts.formatToParts(d).map((x) => [x.type, x.value]));
	return { y: p.year!, mo: p.month!, d: p.day!, h: p.hour!, mi: p.minute!, s: p.second! };
}

/** The reader's language as Intl names it: English dates read "22 November 2026", in 24-hour time. */
const intlLocale = () => (getLocale() === 'en' ? 'en-GB' : 'zh-CN');
const formatters = new Map<string, Intl.DateTimeFormat>();
function format(value: Date, fields: 'date' | 'date_time' | 'month_day'): string {
	const locale = intlLocale();
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
	if (c.h !== '00' || c.mi !== '00' || c.s !== '00') return formatDateTime(at);
	return `${format(new Date(at.getTime() - 1000), 'date')} 24:00`;
}

/** `14:05` on the same day in China as `now`, else `11月22日 14:05`: when a kept copy was fetched. */
export function formatTimeOfDay(value: Date | number, now: Date | number = Date.now()): string {
	const c = cst(new Date(value));
	const today = cst(new Date(now));
	const time = `${c.h}:${c.mi}`;
	return c.y === today.y && c.mo === today.mo && c.d === today.d ? time : `${format(new Date(value), 'month_day')} ${time}`;
}

/** `2026年11月22日` */
export function formatDate(value: Date | string): string {
	return format(new Date(value), 'date');
}

/** The hour of day in China, for greetings. */
export function cstHour(value: Date): number {
	return Number(cst(value).h);
}

/** ISO 8601 with the +08:00 offset: `2026-11-22T14:05:00+08:00`. */
export function toIso(value: Date): string {
	const c = cst(value);
	const pad = (x: string) => x.padStart(2, '0');
	return `${c.y}-${pad(c.mo)}-${pad(c.d)}T${c.h}:${c.mi}:${c.s}+08:00`;
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
