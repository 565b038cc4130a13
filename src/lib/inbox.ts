// What the inbox and a replaced push say about a notice whose reason has passed: one sentence, the same on
// the phone's notification and in the app.
import type { MessageKey } from './i18n/index.ts';
import * as labels from '$lib/paraglide/families.js';
import { m } from './paraglide/messages.js';
import { formatDateTime } from './time.ts';

export const SETTLED_AS = ['met', 'met_late', 'cancelled', 'approved', 'rejected', 'void', 'lapsed', 'reviewed'] as const;
export type SettledAs = (typeof SETTLED_AS)[number];

export interface Settlement {
	settledAs: SettledAs;
	settledNote: string | null;
	settledAt: Date | string;
}

/** "已按时完成：权威信息已发布（12月2日 14:05）". */
export function settledLine(s: Settlement): string {
	const line = labels.inbox_settled(s.settledAs, { note: s.settledNote ?? '' })
		// a settlement without a note reads without the empty slot
		.replace(/[：:]$/, '')
		.replace(/（）$/, '');
	return m['inbox.settled_at']({ line, time: formatDateTime(s.settledAt) });
}
