import { hoursMinutes } from './clocks.ts';
import { m } from './paraglide/messages.js';

/** `3小时12分`, `25分` under an hour, `3天5小时` from two days. */
export function formatSpan(ms: number): string {
	const { h, m: minutes } = hoursMinutes(ms);
	// Beyond two days the minutes say nothing and the hours are hard to read: 超时 219天2小时, not 5258小时23分.
	if (h >= 48) return m['time.days_hours']({ d: Math.floor(h / 24), h: h % 24 });
	return h > 0 ? m['time.hours_minutes']({ h, m: minutes }) : m['time.minutes']({ m: minutes });
}

/** `剩余 3小时12分` before the deadline, `已超时 25分` after it. */
export function formatCountdown(dueAt: number, now: number): string {
	const left = dueAt - now;
	if (Math.abs(left) < 60_000) return m['clock.at_deadline']();
	return left > 0 ? m['clock.left']({ time: formatSpan(left) }) : m['clock.late']({ time: formatSpan(left) });
}
