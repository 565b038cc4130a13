import { describe, expect, it } from 'vitest';
import { formatDateTime, toIso } from './time.ts';

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
