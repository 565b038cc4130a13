// Clock words shared by server and browser, as in DOMAIN.md.
export const CLOCK_STATUSES = ['running', 'satisfied', 'breached', 'satisfied_late', 'cancelled'] as const;
export type ClockStatus = (typeof CLOCK_STATUSES)[number];

export const AUDIENCES = ['duty_officer', 'duty_leader', 'lead_unit_press', 'leader_in_charge', 'principal', 'office_admin', 'superior_office'] as const;
/** Audiences a unit's duty roster answers (值班表): whoever the shift covering that moment names. */
export const DUTY_AUDIENCES: readonly Audience[] = ['duty_officer', 'duty_leader'];
export type Audience = (typeof AUDIENCES)[number];

/** Where a delivery of a notice stands (deliveries.status). */
export const DELIVERY_STATUSES = ['queued', 'sent', 'received', 'opened', 'acknowledged', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
/** Which of a step's names 送达情况 shows: all (no filter), those without 收到 yet (failed ones too), or only the failed. */
export const DELIVERY_FILTERS = ['unacknowledged', 'failed'] as const;
export type DeliveryFilter = (typeof DELIVERY_FILTERS)[number];

export const URGENCIES = ['normal', 'high', 'critical'] as const;
export type Urgency = (typeof URGENCIES)[number];

export const INCIDENT_CATEGORIES = ['natural_disaster', 'accident', 'public_health', 'social_safety'] as const;
export type IncidentCategory = (typeof INCIDENT_CATEGORIES)[number];

export const INCIDENT_LEVELS = [1, 2, 3, 4] as const;
export type IncidentLevel = (typeof INCIDENT_LEVELS)[number];

/**
 * Levels I and II are "major": they start the 5-hour and 24-hour clocks. The server reads this off the rules (the
 * levels the authoritative-release rule applies to: server/clocks/rules.ts majorLevels); the screens, which only
 * label a level with it, read this copy, and server/clocks/rules.spec.ts fails when the two part.
 */
export const MAJOR_LEVELS: readonly IncidentLevel[] = [1, 2];
export const isMajor = (level: number) => (MAJOR_LEVELS as readonly number[]).includes(level);

/** A running clock is open; so is a breached one: the chase goes on past the deadline. */
export const isOpen = (status: ClockStatus) => status === 'running' || status === 'breached';

export type Tone = 'calm' | 'due_soon' | 'urgent' | 'breached' | 'done';

/** How a countdown looks: amber from an hour left, red from 30 minutes, red and late once breached. */
export function countdownTone(status: ClockStatus, dueAt: number, now: number): Tone {
	if (!isOpen(status)) return 'done';
	const left = dueAt - now;
	if (left <= 0) return 'breached';
	if (left <= 30 * 60_000) return 'urgent';
	if (left <= 60 * 60_000) return 'due_soon';
	return 'calm';
}

/** `{ h, m }` of a duration in whole minutes, rounded down. */
export function hoursMinutes(ms: number): { h: number; m: number } {
	const minutes = Math.floor(Math.abs(ms) / 60_000);
	return { h: Math.floor(minutes / 60), m: minutes % 60 };
}

/** Where a clock's subject is shown: the subjects registry says. */
export { subjectHref } from './subjects.ts';
