// The catalogue is complete in every language, and words shown to people come only from it.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const settings = JSON.parse(readFileSync(join(ROOT, 'project.inlang', 'settings.json'), 'utf8')) as {
	baseLocale: string;
	locales: string[];
	'plugin.inlang.messageFormat': { pathPattern: string[] };
};
const patterns = settings['plugin.inlang.messageFormat'].pathPattern;
const catalogue = (locale: string, pattern: string): Record<string, string> => {
	const { $schema: _, ...messages } = JSON.parse(readFileSync(join(ROOT, pattern.replace('{locale}', locale)), 'utf8')) as Record<string, string>;
	return messages;
};
const placeholders = (text: string) => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

function* sourceFiles(dir: string): Generator<string> {
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) {
			if (entry.name !== 'paraglide') yield* sourceFiles(path);
		} else if (/\.(ts|svelte)$/.test(entry.name)) yield path;
	}
}
/** Tests and the worlds they build hold Chinese data (names of units, titles), not interface text. */
const isTestCode = (path: string) => /\.spec\.ts$|[/]test-[^/]*\.ts$|-world\.ts$/.test(path);

/** The string and template literals of a line, comments (// and SQL's --) left out. */
function literalsOf(source: string): { line: number; text: string }[] {
	const found: { line: number; text: string }[] = [];
	const lines = source.split('\n');
	let inBlockComment = false;
	lines.forEach((raw, i) => {
		let line = raw;
		if (inBlockComment) {
			const end = line.indexOf('*/');
			if (end < 0) return;
			line = line.slice(end + 2);
			inBlockComment = false;
		}
		if (/^\s*(\*|\/\*\*?|<!--)/.test(line)) {
			inBlockComment = line.includes('/*') && !line.includes('*/');
			return;
		}
		line = line.replace(/\s(\/\/|--)\s.*$/, '').replace(/<!--.*?-->/g, '');
		for (const m of line.matchAll(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`?/g)) found.push({ line: i + 1, text: m[0] });
	});
	return found;
}

describe('the message catalogue', () => {
	const base = settings.baseLocale;

	it('has every message in every language, with the same placeholders', () => {
		const problems: string[] = [];
		for (const pattern of patterns) {
			const source = catalogue(base, pattern);
			for (const locale of settings.locales.filter((l) => l !== base)) {
				const other = catalogue(locale, pattern);
				for (const [key, text] of Object.entries(source)) {
					if (!(key in other)) problems.push(`${locale}: missing ${key}`);
					else if (placeholders(text).join() !== placeholders(other[key]!).join()) problems.push(`${locale}: ${key} has other placeholders`);
				}
				for (const key of Object.keys(other)) if (!(key in source)) problems.push(`${locale}: ${key} is not in ${base}`);
			}
		}
		expect(problems).toEqual([]);
	});

	it('has no English message left in Chinese', () => {
		const left: string[] = [];
		for (const pattern of patterns) {
			for (const [key, text] of Object.entries(catalogue('en', pattern))) if (CJK.test(text) && !key.startsWith('language.name_')) left.push(key);
		}
		expect(left).toEqual([]);
	});

	it('has no two keys that compile to one function (a dot and an underscore are the same there)', () => {
		const seen = new Map<string, string>();
		const clashes: string[] = [];
		for (const pattern of patterns) {
			for (const key of Object.keys(catalogue(base, pattern))) {
				const id = key.replace(/[^A-Za-z0-9]/g, '_');
				if (seen.has(id)) clashes.push(`${seen.get(id)} ~ ${key}`);
				seen.set(id, key);
			}
		}
		expect(clashes).toEqual([]);
	});

	it('knows every key the code names', () => {
		const keys = new Set(patterns.flatMap((p) => Object.keys(catalogue(base, p))));
		const unknown: string[] = [];
		for (const path of sourceFiles(join(ROOT, 'src'))) {
			const source = readFileSync(path, 'utf8').replace(/^\s*(\/\/|\*).*$/gm, '');
			for (const m of source.matchAll(/(?:\bm\[|\b(?:t|text)\()'([a-z_]+\.[A-Za-z0-9_.]+)'/g)) if (!keys.has(m[1]!)) unknown.push(`${relative(ROOT, path)}: ${m[1]}`);
		}
		expect(unknown).toEqual([]);
	});

	it('has no Chinese words in code outside the catalogue', () => {
		const found: string[] = [];
		for (const path of sourceFiles(join(ROOT, 'src'))) {
			if (isTestCode(path)) continue;
			for (const { line, text } of literalsOf(readFileSync(path, 'utf8'))) if (CJK.test(text)) found.push(`${relative(ROOT, path)}:${line} ${text.slice(0, 60)}`);
		}
		expect(found).toEqual([]);
	});
});
