import { zhCN } from './zh-CN.ts';
import type { calendarZh } from './zh-CN/calendar.ts';
import type { conferencesZh } from './zh-CN/conferences.ts';
import type { documentsZh } from './zh-CN/documents.ts';
import type { expertsZh } from './zh-CN/experts.ts';
import type { filesZh } from './zh-CN/files.ts';
import type { opinionsZh } from './zh-CN/opinions.ts';
import type { passkeysZh } from './zh-CN/passkeys.ts';
import type { releasesZh } from './zh-CN/releases.ts';
import type { signoffZh } from './zh-CN/signoff.ts';

export type MessageKey =
	| keyof typeof zhCN
	| keyof typeof calendarZh
	| keyof typeof conferencesZh
	| keyof typeof documentsZh
	| keyof typeof expertsZh
	| keyof typeof filesZh
	| keyof typeof opinionsZh
	| keyof typeof passkeysZh
	| keyof typeof releasesZh
	| keyof typeof signoffZh;

const messages: Record<string, string> = { ...zhCN };

/**
 * A domain's strings join the catalogue when the code that shows them loads: a screen imports its domain's
 * file under zh-CN/, so the sign-in page does not download the strings of sign-off. The server loads them all
 * (src/lib/server/errors.ts).
 */
export function addMessages(section: Readonly<Record<string, string>>): void {
	Object.assign(messages, section);
}

/** Looks a message up and fills `{name}` placeholders. */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
	const text: string = messages[key] ?? key;
	return params ? text.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m)) : text;
}
