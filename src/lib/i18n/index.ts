import { zhCN, type MessageKey } from './zh-CN.ts';

export type { MessageKey };
export type Catalogue = Record<MessageKey, string>;

const catalogues: Record<string, Catalogue> = { 'zh-CN': zhCN };
let current: Catalogue = zhCN;

export function setLocale(locale: string): void {
	current = catalogues[locale] ?? zhCN;
}

/** Looks a message up and fills `{name}` placeholders. */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
	const text: string = current[key] ?? zhCN[key] ?? key;
	return params ? text.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m)) : text;
}

export function hasMessage(key: string): key is MessageKey {
	return key in current;
}
