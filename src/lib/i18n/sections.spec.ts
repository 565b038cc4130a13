// A domain's strings reach the browser only with the screens that import them (index.ts). This checks, for
// every screen, component and browser module, that each domain whose strings it names is imported by the
// file itself; otherwise the page would show a key like `release.submit` once it hydrates.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const SECTIONS_DIR = join(import.meta.dirname, 'zh-CN');

const keysOf = (text: string) => new Set([...text.matchAll(/^\t'([^']+)':/gm)].map((m) => m[1]!));
const base = keysOf(readFileSync(join(import.meta.dirname, 'zh-CN.ts'), 'utf8'));
const sections = readdirSync(SECTIONS_DIR)
	.filter((f) => f.endsWith('.ts'))
	.map((f) => ({ name: f.replace(/\.ts$/, ''), keys: keysOf(readFileSync(join(SECTIONS_DIR, f), 'utf8')) }));

function* files(dir: string): Generator<string> {
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) {
			if (!['server', 'i18n'].includes(entry.name)) yield* files(path);
		} else if (/\.(svelte|ts)$/.test(entry.name) && !entry.name.endsWith('.spec.ts') && !entry.name.endsWith('.server.ts')) yield path;
	}
}

/** The sections whose keys a file names: literally ('release.submit') or as a prefix (`release.status.${s}`). */
function sectionsUsed(source: string): string[] {
	const literals = new Set([...source.matchAll(/'([a-z_]+\.[A-Za-z_.]+)'/g)].map((m) => m[1]!));
	const prefixes = [...source.matchAll(/`([a-z_]+\.[A-Za-z_.]*)\$\{/g)].map((m) => m[1]!);
	return sections
		.filter(({ keys }) => [...literals].some((k) => keys.has(k)) || prefixes.some((p) => [...keys].some((k) => k.startsWith(p)) && ![...base].some((k) => k.startsWith(p))))
		.map((s) => s.name);
}

describe('domain strings in the browser', () => {
	it('knows the domain files', () => {
		expect(sections.map((s) => s.name).sort()).toEqual(['calendar', 'conferences', 'documents', 'experts', 'files', 'opinions', 'passkeys', 'releases', 'signoff']);
	});

	it('has every file import the domains whose strings it shows', () => {
		const missing: string[] = [];
		for (const path of [...files(join(ROOT, 'lib')), ...files(join(ROOT, 'routes'))]) {
			const source = readFileSync(path, 'utf8');
			for (const name of sectionsUsed(source))
				if (!source.includes(`$lib/i18n/zh-CN/${name}.ts'`)) missing.push(`${relative(ROOT, path)} → ${name}`);
		}
		expect(missing).toEqual([]);
	});

	it('defines no key twice', () => {
		const all = [[...base], ...sections.map((s) => [...s.keys])].flat();
		expect(all.filter((k, i) => all.indexOf(k) !== i)).toEqual([]);
	});
});
