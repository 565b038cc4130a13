// node bench/explain-app.ts — every statement the app runs for each screen and list, at the scale of a province
// (bench/lib/scale-data.ts), with the plan PostgreSQL actually used: auto_explain logs each statement's plan with
// its real row counts, and this prints, per target, how many statements it ran, their time in PostgreSQL, the
// slowest, and every sequential scan that read more than EXPLAIN_ROWS (1,000) rows of a table — on a growing table a
// hot path must not have one. Exits 1 if any target has one (the growing tables are listed below). EXPLAIN_SHOW=name
// prints that target's plans whole; EXPLAIN_ONLY=name,name runs only those; EXPLAIN_KEEP=1 keeps the generated
// data between runs (.data/pg-bench-explain). Needs the production build (`npm run build`).
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { ROOT, createDatabaseIfMissing, onShutdown, prepareDatabase } from '../scripts/lib/database.ts';
import { freePort, startEmbeddedPostgres } from '../scripts/lib/embedded-pg.ts';
import { serveApp, type AppServer } from '../scripts/lib/serve.ts';
import { headersFor, signIn, sleep, trpc } from './lib/load.ts';
import { generateScale, type ScaleSummary } from './lib/scale-data.ts';

const ROWS = Number(process.env.EXPLAIN_ROWS ?? 1000);
const SHOW = process.env.EXPLAIN_SHOW ?? null;
const ONLY = process.env.EXPLAIN_ONLY?.split(',').map((s) => s.trim()).filter(Boolean) ?? null;
const KEEP = process.env.EXPLAIN_KEEP === '1';

/** Tables that grow with the years: a sequential scan of one of these on a screen's path is a defect. */
const GROWING = new Set([
	'incidents', 'clocks', 'clock_notices', 'breaches', 'opinion_items', 'opinion_sightings', 'releases', 'release_versions',
	'documents', 'document_versions', 'conferences', 'timeline_events', 'notifications', 'deliveries', 'signoff_requests', 'approvals',
	'audit_log', 'clock_acknowledgements', 'release_reviews', 'release_publications', 'materials', 'opinion_responses', 'sessions'
]);

type Who = 'officeAdmin' | 'departmentDuty' | 'leader';

// One log entry per statement: "<time> [pid] huiying: LOG:  duration: 1.234 ms  plan:\n\tQuery Text: …\n\t<plan>".
const ENTRY = /^\S+ \S+ \S+ \[\d+\] (\S*): LOG: {2}duration: ([\d.]+) ms {2}plan:\n([\s\S]*?)(?=^\S+ \S+ \S+ \[\d+\] |(?![\s\S]))/gm;

let logText = '';
let capturing = false;
const pg = await startEmbeddedPostgres({
	dir: resolve(ROOT, '.data', 'pg-bench-explain'),
	fresh: !KEEP,
	quiet: true,
	settings: ['log_line_prefix=%m [%p] %a: ', 'auto_explain.log_analyze=on', 'auto_explain.log_timing=off', 'auto_explain.log_nested_statements=on'],
	onLog: (text) => {
		if (capturing) logText += text;
	}
});
let server: AppServer | null = null;
const stopAll = async () => {
	await server?.stop();
	server = null;
	await pg.stop();
};
onShutdown(stopAll);

interface Target {
	name: string;
	who: Who;
	path: string;
}

try {
	await createDatabaseIfMissing(pg.url, 'bench');
	const databaseUrl = pg.url.replace(/\/postgres$/, '/bench');
	const { sql } = await prepareDatabase(databaseUrl, { demo: true });
	await sql.unsafe(`alter database bench reset auto_explain.log_min_duration`);
	const [kept] = await sql<{ n: number }[]>`select count(*)::int as n from incidents`;
	const scale = KEEP && kept!.n > 50_000 ? await keptScale(sql) : await generateScale(sql);
	const [incident] = await sql<{ id: string }[]>`select id from incidents where status = 'open' order by occurred_at desc limit 1`;
	const [item] = await sql<{ id: string }[]>`select id from opinion_items where status = 'assessed' order by first_seen_at desc limit 1`;
	const [release] = await sql<{ id: string }[]>`select id from releases order by updated_at desc limit 1`;
	const [document] = await sql<{ id: string }[]>`select id from documents order by updated_at desc limit 1`;
	const [conference] = await sql<{ id: string }[]>`select id from conferences order by planned_at desc limit 1`;
	// Every new session of the app's database explains each of its statements (the generator's own were not).
	await sql.unsafe(`alter database bench set session_preload_libraries = 'auto_explain'`);
	await sql.unsafe(`alter database bench set auto_explain.log_min_duration = 0`);
	await sql.end({ timeout: 5 });

	const targets: Target[] = [
		{ name: 'page /', who: 'officeAdmin', path: '/' },
		{ name: 'page / (duty)', who: 'departmentDuty', path: '/' },
		{ name: 'page / (leader)', who: 'leader', path: '/' },
		{ name: 'page /incidents', who: 'officeAdmin', path: '/incidents' },
		{ name: 'page /incidents?q=火灾', who: 'officeAdmin', path: '/incidents?q=%E7%81%AB%E7%81%BE' },
		{ name: 'page /incidents (duty)', who: 'departmentDuty', path: '/incidents' },
		{ name: 'page /incidents/[id]', who: 'officeAdmin', path: `/incidents/${incident!.id}` },
		{ name: 'page /opinions', who: 'officeAdmin', path: '/opinions' },
		{ name: 'page /opinions?status=all', who: 'officeAdmin', path: '/opinions?status=all' },
		{ name: 'page /opinions?status=closed', who: 'officeAdmin', path: '/opinions?status=closed' },
		{ name: 'page /opinions/[id]', who: 'officeAdmin', path: `/opinions/${item!.id}` },
		{ name: 'page /releases', who: 'officeAdmin', path: '/releases' },
		{ name: 'page /releases/[id]', who: 'officeAdmin', path: `/releases/${release!.id}` },
		{ name: 'page /documents', who: 'officeAdmin', path: '/documents' },
		{ name: 'page /documents/[id]', who: 'officeAdmin', path: `/documents/${document!.id}` },
		{ name: 'page /conferences', who: 'officeAdmin', path: '/conferences' },
		{ name: 'page /conferences/[id]', who: 'officeAdmin', path: `/conferences/${conference!.id}` },
		{ name: 'page /clocks', who: 'officeAdmin', path: '/clocks' },
		{ name: 'page /inbox (leader)', who: 'leader', path: '/inbox' },
		{ name: 'page /admin/breaches', who: 'officeAdmin', path: '/admin/breaches' },
		{ name: 'page /admin/people', who: 'officeAdmin', path: '/admin/people' },
		{ name: 'page /me/notifications', who: 'officeAdmin', path: '/me/notifications' },
		{ name: 'incident.list', who: 'officeAdmin', path: trpc('incident.list') },
		{ name: 'opinion.list all', who: 'officeAdmin', path: trpc('opinion.list', { status: null }) },
		{ name: 'release.list', who: 'officeAdmin', path: trpc('release.list') },
		{ name: 'document.list', who: 'officeAdmin', path: trpc('document.list') },
		{ name: 'conference.list', who: 'officeAdmin', path: trpc('conference.list') },
		{ name: 'clock.mine', who: 'officeAdmin', path: trpc('clock.mine') },
		{ name: 'inbox.list (leader)', who: 'leader', path: trpc('inbox.list') },
		{ name: 'breach.list', who: 'officeAdmin', path: trpc('breach.list') },
		{ name: 'person.list', who: 'officeAdmin', path: trpc('person.list') },
		{ name: 'person.list search', who: 'officeAdmin', path: trpc('person.list', { q: '王 138' }) },
		{ name: 'person.list principals', who: 'officeAdmin', path: trpc('person.list', { role: 'principal', active: true, limit: 10 }) },
		{ name: 'obligation.shortfalls', who: 'officeAdmin', path: trpc('obligation.shortfalls') }
	];

	server = await serveApp({ databaseUrl, port: await freePort(), quiet: true, buildDir: process.env.BUILD_DIR });
	const base = server.url;
	const cookies = {} as Record<Who, string>;
	for (const who of Object.keys(scale.personas) as Who[]) cookies[who] = await signIn(base, scale.personas[who], scale.password);

	let failed = 0;
	console.log(`sequential scans reading more than ${ROWS} rows of a growing table are marked ✗\n`);
	console.log(`${'target'.padEnd(32)} ${'status'.padStart(6)} ${'stmts'.padStart(6)} ${'db ms'.padStart(8)} ${'slowest'.padStart(8)}  sequential scans`);
	for (const t of targets.filter((t) => !ONLY || ONLY.includes(t.name))) {
		// once to warm the caches, once read
		await fetch(`${base}${t.path}`, { headers: headersFor(t.path, cookies[t.who]), redirect: 'manual' }).then((r) => r.arrayBuffer());
		await sleep(300);
		logText = '';
		capturing = true;
		const res = await fetch(`${base}${t.path}`, { headers: headersFor(t.path, cookies[t.who]), redirect: 'manual', signal: AbortSignal.timeout(30_000) });
		await res.arrayBuffer();
		await sleep(500);
		capturing = false;
		const plans = [...logText.matchAll(ENTRY)].filter((m) => m[1] === 'huiying').map((m) => ({ ms: Number(m[2]), plan: m[3]! }));
		const scans = plans.flatMap((p) =>
			[...p.plan.matchAll(/Seq Scan on (\w+)[^\n]*\(actual rows=([\d.]+) loops=(\d+)\)(?:\n\s*Filter:[^\n]*\n\s*Rows Removed by Filter: (\d+))?/g)].map((s) => ({
				table: s[1]!,
				rows: Math.round((Number(s[2]) + Number(s[4] ?? 0) / Number(s[3])) * Number(s[3]))
			}))
		);
		const bad = scans.filter((s) => GROWING.has(s.table) && s.rows > ROWS);
		if (bad.length) failed++;
		const total = plans.reduce((a, p) => a + p.ms, 0);
		const slowest = Math.max(0, ...plans.map((p) => p.ms));
		const shown = scans.filter((s) => s.rows > ROWS).map((s) => `${GROWING.has(s.table) ? '✗ ' : ''}${s.table} (${s.rows.toLocaleString('en')} rows)`);
		console.log(`${t.name.padEnd(32)} ${String(res.status).padStart(6)} ${String(plans.length).padStart(6)} ${total.toFixed(1).padStart(8)} ${slowest.toFixed(1).padStart(8)}  ${shown.join(', ') || '–'}`);
		if (SHOW === t.name) for (const p of plans) console.log(`\n--- ${p.ms} ms\n${p.plan}`);
	}
	console.log(`\n${failed ? `${failed} target(s) scan a growing table` : 'no target scans a growing table'}; node ${process.version}, ${new Date().toISOString()}, ${availableParallelism()} cores`);
	process.exitCode = failed ? 1 : 0;
} finally {
	await stopAll();
}

/** The personas of data generated by an earlier run (EXPLAIN_KEEP). */
async function keptScale(sql: Awaited<ReturnType<typeof prepareDatabase>>['sql']): Promise<Pick<ScaleSummary, 'personas' | 'password'>> {
	const persona = async (username: string) => {
		const [p] = await sql<ScaleSummary['personas']['leader'][]>`
			select p.id, p.username, p.name, u.name as unit from people p join units u on u.id = p.unit_id where p.username = ${username}`;
		return p!;
	};
	return {
		personas: { officeAdmin: await persona('jc-admin'), departmentDuty: await persona('jc-d01-duty'), leader: await persona('lc-vice') },
		password: 'jiangcheng-2026'
	};
}
