// The boundaries docs/architecture.md draws, checked on the source so they hold as the code grows: what the browser
// may import, who may touch the database, the one writer of clocks and of sign-off decisions, how domains see each
// other, and how long a file may grow. Reads files only; no database.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const SRC = join(ROOT, 'src');

interface SourceFile {
	path: string; // relative to the repository, with forward slashes
	text: string;
}

function walk(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
		e.isDirectory() ? walk(join(dir, e.name)) : /\.(ts|svelte)$/.test(e.name) ? [join(dir, e.name)] : []
	);
}

const files: SourceFile[] = walk(SRC).map((p) => ({ path: relative(ROOT, p).replaceAll('\\', '/'), text: readFileSync(p, 'utf8') }));
const isSpec = (f: SourceFile) => /\.spec\.ts$/.test(f.path);
const code = files.filter((f) => !isSpec(f));

interface Import {
	from: string; // as written
	target: string; // resolved, relative to the repository ('postgres' etc. stay bare)
	typeOnly: boolean;
}

/** The script of a component, or the whole file. */
const scriptOf = (f: SourceFile) =>
	f.path.endsWith('.svelte') ? [...f.text.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n') : f.text;

function importsOf(f: SourceFile): Import[] {
	const text = scriptOf(f);
	const found: Import[] = [];
	const add = (from: string, typeOnly: boolean) => {
		let target = from;
		if (from.startsWith('$lib/')) target = `src/lib/${from.slice(5)}`;
		else if (from.startsWith('.')) target = relative(ROOT, resolve(ROOT, dirname(f.path), from)).replaceAll('\\', '/');
		found.push({ from, target, typeOnly });
	};
	for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?([\s\S]*?)\s+from\s+['"]([^'"]+)['"]/gm)) {
		const [, , typeWord, names = '', from = ''] = m;
		const allTypes = !!typeWord || (/^\{[\s\S]*\}$/.test(names.trim()) && names.replace(/[{}\s]/g, '').split(',').filter(Boolean).every((n) => n.startsWith('type')));
		add(from, allTypes);
	}
	for (const [, from = ''] of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) add(from, false);
	for (const [, from = ''] of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) add(from, false);
	return found;
}

/** Code that runs in the browser: everything outside the server's folder but server-only route files and hooks. */
const runsInBrowser = (f: SourceFile) =>
	!f.path.startsWith('src/lib/server/') &&
	!/(^|\/)\+server\.ts$|\.server\.ts$/.test(f.path) &&
	f.path !== 'src/hooks.server.ts';

const violations = (pick: (f: SourceFile) => boolean, bad: (i: Import, f: SourceFile) => boolean) =>
	code.filter(pick).flatMap((f) => importsOf(f).filter((i) => bad(i, f)).map((i) => `${f.path} → ${i.from}`));

/** A statement that changes rows of the table, wherever it is written in SQL. */
const writes = (table: string) => new RegExp(`\\b(insert\\s+into|update|delete\\s+from)\\s+${table}\\b`, 'i');

describe('boundaries', () => {
	it('reads the imports it checks', () => {
		const sample = { path: 'src/lib/x/y.ts', text: "import { a } from '../server/db.ts';\nimport type { B } from '$lib/server/z.ts';\nimport { type C } from './c.ts';\n" };
		expect(importsOf(sample)).toEqual([
			{ from: '../server/db.ts', target: 'src/lib/server/db.ts', typeOnly: false },
			{ from: '$lib/server/z.ts', target: 'src/lib/server/z.ts', typeOnly: true },
			{ from: './c.ts', target: 'src/lib/x/c.ts', typeOnly: true }
		]);
		expect(code.length).toBeGreaterThan(100);
	});

	it('the browser never imports server code (types excepted: they vanish in the build)', () => {
		expect(violations(runsInBrowser, (i) => !i.typeOnly && i.target.startsWith('src/lib/server/'))).toEqual([]);
	});

	it('routes and components never import the database: they go through a procedure, which checks reach', () => {
		const pick = (f: SourceFile) => f.path.startsWith('src/routes/') || f.path.startsWith('src/lib/components/');
		expect(violations(pick, (i) => !i.typeOnly && (i.target === 'src/lib/server/db.ts' || i.target === 'postgres'))).toEqual([]);
	});

	it('only clocks/ writes clocks', () => {
		const outside = code.filter((f) => f.path.startsWith('src/lib/server/') && !f.path.startsWith('src/lib/server/clocks/'));
		expect(outside.filter((f) => writes('clocks').test(f.text)).map((f) => f.path)).toEqual([]);
	});

	it('only signoff/ decides sign-offs', () => {
		const table = '(signoff_requests|signoff_reviews|release_reviews)';
		const outside = code.filter((f) => f.path.startsWith('src/lib/server/') && !f.path.startsWith('src/lib/server/signoff/'));
		expect(outside.filter((f) => writes(table).test(f.text)).map((f) => f.path)).toEqual([]);
	});

	it('a domain uses another only through its public module (index.ts); the tRPC root alone assembles the routers', () => {
		const domainOf = (path: string) => /^src\/lib\/server\/([^/]+)\//.exec(path)?.[1];
		const isTestSupport = (f: SourceFile) => /\/test-[^/]*\.ts$|-world\.ts$/.test(f.path);
		const pick = (f: SourceFile) => !!domainOf(f.path) && !isTestSupport(f);
		const bad = (i: Import, f: SourceFile) => {
			const other = domainOf(i.target);
			if (!other || other === domainOf(f.path)) return false;
			if (f.path === 'src/lib/server/trpc/root.ts' && /(\/|-)router\.ts$/.test(i.target)) return false;
			return i.target !== `src/lib/server/${other}/index.ts`;
		};
		expect(violations(pick, bad)).toEqual([]);
	});

	it('the browser names its messages and never loads the whole catalogue (each screen ships only its strings)', () => {
		expect(violations(runsInBrowser, (i) => !i.typeOnly && i.target === 'src/lib/i18n/index.ts')).toEqual([]);
		// `m[key]` with a variable key keeps every message in the bundle, in a chunk every screen then loads.
		const computed = code
			.filter(runsInBrowser)
			.flatMap((f) => [...scriptOf(f).matchAll(/\bm\[(?!['"])([^\]]*)\]/g), ...(f.path.endsWith('.svelte') ? f.text.replace(/<script[\s\S]*?<\/script>/g, '').matchAll(/\bm\[(?!['"])([^\]]*)\]/g) : [])].map((m) => `${f.path}: m[${m[1]}]`));
		expect(computed).toEqual([]);
	});

	it('no source file grows past 400 lines', () => {
		const long = files.filter((f) => f.text.split('\n').length > 400).map((f) => `${f.path} (${f.text.split('\n').length})`);
		expect(long).toEqual([]);
	});
});
