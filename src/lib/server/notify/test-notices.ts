// Test code: notices as stored (title, body and settled note are texts, jsonb) read in one language, as the
// inbox reads them for its reader and the channels for their recipient.
import { render, type Locale } from '../../i18n/index.ts';
import { storedText } from './text.ts';

type Stored = { title?: unknown; body?: unknown; settledNote?: unknown };
type Read<T> = Omit<T, 'title' | 'body' | 'settledNote'> &
	(T extends { title: unknown } ? { title: string } : object) &
	(T extends { body: unknown } ? { body: string } : object) &
	(T extends { settledNote: unknown } ? { settledNote: string | null } : object);

/** The row with its texts rendered in `locale` (Chinese unless told). */
export function readNotice<T extends Stored>(row: T, locale: Locale = 'zh-CN'): Read<T> {
	const out: Record<string, unknown> = { ...row };
	for (const field of ['title', 'body', 'settledNote'] as const) {
		if (!(field in row)) continue;
		const value = row[field];
		out[field] = value === null || value === undefined ? null : render(storedText(value), locale);
	}
	return out as Read<T>;
}

/** Every row read in Chinese. */
export const inChinese = <T extends Stored>(rows: T[]): Read<T>[] => rows.map((row) => readNotice(row));
