// One timeline line in words, in the reader's language (timelineFor, for Timeline.svelte). A line's data keeps what the system said
// as a stored text (a key and its parameters: a reason, a material's kind), so it reads in whichever language the
// reader chose; lines written before keep their words, which are shown as they are.
import { render, t, type Locale, type MessageKey, type Text } from '../../i18n/index.ts';
import { m } from '../../paraglide/messages.js';

export interface TimelineLine {
	kind: string;
	data: Record<string, unknown>;
}

/** A stored text, as it comes back from the database: an object with a string `key`. */
export function isText(value: unknown): value is Text {
	return !!value && typeof value === 'object' && !Array.isArray(value) && typeof (value as { key?: unknown }).key === 'string';
}

/** A data value in words: a stored text rendered, anything else (a name, a title, words written before) as it is. */
export function wordsOf(value: unknown, locale?: Locale): string {
	if (isText(value)) return render(value, locale);
	return String(value ?? '');
}

/** What happened, in one line; the kind itself when the catalogue does not know it. */
export function describeLine(e: TimelineLine, locale?: Locale): string {
	const d = e.data;
	const options = locale ? { locale } : undefined;
	const words = (v: unknown) => wordsOf(v, locale);
	const level = (v: unknown) => t(`level.short.${String(v)}` as MessageKey, undefined, locale);
	switch (e.kind) {
		case 'incident.logged':
			return m['timeline.incident.logged']({ level: level(d.level) }, options);
		case 'incident.level_changed':
			return m['timeline.incident.level_changed']({ from: level(d.from), to: level(d.to) }, options) + (d.reason ? `（${words(d.reason)}）` : '');
		case 'clock.notified': {
			const people = (d.people as string[] | undefined) ?? [];
			return people.length
				? m['timeline.clock.notified']({ rule: words(d.rule), people: people.join('、') }, options)
				: m['timeline.clock.notified_nobody']({ rule: words(d.rule) }, options);
		}
		case 'delivery.sent':
		case 'delivery.failed':
		case 'delivery.received':
		case 'delivery.opened':
			return t(
				`timeline.${e.kind}` as MessageKey,
				{
					rule: words(d.rule),
					person: words(d.person),
					channel: t(`channel.${String(d.channel)}` as MessageKey, undefined, locale),
					reason: words(d.reason)
				},
				locale
			);
		default: {
			const key = `timeline.${e.kind}` as MessageKey;
			const params = Object.fromEntries(Object.entries(d).map(([k, v]) => [k, words(v)]));
			const line = t(key, params, locale);
			return line === key ? e.kind : line;
		}
	}
}
