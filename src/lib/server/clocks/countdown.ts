// The countdown a notice states when it is written, as a stored text: read in each recipient's language.
import { hoursMinutes } from '../../clocks.ts';
import { text, type Text } from '../../i18n/index.ts';

/** `3小时12分`, or `25分` under an hour. */
export function spanText(ms: number): Text {
	const { h, m } = hoursMinutes(ms);
	return h > 0 ? text('time.hours_minutes', { h, m }) : text('time.minutes', { m });
}

/** `剩余 3小时12分` before the deadline, `已超时 25分` after it (formatCountdown, kept as a text). */
export function countdownText(dueAt: number, now: number): Text {
	const left = dueAt - now;
	if (Math.abs(left) < 60_000) return text('clock.at_deadline');
	return text(left > 0 ? 'clock.left' : 'clock.late', { time: spanText(left) });
}
