// node bench/scale-load.ts — the app at the scale of a province after three years (bench/lib/scale-data.ts:
// 100 units, 100,000 incidents …): each list a screen asks for, and the pages / and /incidents, under
// SCALE_CLIENTS concurrent clients (50) for SCALE_SECONDS (30) after SCALE_WARMUP seconds (5), as the people who
// would ask (the province office, a department's duty officer, a leader). Prints requests/s, p50/p95/p99, errors
// and the size of each answer. SCALE_TARGETS=name,name runs only those.
// --overload: SCALE_OVERLOAD_CLIENTS (4 × SCALE_CLIENTS) on /incidents for SCALE_OVERLOAD_SECONDS (20) while a probe
// asks for /login every 250 ms; then how long until /incidents answers 200 in under 500 ms again.
// Needs the production build (`npm run build`; BUILD_DIR for another one).
import { request as httpRequest } from 'node:http';
import { availableParallelism, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { ROOT, createDatabaseIfMissing, onShutdown, prepareDatabase } from '../scripts/lib/database.ts';
import { freePort, startEmbeddedPostgres } from '../scripts/lib/embedded-pg.ts';
import { serveApp, type AppServer } from '../scripts/lib/serve.ts';
import { headersFor, ms, pct, signIn, sleep, trpc } from './lib/load.ts';
import { generateScale } from './lib/scale-data.ts';

const SECONDS = Number(process.env.SCALE_SECONDS ?? 30);
const WARMUP = Number(process.env.SCALE_WARMUP ?? 5);
const CLIENTS = Number(process.env.SCALE_CLIENTS ?? 50);
const OVERLOAD = process.argv.includes('--overload');
const OVERLOAD_CLIENTS = Number(process.env.SCALE_OVERLOAD_CLIENTS ?? CLIENTS * 4);
const OVERLOAD_SECONDS = Number(process.env.SCALE_OVERLOAD_SECONDS ?? 20);
const ONLY = process.env.SCALE_TARGETS?.split(',').map((s) => s.trim()).filter(Boolean) ?? null;
const TIMEOUT_MS = 10_000;

type Who = 'officeAdmin' | 'departmentDuty' | 'leader';
interface Target {
	name: string;
	who: Who;
	path: string;
}

const TARGETS: Target[] = [
	{ name: 'incident.list', who: 'officeAdmin', path: trpc('incident.list') },
	{ name: 'incident.list open', who: 'officeAdmin', path: trpc('incident.list', { status: 'open' }) },
	{ name: 'incident.list q=火灾', who: 'officeAdmin', path: trpc('incident.list', { q: '火灾' }) },
	{ name: 'incident.list (duty)', who: 'departmentDuty', path: trpc('incident.list') },
	{ name: 'incident.list (leader)', who: 'leader', path: trpc('incident.list') },
	{ name: 'opinion.list', who: 'officeAdmin', path: trpc('opinion.list') },
	{ name: 'opinion.list closed', who: 'officeAdmin', path: trpc('opinion.list', { status: 'closed' }) },
	{ name: 'opinion.list all', who: 'officeAdmin', path: trpc('opinion.list', { status: null }) },
	{ name: 'release.list q=火灾', who: 'officeAdmin', path: trpc('release.list', { q: '火灾' }) },
	{ name: 'release.list (duty)', who: 'departmentDuty', path: trpc('release.list') },
	{ name: 'release.list', who: 'officeAdmin', path: trpc('release.list') },
	{ name: 'document.list', who: 'officeAdmin', path: trpc('document.list') },
	{ name: 'conference.list', who: 'officeAdmin', path: trpc('conference.list') },
	{ name: 'clock.mine', who: 'officeAdmin', path: trpc('clock.mine') },
	{ name: 'clock.mine (duty)', who: 'departmentDuty', path: trpc('clock.mine') },
	{ name: 'inbox.list (leader)', who: 'leader', path: trpc('inbox.list') },
	{ name: 'inbox.unreadCount (leader)', who: 'leader', path: trpc('inbox.unreadCount') },
	{ name: 'breach.list', who: 'officeAdmin', path: trpc('breach.list') },
	{ name: 'signoff.mine (leader)', who: 'leader', path: trpc('signoff.mine') },
	{ name: 'unit.list', who: 'officeAdmin', path: trpc('unit.list') },
	{ name: 'person.list', who: 'officeAdmin', path: trpc('person.list') },
	{ name: 'person.list q=刘', who: 'officeAdmin', path: trpc('person.list', { q: '刘' }) },
	{ name: 'obligation.shortfalls', who: 'officeAdmin', path: trpc('obligation.shortfalls') },
	{ name: 'page /', who: 'officeAdmin', path: '/' },
	{ name: 'page /incidents', who: 'officeAdmin', path: '/incidents' },
	{ name: 'page /opinions', who: 'officeAdmin', path: '/opinions' },
	{ name: 'page /releases', who: 'officeAdmin', path: '/releases' },
	{ name: 'page /documents', who: 'officeAdmin', path: '/documents' },
	{ name: 'page /conferences', who: 'officeAdmin', path: '/conferences' },
	{ name: 'page /admin/breaches', who: 'officeAdmin', path: '/admin/breaches' },
	{ name: 'page /admin/people', who: 'officeAdmin', path: '/admin/people' },
	{ name: 'page /inbox (leader)', who: 'leader', path: '/inbox' }
];

const kb = (bytes: number) => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`);

const pg = await startEmbeddedPostgres({ dir: resolve(ROOT, '.data', 'pg-bench-scale'), fresh: true, quiet: true });
let server: AppServer | null = null;
let appSql: { end(opts?: { timeout?: number }): Promise<void> } | null = null;
const stopAll = async () => {
	await server?.stop();
	server = null;
	await appSql?.end({ timeout: 5 });
	appSql = null;
	await pg.stop();
};
onShutdown(stopAll);

try {
	await createDatabaseIfMissing(pg.url, 'bench');
	const databaseUrl = pg.url.replace(/\/postgres$/, '/bench');
	const { sql } = await prepareDatabase(databaseUrl, { demo: true });
	appSql = sql;
	const t0 = performance.now();
	const scale = await generateScale(sql);
	console.log(`generated in ${((performance.now() - t0) / 1000).toFixed(1)} s:`);
	console.log(
		Object.entries(scale.counts)
			.map(([table, n]) => `  ${table.padEnd(22)} ${n.toLocaleString('en')}`)
			.join('\n')
	);
	await sql.end({ timeout: 5 });
	appSql = null;

	server = await serveApp({ databaseUrl, port: await freePort(), quiet: true, buildDir: process.env.BUILD_DIR });
	const base = server.url;
	const cookies = {} as Record<Who, string>;
	for (const who of Object.keys(scale.personas) as Who[]) cookies[who] = await signIn(base, scale.personas[who], scale.password);
	console.log(
		`\nsigned in: ${(Object.keys(scale.personas) as Who[]).map((w) => `${w} ${scale.personas[w].username} (${scale.personas[w].unit})`).join('; ')}`
	);

	if (OVERLOAD) await overload(base, cookies.officeAdmin);
	else {
		console.log(`\n${CLIENTS} clients, ${WARMUP} s warm-up then ${SECONDS} s each; client timeout ${TIMEOUT_MS / 1000} s`);
		console.log(
			`${'target'.padEnd(28)} ${'req/s'.padStart(7)} ${'p50'.padStart(8)} ${'p95'.padStart(8)} ${'p99'.padStart(8)} ${'errors'.padStart(7)} ${'timeouts'.padStart(8)}   size on the wire (uncompressed)`
		);
		for (const target of TARGETS.filter((t) => !ONLY || ONLY.includes(t.name))) {
			await settle(base);
			const size = await wireSize(base, target.path, cookies[target.who]).catch(() => null);
			const r = await load(base, target.path, cookies[target.who], CLIENTS, WARMUP * 1000, SECONDS * 1000);
			const refused = [...r.statuses].filter(([s]) => s !== 200);
			const errors = r.errors + refused.reduce((a, [, n]) => a + n, 0);
			const statusNote = refused.length ? `  status ${refused.map(([s, n]) => `${n}×${s}`).join(', ')}` : '';
			console.log(
				`${target.name.padEnd(28)} ${(r.latencies.length / SECONDS).toFixed(1).padStart(7)} ${ms(pct(r.latencies, 50)).padStart(8)} ${ms(pct(r.latencies, 95)).padStart(8)} ${ms(pct(r.latencies, 99)).padStart(8)} ${String(errors).padStart(7)} ${String(r.timeouts).padStart(8)}   ${!size ? 'no answer in 10 s' : `${size.encoding ? `${kb(size.wire)} ${size.encoding}` : kb(size.wire)} (${kb(size.body)})`}${statusNote}`
			);
		}
	}
	console.log(`\nnode ${process.version}, ${new Date().toISOString()}, ${availableParallelism()} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`);
} finally {
	await stopAll();
}

/**
 * Waits (at most 20 s) until /api/ping answers in under 200 ms: the queries of a target's abandoned requests still run
 * on the server after the client gave up, and the next target should not pay for them.
 */
async function settle(base: string): Promise<void> {
	const deadline = performance.now() + 20_000;
	while (performance.now() < deadline) {
		const t = performance.now();
		const ok = await fetch(`${base}/api/ping`, { signal: AbortSignal.timeout(5_000) }).then(
			async (res) => (await res.arrayBuffer(), res.ok),
			() => false
		);
		if (ok && performance.now() - t < 200) return;
		await sleep(250);
	}
}

interface LoadResult {
	/** latencies of 200 answers that started after the warm-up and ended in the window, sorted */
	latencies: number[];
	/** every answer in the window by status (200 included) */
	statuses: Map<number, number>;
	/** latencies by status, for how fast a refusal came back */
	byStatus: Map<number, number[]>;
	errors: number;
	timeouts: number;
}

/** `clients` loops asking for `path` back to back, each request bounded by the client timeout. */
async function load(base: string, path: string, cookie: string, clients: number, warmupMs: number, windowMs: number): Promise<LoadResult> {
	const start = performance.now();
	const from = start + warmupMs;
	const until = from + windowMs;
	const result: LoadResult = { latencies: [], statuses: new Map(), byStatus: new Map(), errors: 0, timeouts: 0 };
	const client = async () => {
		while (performance.now() < until) {
			const t = performance.now();
			let status = 0;
			let timedOut = false;
			try {
				const res = await fetch(`${base}${path}`, {
					headers: headersFor(path, cookie),
					redirect: 'manual',
					signal: AbortSignal.timeout(TIMEOUT_MS)
				});
				await res.arrayBuffer();
				status = res.status;
			} catch (e) {
				timedOut = (e as Error).name === 'TimeoutError';
			}
			const end = performance.now();
			if (t < from || end > until) continue;
			if (status === 200) result.latencies.push(end - t);
			if (status) {
				result.statuses.set(status, (result.statuses.get(status) ?? 0) + 1);
				const same = result.byStatus.get(status);
				if (same) same.push(end - t);
				else result.byStatus.set(status, [end - t]);
			} else if (timedOut) result.timeouts++;
			else result.errors++;
		}
	};
	await Promise.all(Array.from({ length: clients }, client));
	result.latencies.sort((a, b) => a - b);
	for (const xs of result.byStatus.values()) xs.sort((a, b) => a - b);
	return result;
}

/** One answer's size as sent (node:http does not decompress) and decompressed. */
function wireSize(base: string, path: string, cookie: string): Promise<{ wire: number; body: number; encoding: string | null }> {
	return new Promise((ok, fail) => {
		const req = httpRequest(`${base}${path}`, { headers: headersFor(path, cookie), timeout: TIMEOUT_MS }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('error', fail);
			res.on('end', () => {
				const raw = Buffer.concat(chunks);
				const encoding = (res.headers['content-encoding'] as string | undefined) ?? null;
				const body = encoding === 'br' ? brotliDecompressSync(raw) : encoding === 'gzip' ? gunzipSync(raw) : raw;
				ok({ wire: raw.length, body: body.length, encoding });
			});
		});
		req.on('timeout', () => req.destroy(new Error(`${path}: no answer in ${TIMEOUT_MS / 1000} s`)));
		req.on('error', fail);
		req.end();
	});
}

/** Far more clients than the server can answer on /incidents, a probe on /login, then the time to recover. */
async function overload(base: string, cookie: string): Promise<void> {
	console.log(`\noverload: ${OVERLOAD_CLIENTS} clients on /incidents for ${OVERLOAD_SECONDS} s; /login probed every 250 ms`);
	const probe: { status: number; ms: number }[] = [];
	let probing = true;
	let inFlight = 0;
	const prober = (async () => {
		for (let i = 0; probing && i < (OVERLOAD_SECONDS + 15) * 4; i++) {
			const t = performance.now();
			inFlight++;
			void fetch(`${base}/login`, { headers: headersFor('/login', ''), redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) })
				.then(async (res) => {
					await res.arrayBuffer();
					probe.push({ status: res.status, ms: performance.now() - t });
				})
				.catch(() => probe.push({ status: 0, ms: performance.now() - t }))
				.finally(() => inFlight--);
			await sleep(250);
		}
	})();
	const r = await load(base, '/incidents', cookie, OVERLOAD_CLIENTS, 0, OVERLOAD_SECONDS * 1000);
	const ended = performance.now();
	probing = false;
	await prober;

	// Recovery: /incidents asked one at a time every 100 ms until a 200 comes back in under 500 ms.
	let recovered: number | null = null;
	while (performance.now() - ended < 30_000) {
		const t = performance.now();
		try {
			const res = await fetch(`${base}/incidents`, { headers: headersFor('/incidents', cookie), signal: AbortSignal.timeout(TIMEOUT_MS) });
			await res.arrayBuffer();
			if (res.status === 200 && performance.now() - t < 500) {
				recovered = performance.now() - ended;
				break;
			}
		} catch (e) {
			// a timeout or a refused connection: still saturated; anything else is this script's fault
			if (!(e instanceof Error) || !['TimeoutError', 'TypeError'].includes(e.name)) throw e;
		}
		await sleep(100);
	}
	// The probes still in flight are given the client timeout to land.
	const settle = performance.now();
	while (inFlight > 0 && performance.now() - settle < TIMEOUT_MS) await sleep(100);

	const total = [...r.statuses.values()].reduce((a, b) => a + b, 0);
	console.log(`/incidents: ${total} answers (${(total / OVERLOAD_SECONDS).toFixed(1)}/s), ${r.timeouts} timeouts, ${r.errors} other errors`);
	for (const [status, xs] of [...r.byStatus].sort(([a], [b]) => a - b))
		console.log(`  ${status}: ${xs.length} — p50 ${ms(pct(xs, 50))}, p95 ${ms(pct(xs, 95))}, p99 ${ms(pct(xs, 99))}`);
	const logins = probe.filter((p) => p.status === 200).map((p) => p.ms).sort((a, b) => a - b);
	const otherLogins = new Map<string, number>();
	for (const p of probe) if (p.status !== 200) otherLogins.set(p.status ? String(p.status) : 'timeout/error', (otherLogins.get(p.status ? String(p.status) : 'timeout/error') ?? 0) + 1);
	console.log(
		`/login probe: ${probe.length} answered, ${logins.length} × 200 — p50 ${ms(pct(logins, 50))}, p95 ${ms(pct(logins, 95))}` +
			(otherLogins.size ? `; others: ${[...otherLogins].map(([s, n]) => `${n}×${s}`).join(', ')}` : '')
	);
	console.log(`recovery: ${recovered === null ? 'not within 30 s' : `${(recovered / 1000).toFixed(2)} s`} until /incidents answered 200 in under 500 ms`);
}
