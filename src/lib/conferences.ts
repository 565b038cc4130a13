// Conference words shared by server and browser, as in DOMAIN.md.
import type { Role } from './roles.ts';
import { CLOCK_SKEW_MS } from './time.ts';

export const CONFERENCE_KINDS = ['press_conference', 'briefing', 'media_briefing'] as const;
export type ConferenceKind = (typeof CONFERENCE_KINDS)[number];

export const CONFERENCE_STATUSES = ['planned', 'held', 'postponed', 'cancelled'] as const;
export type ConferenceStatus = (typeof CONFERENCE_STATUSES)[number];

/** Who schedules and records conferences; duty staff log incidents but do not. */
export const CONFERENCE_ROLES: readonly Role[] = ['press_officer', 'spokesperson', 'leader', 'principal', 'office_admin', 'sysadmin'];

export const canManageConferences = (roles: readonly Role[]) => roles.some((r) => CONFERENCE_ROLES.includes(r));

/** Planned or postponed: it may still be held, moved or called off. */
export const isUpcoming = (status: ConferenceStatus) => status === 'planned' || status === 'postponed';

/** A recorded start may run ahead of the server clock by this much (a phone a little fast), no more. */
export const HELD_FUTURE_SLACK_MS = CLOCK_SKEW_MS;
