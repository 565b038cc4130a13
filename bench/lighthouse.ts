// npm run bench:lighthouse — Lighthouse (mobile, its default) Accessibility and Best Practices on the screens a
// duty officer goes through at three in the morning: sign-in, 工作台, the incident form and an incident's page.
// --scale: the same and Performance, on the province of bench/lib/scale-data.ts (100,000 incidents), as the
// province office's admin, on those screens and every list.
// --runs=N (1–9, 1 unless told): each screen N times, reported by the run with the median Performance score, all
// runs' scores beside it — single runs of the same build scatter by 5–10 points.
// Needs the production build (`npm run build`; BUILD_DIR for another one) and Debian's Chromium. Lighthouse is
// not a dependency of the app: it runs through npx (LIGHTHOUSE for another version or a local binary).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { ROOT, createDatabaseIfMissing, onShutdown } from '../scripts/lib/database.ts';
import { findChromium } from '../scripts/lib/chromium.ts';
import { freePort, startEmbeddedPostgres } from '../scripts/lib/embedded-pg.ts';
import { run, serveApp, type AppServer } from '../scripts/lib/serve.ts';
import { fireWrites, leadUnitId, mintSession } from '../tests/support/write-burst.ts';
import { generateScale } from './lib/scale-data.ts';

const LIGHTHOUSE = process.env.LIGHTHOUSE ?? 'lighthouse@12';
const SCALE = process.argv.includes('--scale');
const RUNS = Math.min(9, Math.max(1, Math.trunc(Number(process.argv.find((a) => a.startsWith('--runs='))?.slice('--runs='.length) ?? 1)) || 1));
const CATEGORIES = SCALE ? (['performance', 'accessibility', 'best-practices'] as const) : (['accessibility', 'best-practices'] as const);
type Category = (typeof CATEGORIES)[number];
const exec = promisify(execFile);

interface Report {
	categories: Record<Category, { score: number; auditRefs: { id: string; weight: number }[] }>;
	audits: Record<string, { score: number | null; title: string; scoreDisplayMode: string; displayValue?: string }>;
}

const chrome = await findChromium();
if (!chrome) throw new Error('No Chromium: run `node scripts/ensure-chromium.ts`.');
const pg = await startEmbeddedPostgres({ dir: resolve(ROOT, '.data', 'pg-bench-lighthouse'), fresh: true, quiet: true });
let server: AppServer | null = null;
const out = mkdtempSync(join(tmpdir(), 'huiying-lighthouse-'));
onShutdown(async () => {
	await server?.stop();
	await pg.stop();
});

try {
	await createDatabaseIfMissing(pg.url, 'bench_lighthouse');
	const databaseUrl = pg.url.replace(/\/postgres$/, '/bench_lighthouse');
	let cookie: string;
	let incidentId: string;
	// The demo organisation in a child process, as below: this process's server modules (imported by write-burst.ts)
	// were bound to no database when they were first imported.
	await run(process.execPath, [resolve(ROOT, 'scripts', 'demo-database.ts')], { ...process.env, DATABASE_URL: databaseUrl });
	if (SCALE) {
		const sql = postgres(databaseUrl, { max: 4, onnotice: () => {}, transform: postgres.camel });
		try {
			const scale = await generateScale(sql);
			cookie = await mintSession(databaseUrl, scale.personas.officeAdmin.username);
			// an open level II incident with its clocks running, as the duty officer's below
			const [incident] = await sql<{ id: string }[]>`
				select i.id from incidents i where i.status = 'open' and i.level = 2
					and exists (select 1 from clocks c where c.subject = 'incident' and c.subject_id = i.id and c.status = 'running')
				order by i.occurred_at desc limit 1`;
			incidentId = incident!.id;
		} finally {
			await sql.end({ timeout: 5 });
		}
		server = await serveApp({ databaseUrl, port: await freePort(), quiet: true, buildDir: process.env.BUILD_DIR });
	} else {
		cookie = await mintSession(databaseUrl, 'em-duty');
		server = await serveApp({ databaseUrl, port: await freePort(), quiet: true, buildDir: process.env.BUILD_DIR });
		// one incident of the duty officer's, for its page
		const burst = await fireWrites({ url: server.url, cookie, leadUnitId: await leadUnitId(databaseUrl), count: 1, timeoutMs: 30_000 });
		if (burst.statuses[0] !== 200) throw new Error(`could not log the incident (${burst.statuses.join()})`);
		const db = postgres(databaseUrl, { max: 1, onnotice: () => {} });
		const [incident] = await db<{ id: string }[]>`select id from incidents order by created_at desc limit 1`;
		await db.end();
		incidentId = incident!.id;
	}

	const screens = [
		{ name: '登录', path: '/login', signedIn: false },
		{ name: '工作台', path: '/', signedIn: true },
		{ name: '登记突发事件', path: '/incidents/new', signedIn: true },
		{ name: '事件页', path: `/incidents/${incidentId}`, signedIn: true },
		...(SCALE
			? [
					{ name: '突发事件', path: '/incidents', signedIn: true },
					{ name: '舆情', path: '/opinions', signedIn: true },
					{ name: '新闻稿', path: '/releases', signedIn: true },
					{ name: '文件', path: '/documents', signedIn: true },
					{ name: '发布会', path: '/conferences', signedIn: true },
					{ name: '超时与问责', path: '/admin/breaches', signedIn: true },
					{ name: '通知', path: '/inbox', signedIn: true },
					{ name: '人员', path: '/admin/people', signedIn: true }
				]
			: [])
	];
	const rows: string[] = [];
	for (const screen of screens) {
		const reports: Report[] = [];
		for (let run = 0; run < RUNS; run++) {
			const file = join(out, `${screen.path.replace(/\W+/g, '_') || 'home'}-${run}.json`);
			const args = [
				'--yes',
				LIGHTHOUSE,
				`${server.url}${screen.path}`,
				`--only-categories=${CATEGORIES.join(',')}`,
				'--output=json',
				`--output-path=${file}`,
				'--quiet',
				'--chrome-flags=--headless=new --no-sandbox --disable-gpu',
				...(screen.signedIn ? [`--extra-headers=${JSON.stringify({ Cookie: cookie })}`] : [])
			];
			await exec('npx', args, { env: { ...process.env, CHROME_PATH: chrome }, maxBuffer: 64 * 1024 * 1024, timeout: 180_000 });
			reports.push(JSON.parse(readFileSync(file, 'utf8')) as Report);
		}
		// The run with the median Performance score stands for the screen.
		const ranked = SCALE ? [...reports].sort((a, b) => a.categories.performance.score - b.categories.performance.score) : reports;
		const report = ranked[Math.floor((ranked.length - 1) / 2)]!;
		const runs = SCALE && RUNS > 1 ? ` (${reports.map((r) => Math.round(r.categories.performance.score * 100)).join(', ')})` : '';
		const failing = CATEGORIES.filter((c) => c !== 'performance').flatMap((c) =>
			report.categories[c].auditRefs
				.filter((ref) => ref.weight > 0 && report.audits[ref.id]?.score !== null && (report.audits[ref.id]?.score ?? 1) < 1)
				.map((ref) => ref.id)
		);
		const score = (c: keyof Report['categories']) => Math.round(report.categories[c].score * 100);
		const timings = ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift']
			.map((id) => report.audits[id]?.displayValue ?? '–')
			.join(' / ');
		const perf = SCALE ? ` ${score('performance')}${runs} | ${timings} |` : '';
		rows.push(`| ${screen.name} | \`${screen.path.replace(/[0-9a-f-]{36}/, ':id')}\` |${perf} ${score('accessibility')} | ${score('best-practices')} | ${failing.join(', ') || '—'} |`);
		console.log(rows.at(-1));
	}
	const head = SCALE
		? ['| screen | path | Performance | FCP / LCP / TBT / CLS | Accessibility | Best Practices | audits below full marks |', '| --- | --- | --- | --- | --- | --- | --- |']
		: ['| screen | path | Accessibility | Best Practices | audits below full marks |', '| --- | --- | --- | --- | --- |'];
	console.log(['', ...head, ...rows].join('\n'));
} finally {
	rmSync(out, { recursive: true, force: true });
	await server?.stop();
	await pg.stop();
}
