// The ladders, the night of the issue and the notation the engine specs share: a notice reads as
// `HH:MM #step audience urgency`. Test code: imported only by engine*.spec.ts files.
import { sql } from '../db.ts';
import type { Acknowledgement, ClockTimes, LadderStep, Notice } from './engine.ts';
import { getRule } from './queries.ts';
import { RULE, type RuleKey } from './rules.ts';

// The 5 h and 24 h rules' ladders as seeded (db/migrations/0002_incidents_and_clocks.sql), read from the rules in
// the test database: a change to a seeded ladder shows here as the tables below no longer holding.
async function seededLadder(key: RuleKey): Promise<readonly LadderStep[]> {
	const rule = await getRule(sql, key);
	if (!rule) throw new Error(`no seeded rule ${key}`);
	return rule.ladder;
}
export const AUTHORITATIVE_5H = await seededLadder(RULE.authoritativeRelease);
export const PRESS_CONFERENCE_24H = await seededLadder(RULE.pressConference);

// ---- time, in China Standard Time ------------------------------------------------------------

export const HOUR = 3_600_000;

/** A wall-clock time on the night of the issue: from noon it is 22 November 2026, before noon the 23rd. */
export function cst(hhmm: string): Date {
	const day = hhmm >= '12:00' ? '2026-11-22' : '2026-11-23';
	return new Date(`${day}T${hhmm}:00+08:00`);
}

export const ms = (d: Date, delta: number) => new Date(d.getTime() + delta);

/** `HH:MM` in China Standard Time (with seconds and milliseconds when not on the minute); `withDay` prefixes `23日`. */
export function hm(d: Date, withDay = false): string {
	const iso = new Date(d.getTime() + 8 * HOUR).toISOString();
	const time = iso.slice(16, 23) === ':00.000' ? iso.slice(11, 16) : iso.slice(11, 23);
	return withDay ? `${iso.slice(8, 10)}日 ${time}` : time;
}

/** One notice as a person would read it off the log: when, which step, who, how urgent. */
const line = (n: Notice, withDay = false) => `${hm(n.at, withDay)} #${n.stepIndex} ${n.audience} ${n.urgency}`;
export const lines = (ns: readonly Notice[], withDay = false) => ns.map((n) => line(n, withDay));

// ---- the clock: level II incident at 23:10, 5 hours to publish -----------------------

export function clock5h(over: Partial<ClockTimes> = {}): ClockTimes {
	return { startsAt: cst('23:10'), dueAt: cst('04:10'), startedAt: cst('23:10'), status: 'running', ...over };
}

export const ack = (stepIndex: number, at: Date): Acknowledgement => ({ stepIndex, at });

/** Everything the default 5 h clock sends when nobody ever acknowledges. */
export const FULL_5H = [
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
