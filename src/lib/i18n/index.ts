// The catalogue is Paraglide's: messages/<locale>/<domain>.json, compiled into one function per message under
// src/lib/paraglide (generated, not committed). Code names a message as `m['incident.title']()`, so a screen's
// bundle carries only the messages it names. This module is for the rest: a key chosen at run time (a status, a
// kind), and text kept in the database as a key with its parameters, rendered in the reader's language.
import * as messages from '../paraglide/messages.js';
import { baseLocale, getLocale, isLocale, locales, type Locale } from '../paraglide/runtime.js';

export { baseLocale, getLocale, isLocale, locales, type Locale };

export type MessageKey = keyof typeof messages & `${string}.${string}`;

/** A parameter of a stored text: a value, or another stored text (a seat, a channel) rendered in the same language. */
export type TextParam = string | number | Text;

/** Text as it is stored: a catalogue key and its parameters, never words in one language. */
export type Text = { key: MessageKey; params?: Record<string, TextParam> };

type MessageFn = (inputs?: Record<string, unknown>, options?: { locale?: Locale }) => string;
const byKey = messages as unknown as Record<string, MessageFn | undefined>;

/** A message whose key is known only at run time, filled with `params`, in `locale` or the current one. */
export function t(key: MessageKey, params?: Record<string, string | number>, locale?: Locale): string {
	const message = byKey[key];
	return message ? message(params ?? {}, locale ? { locale } : undefined) : key;
}

/** Whether the catalogue has this key (a key read from the database may be older than the catalogue). */
export function isMessageKey(key: string): key is MessageKey {
	return key.includes('.') && typeof byKey[key] === 'function';
}

/** Renders a stored text in the reader's language. */
export function render(text: Text, locale?: Locale): string {
	const params: Record<string, string | number> = {};
	for (const [name, value] of Object.entries(text.params ?? {})) params[name] = typeof value === 'object' ? render(value, locale) : value;
	return t(text.key, params, locale);
}

/** Makes a stored text; the key is checked against the catalogue by the type system. */
export function text(key: MessageKey, params?: Record<string, TextParam>): Text {
	return params ? { key, params } : { key };
}
