// The quick answers to "when did it happen?" become real times the moment they are chosen.
import { describe, expect, it } from 'vitest';
import { agoWords, occurredInput } from './occurred.ts';

const NOW = Date.parse('2026-11-22T14:05:40+08:00');
const MINUTE = 60_000;

describe('a quick choice of the time of occurrence', () => {
	it('stands for a time in China, to the minute, counted back from when it is chosen', () => {
		expect(occurredInput('now', NOW)).toBe('2026-11-22T14:05');
		expect(occurredInput('min30', NOW)).toBe('2026-11-22T13:35');
		expect(occurredInput('hour1', NOW)).toBe('2026-11-22T13:05');
		expect(occurredInput('hour1', Date.parse('2026-11-23T00:20:00+08:00'))).toBe('2026-11-22T23:20');
	});

	it('leaves a picked time to the picker', () => {
		expect(occurredInput('other', NOW)).toBeNull();
	});
});

describe('how long ago, in words', () => {
	it('says 刚才 within the minute, then minutes, hours and days', () => {
		expect(agoWords(NOW - 20_000, NOW)).toBe('刚才');
		expect(agoWords(NOW - 30 * MINUTE, NOW)).toBe('30分钟前');
		expect(agoWords(NOW - 60 * MINUTE, NOW)).toBe('1小时前');
		expect(agoWords(NOW - 95 * MINUTE, NOW)).toBe('1小时35分钟前');
		expect(agoWords(NOW - 50 * 60 * MINUTE, NOW)).toBe('2天前');
	});

	it('says when a time lies ahead of now, beyond the minute a phone clock may be off', () => {
		expect(agoWords(NOW + 30_000, NOW)).toBe('刚才');
		expect(agoWords(NOW + 10 * MINUTE, NOW)).toBe('晚于现在');
	});
});
