// The escalation engine, table by table: who is told what, and when, for a clock's ladder. This file: the issue's
// night as it should have gone, and what an acknowledgement stops; engine-late.spec.ts and engine-ladders.spec.ts go on.
// Every time is injected; nothing here waits or reads the real clock.
import { describe, expect, it } from 'vitest';
import { decide, plan } from './engine.ts';
import { ack, AUTHORITATIVE_5H, clock5h, cst, FULL_5H, hm, lines } from './test-engine.ts';

describe('the issue: a level II incident at 23:10, nobody acknowledges', () => {
	it('plans the first tiers at 23:10, 02:10, 03:10, 03:40, the deadline at 04:10 and again at 05:10, with 10-minute follow-ups', () => {
		const all = plan(AUTHORITATIVE_5H, clock5h(), []);
		expect(lines(all)).toEqual(FULL_5H);
		expect(all.filter((n) => n.tier === 0).map((n) => hm(n.at))).toEqual(['23:10', '02:10', '03:10', '03:40', '04:10', '05:10']);
		expect(all.filter((n) => n.tier > 0 && n.stepIndex < 4).map((n) => hm(n.at))).toEqual(['23:20', '02:20', '02:30', '03:20', '03:50', '04:00']);
	});

	// The scheduler wakes at each `next` it was given; these are the notices whose moment it is then.
	it.each([
		{ now: '23:10', told: ['23:10 #0 lead_unit_press high'], breach: false, next: '23:20' },
		{ now: '23:20', told: ['23:20 #0 leader_in_charge high'], breach: false, next: '02:10' },
		{ now: '02:10', told: ['02:10 #1 lead_unit_press high'], breach: false, next: '02:20' },
		{ now: '02:20', told: ['02:20 #1 leader_in_charge high'], breach: false, next: '02:30' },
		{ now: '02:30', told: ['02:30 #1 principal high'], breach: false, next: '03:10' },
		{ now: '03:10', told: ['03:10 #2 leader_in_charge high'], breach: false, next: '03:20' },
		{ now: '03:20', told: ['03:20 #2 principal high'], breach: false, next: '03:40' },
		{ now: '03:40', told: ['03:40 #3 leader_in_charge critical'], breach: false, next: '03:50' },
		{ now: '03:50', told: ['03:50 #3 principal critical'], breach: false, next: '04:00' },
		{ now: '04:00', told: ['04:00 #3 office_admin critical'], breach: false, next: '04:10' },
		{ now: '04:10', told: ['04:10 #4 principal critical', '04:10 #4 office_admin critical'], breach: true, next: '05:10' },
		{
			now: '05:10',
			told: ['05:10 #5 principal critical', '05:10 #5 office_admin critical', '05:10 #5 superior_office critical'],
			breach: true,
			next: null
		}
	])('waking at $now tells $told.length, breach $breach, next look at $next', ({ now, told, breach, next }) => {
		const d = decide(AUTHORITATIVE_5H, clock5h(), [], cst(now));
		expect(lines(d.due.filter((n) => hm(n.at) === now))).toEqual(told);
		expect(lines(d.due)).toEqual(FULL_5H.slice(0, FULL_5H.indexOf(told.at(-1)!) + 1));
		expect(d.breach).toBe(breach);
		expect(d.next && hm(d.next)).toBe(next);
	});

	it('reports the deadline step as past the deadline (its step time is the deadline itself)', () => {
		const d = decide(AUTHORITATIVE_5H, clock5h(), [], cst('04:10'));
		const deadline = d.due.filter((n) => n.stepIndex === 4);
		expect(deadline.map((n) => [n.audience, hm(n.stepAt)])).toEqual([
			['principal', '04:10'],
			['office_admin', '04:10']
		]);
	});
});

// ---- acknowledgements ------------------------------------------------------------------------

describe('acknowledgement stops the tier repeat of its step, never the deadline chase', () => {
	it.each([
		{
			name: 'the start step acknowledged at 23:15: the leader is not woken at 23:20; 02:10 still starts from the press officer',
			acks: [ack(0, cst('23:15'))],
			steps: [0, 1],
			told: ['23:10 #0 lead_unit_press high', '02:10 #1 lead_unit_press high', '02:20 #1 leader_in_charge high', '02:30 #1 principal high']
		},
		{
			name: 'the 2-hours-left step acknowledged at 02:15: neither leader nor principal for it, but 03:10 still fires',
			acks: [ack(1, cst('02:15'))],
			steps: [1, 2],
			told: ['02:10 #1 lead_unit_press high', '03:10 #2 leader_in_charge high', '03:20 #2 principal high']
		},
		{
			name: 'acknowledged at 02:25, after the leader was told: the leader stays told, the principal is spared',
			acks: [ack(1, cst('02:25'))],
			steps: [1],
			told: ['02:10 #1 lead_unit_press high', '02:20 #1 leader_in_charge high']
		},
		{
			name: 'acknowledged at 02:35, after every tier was told: nothing changes',
			acks: [ack(1, cst('02:35'))],
			steps: [1],
			told: ['02:10 #1 lead_unit_press high', '02:20 #1 leader_in_charge high', '02:30 #1 principal high']
		},
		{
			name: 'the 30-minutes-left step acknowledged at 03:45: the deadline step still tells principal and office at 04:10',
			acks: [ack(3, cst('03:45'))],
			steps: [3, 4],
			told: ['03:40 #3 leader_in_charge critical', '04:10 #4 principal critical', '04:10 #4 office_admin critical']
		},
		{
			name: 'an acknowledgement of another step does not spare this one',
			acks: [ack(0, cst('23:12')), ack(2, cst('02:15'))],
			steps: [1],
			told: ['02:10 #1 lead_unit_press high', '02:20 #1 leader_in_charge high', '02:30 #1 principal high']
		},
		{
			name: 'several acknowledgements of one step: the first one counts',
			acks: [ack(1, cst('02:33')), ack(1, cst('02:12')), ack(1, cst('02:27'))],
			steps: [1],
			told: ['02:10 #1 lead_unit_press high']
		},
		{
			name: 'acknowledging an all-at-once step after it went out changes nothing: everyone was told together',
			acks: [ack(4, cst('04:11'))],
			steps: [4, 5],
			told: [
				'04:10 #4 principal critical',
				'04:10 #4 office_admin critical',
				'05:10 #5 principal critical',
				'05:10 #5 office_admin critical',
				'05:10 #5 superior_office critical'
			]
		}
	])('$name', ({ acks, steps, told }) => {
		const all = plan(AUTHORITATIVE_5H, clock5h(), acks);
		expect(lines(all.filter((n) => steps.includes(n.stepIndex)))).toEqual(told);
	});

	it('acknowledging every step promptly still breaches at 04:10 and still chases at 05:10', () => {
		const acks = [ack(0, cst('23:11')), ack(1, cst('02:11')), ack(2, cst('03:11')), ack(3, cst('03:41'))];
		const at0410 = decide(AUTHORITATIVE_5H, clock5h(), acks, cst('04:10'));
		expect(at0410.breach).toBe(true);
		expect(lines(at0410.due)).toEqual([
			'23:10 #0 lead_unit_press high',
			'02:10 #1 lead_unit_press high',
			'03:10 #2 leader_in_charge high',
			'03:40 #3 leader_in_charge critical',
			'04:10 #4 principal critical',
			'04:10 #4 office_admin critical'
		]);
		expect(at0410.next && hm(at0410.next)).toBe('05:10');
	});
});
