import { describe, expect, it } from 'vitest';
import { inLocale } from './server/locale.ts';
import { formatDate, formatDateTime, formatDeadline, formatTimeOfDay, fromCstInput, toCstInput, toIso } from './time.ts';

describe('times in China Standard Time', () => {
	it('shows a UTC instant as the wall-clock time in Beijing', () => {
		expect(formatDateTime(new Date('2026-11-22T06:05:00Z'))).toBe('2026年11月22日 14:05');
	});
	it('crosses midnight into the next Chinese day', () => {
		expect(formatDateTime('2026-12-31T16:30:00Z')).toBe('2027年1月1日 00:30');
	});
	it('writes ISO 8601 with the +08:00 offset', () => {
		expect(toIso(new Date('2026-11-22T06:05:09Z'))).toBe('2026-11-22T14:05:09+08:00');
	});
});

describe('the occurrence time field', () => {
	it('shows and reads China time whatever the device zone', () => {
		const d = new Date('2026-11-22T15:10:00Z');
		expect(toCstInput(d)).toBe('2026-11-22T23:10');
		expect(fromCstInput('2026-11-22T23:10')?.toISOString()).toBe('2026-11-22T15:10:00.000Z');
	});
	it('treats an empty or broken value as missing', () => {
		expect(fromCstInput('')).toBeNull();
		expect(fromCstInput('2026-13-45T99:99')).toBeNull();
	});
});

describe('deadlines', () => {
	it('writes midnight as the close of the day before, the way a working-day deadline is read', () => {
		expect(formatDeadline('2026-11-27T00:00:00+08:00')).toBe('2026年11月26日 24:00');
		expect(formatDeadline('2027-01-01T00:00:00+08:00')).toBe('2026年12月31日 24:00');
	});
	it('writes any other time as it is', () => {
		expect(formatDeadline('2026-11-22T14:05:00+08:00')).toBe('2026年11月22日 14:05');
		expect(formatDeadline('2026-11-27T00:00:30+08:00')).toBe('2026年11月27日 00:00');
	});
});

describe('times in the reader\'s language', () => {
	it('writes an English reader\'s dates with the month named, still in Beijing time and 24-hour', () => {
		inLocale('en', () => {
			expect(formatDateTime('2026-11-22T06:05:00Z')).toBe('22 November 2026 at 14:05');
			expect(formatDeadline('2026-11-27T00:00:00+08:00')).toBe('26 November 2026 24:00');
			expect(formatDate('2026-11-22T06:05:00Z')).toBe('22 November 2026');
			expect(formatTimeOfDay(new Date('2026-11-21T06:05:00Z'), new Date('2026-11-22T06:05:00Z'))).toBe('21 November 14:05');
		});
		expect(formatTimeOfDay(new Date('2026-11-21T06:05:00Z'), new Date('2026-11-22T06:05:00Z'))).toBe('11月21日 14:05');
	});
});

describe('Beijing time by arithmetic', () => {
	it('writes what Intl writes for Asia/Shanghai, every few days over the years Huiying holds', () => {
		const intl = (options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', ...options });
		const dateTime = intl({ year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
		const date = intl({ year: 'numeric', month: 'long', day: 'numeric' });
		const parts = intl({ year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
		const start = Date.parse('2000-01-01T00:00:00+08:00');
		const end = Date.parse('2100-12-31T23:59:59+08:00');
		// about 3 days apart, at a different minute of the day each time
		for (let t = start, i = 0; t < end; t += 3 * 86_400_000 + 7_919_000, i++) {
			const d = new Date(t);
			expect(formatDateTime(d)).toBe(dateTime.format(d));
			expect(formatDate(d)).toBe(date.format(d));
			const p = Object.fromEntries(parts.formatToParts(d).map((x) => [x.type, x.value]));
			expect(toIso(d)).toBe(`${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}+08:00`);
		}
	});
	it('refuses an invalid time as Intl does', () => {
		expect(() => formatDateTime('not a time')).toThrow(RangeError);
	});
});
