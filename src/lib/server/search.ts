// Finding a record by words of its text in Chinese, where words are not separated by spaces: a column's pairs of
// adjacent characters are kept in a GIN-indexed array (`text_bigrams`, migration 0018), which narrows the rows, and
// `ilike` then checks the characters are adjacent. `%` and `_` typed by a person are searched for, not wildcards.
import type { PendingQuery, Row } from 'postgres';
import type { Tx } from './db.ts';
import { text } from './trpc/fields.ts';

/** What a person types into a list's search box: up to 50 characters; words separated by spaces. */
export const searchText = () => text(50).default('');

/** The words of a search, at most five: each must be found. */
export const wordsOf = (q: string): string[] => q.split(/\s+/).filter(Boolean).slice(0, 5);

const likeWord = (w: string) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The conditions that `column` holds every word, `bigrams` being its `text_bigrams` column. Written per word, so
 * PostgreSQL plans each search for its words (db.ts: custom plans), weighing their pairs against the column's
 * statistics: the GIN index for a rare word, the list's own order for a common one.
 */
export function holdsWords(db: Tx, column: string, bigrams: string, words: string[]): PendingQuery<Row[]>[] {
	return words.flatMap((word) => [
		...([...word].length >= 2 ? [db`${db(bigrams)} @> text_bigrams(${word})`] : []),
		db`${db(column)} ilike ${likeWord(word)}`
	]);
}
