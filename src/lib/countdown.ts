import { hoursMinutes } from './clocks.ts';
import { t } from './i18n/index.ts';

/** `3小时12分`, or `25分` under an hour. */
export function formatSpan(ms: number): string {
	const { h, m } = hoursMinutes(ms);
	return h > 0 ? t('time.hours_minutes', { h, m }) : t('time.minutes', { m });
}

/** `剩余 3小时12分` before the deadline, `已超时 25分` after it. */
export function formatCountdown(dueAt: number, now: number): string {
	const left = dueAt - now;
	if (Math.abs(left) < 60_000) return t('clock.at_deadline');
	return left > 0 ? t('clock.left', { time: formatSpan(left) }) : t('clock.late', { time: formatSpan(left) });
}
