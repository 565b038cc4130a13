// Only clocks/ writes clocks: every start, move, hand-over, recount, cancellation and satisfaction goes through
// clocks/flows.ts or clocks/changes.ts, so each one reaches the timeline and re-plans its jobs. A write anywhere else in the app is a
// second copy of that logic, and this fails naming the file and the line.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const CLOCKS = join(import.meta.dirname);

// The clock tables: the clocks, what each has told and been told, its breach record, and the rules themselves.
const WRITE = /\b(insert\s+into|update|delete\s+from|truncate(\s+table)?)\s+(clocks|clock_notices|clock_acknowledgements|breaches|clock_rules)\b/gi;

function* sources(dir: string): Generator<string> {
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) {
			if (path !== CLOCKS) yield* sources(path);
		} else if (/\.(ts|js|svelte)$/.test(entry.name)) yield path;
	}
}

/** `file:line statement` for each write to a clock table in `text`. */
function writesIn(file: string, text: string): string[] {
	return [...text.matchAll(WRITE)].map((m) => `${file}:${text.slice(0, m.index).split('\n').length} ${m[0].replace(/\s+/g, ' ')}`);
}

describe('the one writer of clocks', () => {
	it('finds the writes it is looking for, on one line or across several', () => {
		const copy = "await tx`\n\t\t\t\tupdate clocks set starts_at = starts_at + make_interval(secs => 60)`;\nawait tx`UPDATE  clocks set unit_id = 1`;\nawait tx`insert into breaches (clock_id) values (1)`";
		expect(writesIn('copy.ts', copy)).toEqual(['copy.ts:2 update clocks', 'copy.ts:3 UPDATE clocks', 'copy.ts:4 insert into breaches']);
		// Reading clocks, or writing a table that merely starts with the word, is no write to them.
		expect(writesIn('read.ts', 'select id from clocks where status = 1; update clocks_archive set x = 1; update notifications set clock_id = 1')).toEqual([]);
	});

	it('is clocks/: no file elsewhere in the app writes a clock table', () => {
		const found = [...sources(join(ROOT, 'src'))].flatMap((path) => writesIn(relative(ROOT, path), readFileSync(path, 'utf8')));
		expect(found).toEqual([]);
	});
});
