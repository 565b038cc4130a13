// The escalation engine: pure, no I/O. Given a clock's frozen ladder, its times, the
// acknowledgements so far and `now`, it says which notices are due and when to look again.
import { isOpen, type Audience, type ClockStatus, type Urgency } from '../../clocks.ts';

export interface LadderStep {
	/** relative to the clock's start, or to its deadline */
	anchor: 'start' | 'due';
	/** minutes after the anchor; negative before the deadline */
	offsetMinutes: number;
	/** told one after another until someone acknowledges, or all at once without ackWithinMinutes */
	tiers: Audience[];
	urgency: Urgency;
	ackWithinMinutes: number | null;
}

export interface ClockTimes {
	startsAt: Date;
	dueAt: Date;
	/** when the clock was actually started: later than startsAt after an offline sync or an upgrade */
	startedAt: Date;
	status: ClockStatus;
}

export interface Acknowledgement {
	stepIndex: number;
	at: Date;
}

export interface Notice {
	stepIndex: number;
	tier: number;
	audience: Audience;
	urgency: Urgency;
	at: Date;
	/** the step's own time: after the deadline means the notice reports a breach */
	stepAt: Date;
}

const MINUTE = 60_000;

function stepTime(step: LadderStep, clock: ClockTimes): number {
	const base = step.anchor === 'start' ? clock.startsAt.getTime() : clock.dueAt.getTime();
	return base + step.offsetMinutes * MINUTE;
}

/**
 * Every notice the clock sends, given the acknowledgements so far, in time order. Steps already past
 * when the clock started collapse into the latest of them, sent at once: a clock started late says
 * where things stand now, not everything it would have said.
 */
export function plan(ladder: readonly LadderStep[], clock: ClockTimes, acks: readonly Acknowledgement[]): Notice[] {
	if (!isOpen(clock.status)) return [];
	const started = clock.startedAt.getTime();
	const times = ladder.map((s) => stepTime(s, clock));
	const past = times.map((t, i) => [t, i] as const).filter(([t]) => t < started);
	// A step falling exactly at the start already says where things stand: nothing older is sent.
	const onTime = times.some((t) => t === started);
	const latestPast = past.length && !onTime ? past.reduce((a, b) => (b[0] >= a[0] ? b : a))[1] : -1;

	const notices: Notice[] = [];
	ladder.forEach((step, i) => {
		let at = times[i]!;
		if (at < started) {
			if (i !== latestPast) return;
			at = started;
		}
		const firstAck = acks
			.filter((a) => a.stepIndex === i)
			.reduce<number>((min, a) => Math.min(min, a.at.getTime()), Infinity);
		step.tiers.forEach((audience, tier) => {
			const tierAt = step.ackWithinMinutes === null ? at : at + tier * step.ackWithinMinutes * MINUTE;
			// Someone acknowledged before this tier's turn: the higher tier is not woken for this step.
			if (tier > 0 && firstAck <= tierAt) return;
			notices.push({ stepIndex: i, tier, audience, urgency: step.urgency, at: new Date(tierAt), stepAt: new Date(times[i]!) });
		});
	});
	return notices.sort((a, b) => a.at.getTime() - b.at.getTime() || a.stepIndex - b.stepIndex || a.tier - b.tier);
}

export interface Decision {
	/** notices whose time has come (the caller skips those already delivered) */
	due: Notice[];
	/** the clock is past its deadline and still running: record the breach */
	breach: boolean;
	/** when to look again: the next notice, or the deadline; null when nothing is left */
	next: Date | null;
}

export function decide(
	ladder: readonly LadderStep[],
	clock: ClockTimes,
	acks: readonly Acknowledgement[],
	now: Date
): Decision {
	const t = now.getTime();
	const all = plan(ladder, clock, acks);
	const due = all.filter((n) => n.at.getTime() <= t);
	const breach = clock.status === 'running' && t >= clock.dueAt.getTime();
	const later = all.filter((n) => n.at.getTime() > t).map((n) => n.at.getTime());
	if (clock.status === 'running' && clock.dueAt.getTime() > t) later.push(clock.dueAt.getTime());
	return { due, breach, next: later.length ? new Date(Math.min(...later)) : null };
}
