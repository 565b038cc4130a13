// The escalation engine, table by table: who is told what, and when, for a clock's ladder.
// Every time is injected; nothing here waits or reads the real clock.
import { describe, expect, it } from 'vitest';
import type { ClockStatus } from '../../clocks.ts';
import { decide, plan, type Acknowledgement, type ClockTimes, type LadderStep, type Notice } from './engine.ts';

// The 5 h rule's default ladder, as seeded in db/migrations/0002_incidents_and_clocks.sql.
const AUTHORITATIVE_5H: readonly LadderStep[] = [
	{ anchor: 'start', offsetMinutes: 0, tiers: ['lead_unit_press', 'leader_in_charge'], urgency: 'high', ackWithinMinutes: 10 },
	{ anchor: 'due', offsetMinutes: -120, tiers: ['lead_unit_press', 'leader_in_charge', 'principal'], urgency: 'high', ackWithinMinutes: 10 },
	{ anchor: 'due', offsetMinutes: -60, tiers: ['leader_in_charge', 'principal'], urgency: 'high', ackWithinMinutes: 10 },
	{ anchor: 'due', offsetMinutes: -30, tiers: ['leader_in_charge', 'principal', 'office_admin'], urgency: 'critical', ackWithinMinutes: 10 },
	{ anchor: 'due', offsetMinutes: 0, tiers: ['principal', 'office_admin'], urgency: 'critical', ackWithinMinutes: null },
	{ anchor: 'due', offsetMinutes: 60, tiers: ['principal', 'office_admin', 'superior_office'], urgency: 'critical', ackWithinMinutes: null }
];

// The 24 h rule's default ladder (press conference), from the same migration.
const PRESS_CONFERENCE_24H: readonly LadderStep[] = [
	{ anchor: 'start', offsetMinutes: 0, tiers: ['lead_unit_press', 'leader_in_charge'], urgency: 'high', ackWithinMinutes: 10 },
	{ anchor: 'due', offsetMinutes: -480, tiers: ['lead_unit_press', 'leader_in_charge'], urgency: 'normal', ackWithinMinutes: 30 },
	{ anchor: 'due', offsetMinutes: -120, tiers: ['lead_unit_press', 'leader_in_charge', 'principal'], urgency: 'high', ackWithinMinutes: 10 },
	{ anchor: 'due', offsetMinutes: -30, tiers: ['leader_in_charge', 'principal', 'office_admin'], urgency: 'critical', ackWithinMinutes: 10 },
	{ anchor: 'due', offsetMinutes: 0, tiers: ['principal', 'office_admin'], urgency: 'critical', ackWithinMinutes: null },
	{ anchor: 'due', offsetMinutes: 120, tiers: ['principal', 'office_admin', 'superior_office'], urgency: 'critical', ackWithinMinutes: null }
];

// The 5 h ladder without its deadline step: nothing is sent at the deadline itself.
const WITHOUT_DEADLINE_STEP: readonly LadderStep[] = AUTHORITATIVE_5H.filter((s) => !(s.anchor === 'due' && s.offsetMinutes === 0));

// An office's own ladder: a reminder 30 minutes after the start, escalating every 15 minutes.
const CUSTOM_REMINDER: readonly LadderStep[] = [
	{ anchor: 'start', offsetMinutes: 0, tiers: ['lead_unit_press'], urgency: 'normal', ackWithinMinutes: null },
	{ anchor: 'start', offsetMinutes: 30, tiers: ['lead_unit_press', 'leader_in_charge', 'principal'], urgency: 'high', ackWithinMinutes: 15 },
	{ anchor: 'due', offsetMinutes: 0, tiers: ['principal', 'office_admin', 'superior_office'], urgency: 'critical', ackWithinMinutes: null }
];

// ---- time, in China Standard Time ------------------------------------------------------------

const HOUR = 3_600_000;

/** A wall-clock time on the night of the issue: from noon it is 22 November 2026, before noon the 23rd. */
function cst(hhmm: string): Date {
	const day = hhmm >= '12:00' ? '2026-11-22' : '2026-11-23';
	return new Date(`${day}T${hhmm}:00+08:00`);
}

const ms = (d: Date, delta: number) => new Date(d.getTime() + delta);

/** `HH:MM` in China Standard Time (with seconds and milliseconds when not on the minute); `withDay` prefixes `23日`. */
function hm(d: Date, withDay = false): string {
	const iso = new Date(d.getTime() + 8 * HOUR).toISOString();
	const time = iso.slice(16, 23) === ':00.000' ? iso.slice(11, 16) : iso.slice(11, 23);
	return withDay ? `${iso.slice(8, 10)}日 ${time}` : time;
}

/** One notice as a person would read it off the log: when, which step, who, how urgent. */
const line = (n: Notice, withDay = false) => `${hm(n.at, withDay)} #${n.stepIndex} ${n.audience} ${n.urgency}`;
const lines = (ns: readonly Notice[], withDay = false) => ns.map((n) => line(n, withDay));

// ---- the clock: level II incident at 23:10, 5 hours to publish -----------------------

function clock5h(over: Partial<ClockTimes> = {}): ClockTimes {
	return { startsAt: cst('23:10'), dueAt: cst('04:10'), startedAt: cst('23:10'), status: 'running', ...over };
}

const ack = (stepIndex: number, at: Date): Acknowledgement => ({ stepIndex, at });

/** Everything the default 5 h clock sends when nobody ever acknowledges. */
const FULL_5H = [
	'23:10 #0 lead_unit_press high',
	'23:20 #0 leader_in_charge high',
	'02:10 #1 lead_unit_press high',
	'02:20 #1 leader_in_charge high',
	'02:30 #1 principal high',
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
];

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
