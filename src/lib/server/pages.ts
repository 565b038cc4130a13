// A long list read a page at a time, by keyset: the client sends back the cursor of the last row it has, and the
// next page starts after it in the same order, served by an index, however deep. An offset would make PostgreSQL
// read and drop every row before the page, and would skip or repeat rows when new ones arrive between pages.
import type { PendingQuery, Row } from 'postgres';
import { z } from 'zod';
import type { Tx } from './db.ts';

/** The sort key of the last row of a page: what a query compares the next rows against. */
export type CursorKey = (string | number | boolean)[];

/** A page of rows and where the next one starts (null: this was the last). */
export interface Page<T> {
	items: T[];
	nextCursor: string | null;
}

export const encodeCursor = (key: CursorKey): string => Buffer.from(JSON.stringify(key)).toString('base64url');

/**
 * A cursor as sent back: opaque to the client, checked here to be the key it encodes (so many values of these
 * kinds), never trusted to be more. Anything else is a field error like any other malformed value.
 */
export function cursor<K extends z.ZodType<CursorKey>>(key: K) {
	return z
		.string()
		.max(400)
		.regex(/^[A-Za-z0-9_-]*$/)
		.transform((s, ctx) => {
			try {
				const parsed = key.safeParse(JSON.parse(Buffer.from(s, 'base64url').toString('utf8')));
				if (parsed.success) return parsed.data as z.output<K>;
			} catch {
				// not JSON: the same refusal as a key of the wrong shape
			}
			ctx.addIssue({ code: 'custom', input: s });
			return z.NEVER;
		})
		.nullable()
		.default(null);
}

/**
 * Rows read with `limit + 1` become a page: the extra row only says there is more, and the cursor is the key of
 * the last row kept.
 */
export function pageOf<R, T>(rows: R[], limit: number, keyOf: (row: R) => CursorKey, out: (row: R) => T): Page<T> {
	const kept = rows.slice(0, limit);
	const last = kept.at(-1);
	return { items: kept.map(out), nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null };
}

/**
 * A timestamp column as a cursor carries it: to the microsecond, as PostgreSQL keeps it. A JavaScript Date keeps
 * milliseconds and rounds, so a row's own cursor could sort after it and show it again on the next page.
 */
export function cursorTime(db: Tx, column: string | PendingQuery<Row[]>): PendingQuery<Row[]> {
	return db`to_char(${typeof column === 'string' ? db(column) : column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** A list's conditions, only those asked for, as one `where`: each must hold. */
export function allOf(db: Tx, conditions: PendingQuery<Row[]>[]): PendingQuery<Row[]> {
	return conditions.reduce((all, c) => db`${all} and ${c}`);
}
