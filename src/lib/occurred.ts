// When an incident occurred, as a duty officer says it on a phone: 刚才, 30分钟前, 1小时前, or a time picked.
import { m } from '$lib/paraglide/messages.js';
import { toCstInput } from './time.ts';

export const OCCURRED_CHOICES = ['now', 'min30', 'hour1', 'other'] as const;
export type OccurredChoice = (typeof OCCURRED_CHOICES)[number];

const MINUTES_BEFORE: Record<Exclude<OccurredChoice, 'other'>, number> = { now: 0, min30: 30, hour1: 60 };

/**
 * The `datetime-local` value (China time) a quick choice stands for at `nowMs`; null for 其他时间, whose
 * picker keeps the value it has. Resolved once, when the choice is made: what is kept (the draft, the outbox)
 * is a time, never "30 minutes before whenever this is read".
 */
export function occurredInput(choice: OccurredChoice, nowMs: number): string | null {
	if (choice === 'other') return null;
	return toCstInput(new Date(nowMs - MINUTES_BEFORE[choice] * 60_000));
}

/** `刚才`, `25分钟前`, `2小时前`, `1小时30分钟前`, `3天前`; `晚于现在` for a time ahead of `nowMs`. */
export function agoWords(occurredMs: number, nowMs: number): string {
	const minutes = Math.floor((nowMs - occurredMs) / 60_000);
	if (minutes < -1) return m['incident_form.ago.future']();
	if (minutes < 1) return m['incident_form.ago.just_now']();
	if (minutes < 60) return m['incident_form.ago.minutes']({ n: minutes });
	const h = Math.floor(minutes / 60);
	if (h >= 24) return m['incident_form.ago.days']({ n: Math.floor(h / 24) });
	const min = minutes % 60;
	return min ? m['incident_form.ago.hours_minutes']({ h, m: min }) : m['incident_form.ago.hours']({ h });
}
