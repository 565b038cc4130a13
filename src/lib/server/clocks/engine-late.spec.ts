// The escalation engine, continued: clocks started late, clocks no longer running, and when the scheduler looks again.
// Every time is injected; nothing here waits or reads the real clock.
import { describe, expect, it } from 'vitest';
import type { ClockStatus } from '../../clocks.ts';
import { decide, plan, type LadderStep } from './engine.ts';
import { ack, AUTHORITATIVE_5H, clock5h, cst, FULL_5H, hm, lines } from './test-engine.ts';

// The 5 h ladder without its deadline step: nothing is sent at the deadline itself.
const WITHOUT_DEADLINE_STEP: readonly LadderStep[] = AUTHORITATIVE_5H.filter((s) => !(s.anchor === 'due' && s.offsetMinutes === 0));

// ---- clocks started late ---------------------------------------------------------------------

describe('a clock started late says where things stand now', () => {
	it.each([
		{
			name: 'offline sync at 02:40: the 02:10 step at once, its tiers from 02:40, then 03:10 on time',
			startedAt: '02:40',
			now: '02:40',
			plan: [
				'02:40 #1 lead_unit_press high',
				'02:50 #1 leader_in_charge high',
				'03:00 #1 principal high',
				'03:10 #2 leader_in_charge high',
				'03:20 #2 principal high',
				'03:40 #3 leader_in_charge critical',
				'03:50 #3 principal critical',
				'04:00 #3 office_admin critical',
				'04:10 #4 principal critical',
				'04:10 #4 office_admin critical',
				'05:10 #5 principal critical',
				'05:10 #5 office_admin critical',
				'05:10 #5 superior_office critical'
			],
			due: ['02:40 #1 lead_unit_press high'],
			breach: false,
			next: '02:50'
		},
		{
			name: 'offline sync at 04:30, past the deadline: the deadline step at 04:30 and a breach, then 05:10',
			startedAt: '04:30',
			now: '04:30',
			plan: [
				'04:30 #4 principal critical',
				'04:30 #4 office_admin critical',
				'05:10 #5 principal critical',
				'05:10 #5 office_admin critical',
				'05:10 #5 superior_office critical'
			],
			due: ['04:30 #4 principal critical', '04:30 #4 office_admin critical'],
			breach: true,
			next: '05:10'
		},
		{
			name: 'offline sync at 05:30, after the last step: only the +60 step, at once',
			startedAt: '05:30',
			now: '05:30',
			plan: ['05:30 #5 principal critical', '05:30 #5 office_admin critical', '05:30 #5 superior_office critical'],
			due: ['05:30 #5 principal critical', '05:30 #5 office_admin critical', '05:30 #5 superior_office critical'],
			breach: true,
			next: null
		},
		{
			name: 'upgraded from level III to II at 01:00: the start step at 01:00, the 02:10 step on time',
			startedAt: '01:00',
			now: '01:00',
			plan: [
				'01:00 #0 lead_unit_press high',
				'01:10 #0 leader_in_charge high',
				'02:10 #1 lead_unit_press high',
				'02:20 #1 leader_in_charge high',
				'02:30 #1 principal high',
				...FULL_5H.slice(5)
			],
			due: ['01:00 #0 lead_unit_press high'],
			breach: false,
			next: '01:10'
		}
	])('$name', ({ startedAt, now, plan: expected, due, breach, next }) => {
		const clock = clock5h({ startedAt: cst(startedAt) });
		expect(lines(plan(AUTHORITATIVE_5H, clock, []))).toEqual(expected);
		const d = decide(AUTHORITATIVE_5H, clock, [], cst(now));
		expect(lines(d.due)).toEqual(due);
		expect(d.breach).toBe(breach);
		expect(d.next && hm(d.next)).toBe(next);
	});

	it.each([
		{ name: 'synced at 02:40, the collapsed notice still names the 02:10 step', startedAt: '02:40', stepIndex: 1, stepAt: '02:10' },
		{ name: 'upgraded at 01:00, the start notice still names 23:10, when it happened', startedAt: '01:00', stepIndex: 0, stepAt: '23:10' },
		{ name: 'synced at 04:30, the notice says the deadline was 04:10', startedAt: '04:30', stepIndex: 4, stepAt: '04:10' }
	])('$name', ({ startedAt, stepIndex, stepAt }) => {
		const first = plan(AUTHORITATIVE_5H, clock5h({ startedAt: cst(startedAt) }), [])[0]!;
		expect(first.stepIndex).toBe(stepIndex);
		expect(hm(first.at)).toBe(startedAt);
		expect(hm(first.stepAt)).toBe(stepAt);
	});

	it('synced at 02:40 and acknowledged at 02:45: the leader is not woken at 02:50, 03:10 still fires', () => {
		const all = plan(AUTHORITATIVE_5H, clock5h({ startedAt: cst('02:40') }), [ack(1, cst('02:45'))]);
		expect(lines(all.slice(0, 3))).toEqual(['02:40 #1 lead_unit_press high', '03:10 #2 leader_in_charge high', '03:20 #2 principal high']);
	});
});

// ---- clock states ----------------------------------------------------------------------------

describe('clock states', () => {
	it.each([
		{ status: 'satisfied', now: '02:15' },
		{ status: 'satisfied', now: '05:30' },
		{ status: 'satisfied_late', now: '05:30' },
		{ status: 'cancelled', now: '02:15' },
		{ status: 'cancelled', now: '04:10' }
	] satisfies { status: ClockStatus; now: string }[])('a $status clock at $now tells nobody and never looks again', ({ status, now }) => {
		const clock = clock5h({ status });
		expect(plan(AUTHORITATIVE_5H, clock, [])).toEqual([]);
		expect(decide(AUTHORITATIVE_5H, clock, [], cst(now))).toEqual({ due: [], breach: false, next: null });
	});

	it.each([
		{ now: '04:30', chase: [], next: '05:10' },
		{ now: '05:10', chase: ['05:10 #5 principal critical', '05:10 #5 office_admin critical', '05:10 #5 superior_office critical'], next: null },
		{ now: '09:00', chase: ['05:10 #5 principal critical', '05:10 #5 office_admin critical', '05:10 #5 superior_office critical'], next: null }
	])('a breached clock at $now: no second breach, the chase past the deadline goes on (next $next)', ({ now, chase, next }) => {
		const d = decide(AUTHORITATIVE_5H, clock5h({ status: 'breached' }), [], cst(now));
		expect(d.breach).toBe(false);
		expect(lines(d.due.filter((n) => n.stepAt.getTime() > cst('04:10').getTime()))).toEqual(chase);
		expect(d.next && hm(d.next)).toBe(next);
	});
});

// ---- when to look again ----------------------------------------------------------------------

describe('next: when the scheduler looks again', () => {
	it.each([
		{ name: 'before the first step', ladder: AUTHORITATIVE_5H, acks: [], now: '23:00', next: '23:10', due: 0 },
		{ name: 'between steps, in the quiet of the night', ladder: AUTHORITATIVE_5H, acks: [], now: '23:30', next: '02:10', due: 2 },
		{ name: 'between the tiers of a step', ladder: AUTHORITATIVE_5H, acks: [], now: '02:15', next: '02:20', due: 3 },
		{ name: 'between the tiers of an acknowledged step: straight to the next step', ladder: AUTHORITATIVE_5H, acks: [ack(1, cst('02:12'))], now: '02:15', next: '03:10', due: 3 },
		{ name: 'just before the deadline, no step there: the deadline itself', ladder: WITHOUT_DEADLINE_STEP, acks: [], now: '04:05', next: '04:10', due: 10 },
		{ name: 'at the deadline, no step there: the +60 step', ladder: WITHOUT_DEADLINE_STEP, acks: [], now: '04:10', next: '05:10', due: 10 },
		{ name: 'a ladder that ends early still looks again at the deadline', ladder: AUTHORITATIVE_5H.slice(0, 1), acks: [], now: '03:00', next: '04:10', due: 2 },
		{ name: 'after everything: nothing left', ladder: AUTHORITATIVE_5H, acks: [], now: '06:00', next: null, due: 15 }
	])('$name ($now → $next)', ({ ladder, acks, now, next, due }) => {
		const d = decide(ladder, clock5h(), acks, cst(now));
		expect(d.next && hm(d.next)).toBe(next);
		expect(d.due).toHaveLength(due);
	});

	it('a breached clock after its last notice has nothing left to look at', () => {
		expect(decide(AUTHORITATIVE_5H, clock5h({ status: 'breached' }), [], cst('05:11')).next).toBeNull();
	});
});
