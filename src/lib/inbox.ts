// What the inbox and a replaced push say about a notice whose reason has passed: one sentence, the same on
// the phone's notification and in the app.
import { t, type MessageKey } from './i18n/index.ts';
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
	const line = t(`inbox.settled.${s.settledAs}` as MessageKey, { note: s.settledNote ?? '' })
		// a settlement without a note reads without the empty slot
		.replace(/[：:]$/, '')
		.replace(/（）$/, '');
	return t('inbox.settled_at', { line, time: formatDateTime(s.settledAt) });
}
