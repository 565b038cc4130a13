// Text helpers the channels share: fitting what people typed into a platform's limit without
// cutting a character (or an escape) in half, keeping links inside the app, and reading stored text.
import { isMessageKey, text, type Text } from '../../i18n/index.ts';

const graphemes = new Intl.Segmenter('zh', { granularity: 'grapheme' });

export const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/**
 * The longest prefix of `text`, cut between whole characters (graphemes), whose pieces fit `budget` as
 * `cost` counts them; an ellipsis marks a cut. `encode` maps each piece first (HTML escaping, say), so an
 * escape sequence is never cut either.
 */
export function fitText(text: string, budget: number, cost: (piece: string) => number, encode: (piece: string) => string = (p) => p): string {
	const pieces = [...graphemes.segment(text)].map(({ segment }) => encode(segment));
	if (pieces.reduce((sum, piece) => sum + cost(piece), 0) <= budget) return pieces.join('');
	let used = cost('…');
	let out = '';
	for (const piece of pieces) {
		if (used + cost(piece) > budget) break;
		used += cost(piece);
		out += piece;
	}
	return used > budget ? '' : `${out}…`;
}

// Control characters other than the line break would show as boxes, or be refused by the platform.
export const plain = (text: string) => text.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0009\u000B-\u001F\u007F]/g, ' ');

/** The absolute link for one tap; anything that would leave the app's origin falls back to its home page. */
export function absoluteUrl(publicOrigin: string, path: string): string {
	const origin = new URL(publicOrigin).origin;
	const url = new URL(path, origin);
	return url.origin === origin ? url.href : `${origin}/`;
}

/** `1.5 秒` in the reader's language, for failure reasons shown to office admins. */
export const seconds = (ms: number): Text => text('notify.seconds', { n: Number((ms / 1_000).toFixed(1)) });

/** Words a person typed (or written before texts were stored as keys): kept as they are, in every language. */
export const verbatim = (words: string): Text => text('common.verbatim', { text: words });

/**
 * A jsonb text column as read: a catalogue key with its parameters, or, for a key the catalogue no longer
 * has or a bare string, the words as they were.
 */
export function storedText(value: unknown): Text {
	if (typeof value === 'string') return verbatim(value);
	if (value && typeof value === 'object' && typeof (value as { key?: unknown }).key === 'string') {
		const { key, params } = value as { key: string; params?: Record<string, unknown> };
		if (isMessageKey(key)) {
			const kept: Text['params'] = {};
			for (const [name, v] of Object.entries(params ?? {}))
				kept[name] = typeof v === 'string' || typeof v === 'number' ? v : storedText(v);
			return params ? { key, params: kept } : { key };
		}
		const words = params && typeof params.text === 'string' ? params.text : key;
		return verbatim(words);
	}
	return verbatim(value === null || value === undefined ? '' : JSON.stringify(value));
}
