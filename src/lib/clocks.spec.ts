// The colour of a countdown carries meaning (amber, red, green), so its thresholds are pinned here.
import { describe, expect, it } from 'vitest';
import { countdownTone } from './clocks.ts';

const MINUTE = 60_000;
const DUE = Date.parse('2026-11-22T04:10:00+08:00');
/** The tone of a running clock `minutes` before its deadline (negative: after it). */
const runningAt = (minutes: number) => countdownTone('running', DUE, DUE - minutes * MINUTE);

describe('the tone of an open clock', () => {
	it('stays calm while more than an hour is left', () => {
		expect(runningAt(5 * 60)).toBe('calm');
		expect(countdownTone('running', DUE, DUE - 60 * MINUTE - 1)).toBe('calm');
	});

	it('turns amber (due soon) at one hour left', () => {
		expect(runningAt(60)).toBe('due_soon');
		expect(runningAt(31)).toBe('due_soon');
	});

	it('turns red (urgent) at 30 minutes left', () => {
		expect(runningAt(30)).toBe('urgent');
		expect(countdownTone('running', DUE, DUE - 1)).toBe('urgent');
	});

	it('shows breached from the deadline on, whether or not the breach is recorded yet', () => {
		expect(runningAt(0)).toBe('breached');
		expect(runningAt(-90)).toBe('breached');
		expect(countdownTone('breached', DUE, DUE + 5 * MINUTE)).toBe('breached');
	});
});

describe('the tone of a finished clock', () => {
	it('is done once met, met late or withdrawn, however the time stands', () => {
		expect(countdownTone('satisfied', DUE, DUE - 10 * MINUTE)).toBe('done');
		expect(countdownTone('satisfied_late', DUE, DUE + 90 * MINUTE)).toBe('done');
		expect(countdownTone('cancelled', DUE, DUE - 5 * 60 * MINUTE)).toBe('done');
	});
});
