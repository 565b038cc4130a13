// The escalation engine, continued: ladders other than the 5 h rule's, and the boundaries to the millisecond.
// Every time is injected; nothing here waits or reads the real clock.
import { describe, expect, it } from 'vitest';
import { decide, plan, type ClockTimes, type LadderStep } from './engine.ts';
import { ack, AUTHORITATIVE_5H, clock5h, cst, hm, HOUR, lines, ms, PRESS_CONFERENCE_24H } from './test-engine.ts';

// An office's own ladder: a reminder 30 minutes after the start, escalating every 15 minutes.
const CUSTOM_REMINDER: readonly LadderStep[] = [
	{ anchor: 'start', offsetMinutes: 0, tiers: ['lead_unit_press'], urgency: 'normal', ackWithinMinutes: null },
	{ anchor: 'start', offsetMinutes: 30, tiers: ['lead_unit_press', 'leader_in_charge', 'principal'], urgency: 'high', ackWithinMinutes: 15 },
	{ anchor: 'due', offsetMinutes: 0, tiers: ['principal', 'office_admin', 'superior_office'], urgency: 'critical', ackWithinMinutes: null }
];

// ---- other ladders ---------------------------------------------------------------------------

describe('other ladders', () => {
	const clock24h: ClockTimes = {
		startsAt: cst('23:10'),
		dueAt: ms(cst('23:10'), 24 * HOUR),
		startedAt: cst('23:10'),
		status: 'running'
	};

	it.each([
		{
			name: 'the 24 h press conference rule, nobody acknowledging',
			ladder: PRESS_CONFERENCE_24H,
			clock: clock24h,
			told: [
				'22日 23:10 #0 lead_unit_press high',
				'22日 23:20 #0 leader_in_charge high',
				'23日 15:10 #1 lead_unit_press normal',
				'23日 15:40 #1 leader_in_charge normal',
				'23日 21:10 #2 lead_unit_press high',
				'23日 21:20 #2 leader_in_charge high',
				'23日 21:30 #2 principal high',
				'23日 22:40 #3 leader_in_charge critical',
				'23日 22:50 #3 principal critical',
				'23日 23:00 #3 office_admin critical',
				'23日 23:10 #4 principal critical',
				'23日 23:10 #4 office_admin critical',
				'24日 01:10 #5 principal critical',
				'24日 01:10 #5 office_admin critical',
				'24日 01:10 #5 superior_office critical'
			]
		},
		{
			name: 'a custom ladder with a reminder 30 minutes after the start, escalating every 15 minutes',
			ladder: CUSTOM_REMINDER,
			clock: clock5h(),
			told: [
				'22日 23:10 #0 lead_unit_press normal',
				'22日 23:40 #1 lead_unit_press high',
				'22日 23:55 #1 leader_in_charge high',
				'23日 00:10 #1 principal high',
				'23日 04:10 #2 principal critical',
				'23日 04:10 #2 office_admin critical',
				'23日 04:10 #2 superior_office critical'
			]
		},
		{
			name: 'the custom ladder upgraded at 23:50: the 23:40 reminder at once, escalating from there',
			ladder: CUSTOM_REMINDER,
			clock: clock5h({ startedAt: cst('23:50') }),
			told: [
				'22日 23:50 #1 lead_unit_press high',
				'23日 00:05 #1 leader_in_charge high',
				'23日 00:20 #1 principal high',
				'23日 04:10 #2 principal critical',
				'23日 04:10 #2 office_admin critical',
				'23日 04:10 #2 superior_office critical'
			]
		},
		{
			name: 'without ackWithinMinutes every tier is told at the same moment',
			ladder: [{ anchor: 'due', offsetMinutes: -60, tiers: ['lead_unit_press', 'leader_in_charge', 'principal'], urgency: 'high', ackWithinMinutes: null }],
			clock: clock5h(),
			told: ['23日 03:10 #0 lead_unit_press high', '23日 03:10 #0 leader_in_charge high', '23日 03:10 #0 principal high']
		}
	] satisfies { name: string; ladder: readonly LadderStep[]; clock: ClockTimes; told: string[] }[])('$name', ({ ladder, clock, told }) => {
		expect(lines(plan(ladder, clock, []), true)).toEqual(told);
	});

	it('the 24 h rule breaches at 23:10 the next night and escalates to the superior office two hours later', () => {
		const d = decide(PRESS_CONFERENCE_24H, clock24h, [], ms(cst('23:10'), 24 * HOUR));
		expect(d.breach).toBe(true);
		expect(lines(d.due.filter((n) => n.stepIndex === 4), true)).toEqual(['23日 23:10 #4 principal critical', '23日 23:10 #4 office_admin critical']);
		expect(d.next && hm(d.next, true)).toBe('24日 01:10');
	});
});

// ---- boundaries ------------------------------------------------------------------------------

describe('boundaries, to the millisecond', () => {
	const leaderAt0220 = '02:20 #1 leader_in_charge high';

	it.each([
		{ name: 'now exactly at a tier’s time includes it', now: cst('02:20'), includes: true, next: '02:30' },
		{ name: 'one millisecond before excludes it', now: ms(cst('02:20'), -1), includes: false, next: '02:20' }
	])('$name', ({ now, includes, next }) => {
		const d = decide(AUTHORITATIVE_5H, clock5h(), [], now);
		expect(lines(d.due).includes(leaderAt0220)).toBe(includes);
		expect(d.next && hm(d.next)).toBe(next);
	});

	it.each([
		{ name: 'now exactly at the deadline is a breach', now: cst('04:10'), breach: true },
		{ name: 'one millisecond before the deadline is not', now: ms(cst('04:10'), -1), breach: false }
	])('$name', ({ now, breach }) => {
		expect(decide(AUTHORITATIVE_5H, clock5h(), [], now).breach).toBe(breach);
	});

	it.each([
		{ name: 'an acknowledgement exactly at a tier’s time stops that tier', at: cst('02:20'), told: ['02:10 #1 lead_unit_press high'] },
		{ name: 'one millisecond after, that tier was already told', at: ms(cst('02:20'), 1), told: ['02:10 #1 lead_unit_press high', leaderAt0220] },
		{ name: 'one millisecond before the first tier still leaves the first tier told', at: ms(cst('02:10'), -1), told: ['02:10 #1 lead_unit_press high'] }
	])('$name', ({ at, told }) => {
		const all = plan(AUTHORITATIVE_5H, clock5h(), [ack(1, at)]);
		expect(lines(all.filter((n) => n.stepIndex === 1))).toEqual(told);
	});

	it.each([
		{
			name: 'started one millisecond after a step: that step collapses to the start, the earlier one is dropped',
			startedAt: ms(cst('02:10'), 1),
			first: ['02:10:00.001 #1 lead_unit_press high'],
			steps: [1, 2, 3, 4, 5]
		},
		{
			// A step exactly at the start already says where things stand: the older start step is not sent.
			name: 'started exactly at a step’s time: only that step, on time',
			startedAt: cst('02:10'),
			first: ['02:10 #1 lead_unit_press high'],
			steps: [1, 2, 3, 4, 5]
		}
	])('$name', ({ startedAt, first, steps }) => {
		const all = plan(AUTHORITATIVE_5H, clock5h({ startedAt }), []);
		expect(lines(all.filter((n) => n.at.getTime() === startedAt.getTime()))).toEqual(first);
		expect([...new Set(all.map((n) => n.stepIndex))]).toEqual(steps);
	});
});
