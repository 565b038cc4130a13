import { hoursMinutes } from './clocks.ts';
import { m } from './paraglide/messages.js';

/** `3小时12分`, or `25分` under an hour. */
export function formatSpan(ms: number): string {
	const { h, m: minutes } = hoursMinutes(ms);
	return h > 0 ? m['time.hours_minutes']({ h, m: minutes }) : m['time.minutes']({ m: minutes });
}

/** `剩余 3小时12分` before the deadline, `已超时 25分` after it. */
export function formatCountdown(dueAt: number, now: number): string {
	const left = dueAt - now;
	if (Math.abs(left) < 60_000) return m['clock.at_deadline']();
	return left > 0 ? m['clock.left']({ time: formatSpan(left) }) : m['clock.late']({ time: formatSpan(left) });
}
