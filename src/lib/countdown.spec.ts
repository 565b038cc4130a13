// The words on every countdown: what a press officer reads on the lock screen at 3 a.m.
import { describe, expect, it } from 'vitest';
import { formatCountdown } from './countdown.ts';

const MINUTE = 60_000;
const DUE = Date.parse('2026-11-22T04:10:00+08:00');
/** The countdown as shown `minutes` before the deadline (negative: after it). */
const before = (minutes: number) => formatCountdown(DUE, DUE - minutes * MINUTE);

describe('a countdown before the deadline', () => {
	it('gives hours and minutes left', () => {
		expect(before(3 * 60 + 12)).toBe('剩余 3小时12分');
		expect(before(5 * 60)).toBe('剩余 5小时0分');
	});

	it('drops the hours under an hour', () => {
		expect(before(25)).toBe('剩余 25分');
		expect(before(59)).toBe('剩余 59分');
	});

	it('never rounds up: 3 h 12 min 59 s left still reads 3小时12分, so nobody thinks there is more time than there is', () => {
		expect(formatCountdown(DUE, DUE - (3 * 60 + 12) * MINUTE - 59_000)).toBe('剩余 3小时12分');
	});
});

describe('a countdown past the deadline', () => {
	it('says how late, in the same words', () => {
		expect(before(-25)).toBe('已超时 25分');
		expect(before(-60)).toBe('已超时 1小时0分');
		expect(before(-(26 * 60 + 5))).toBe('已超时 26小时5分');
	});

	it('gives days and hours beyond two days, rounded down', () => {
		expect(before(-(47 * 60 + 59))).toBe('已超时 47小时59分');
		expect(before(-48 * 60)).toBe('已超时 2天0小时');
		expect(before(-(5258 * 60 + 23))).toBe('已超时 219天2小时');
		expect(before(3 * 24 * 60 + 5 * 60 + 59)).toBe('剩余 3天5小时');
	});
});

describe('the last minute', () => {
	it('says 已到时限 within a minute either side, rather than 剩余 0分 or 已超时 0分', () => {
		expect(formatCountdown(DUE, DUE)).toBe('已到时限');
		expect(formatCountdown(DUE, DUE - 59_999)).toBe('已到时限');
		expect(formatCountdown(DUE, DUE + 59_999)).toBe('已到时限');
	});

	it('counts again from a full minute', () => {
		expect(before(1)).toBe('剩余 1分');
		expect(before(-1)).toBe('已超时 1分');
	});
});
