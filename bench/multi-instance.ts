// npm run bench:multi — several app instances on one database behind a reverse proxy on loopback (Debian's nginx
// when installed, else bench/lib/proxy.ts's node proxy; MULTI_PROXY=node forces it), one of them killed (SIGKILL)
// in the middle of the run. MULTI_INSTANCES (3) instances; MULTI_SECONDS (20) of reads by MULTI_CLIENTS (20) clients
// through the proxy; meanwhile one incident.create a second through the proxy (resent with the same clientKey when it
// fails, as the phone's outbox does), a live stream through the proxy and one straight to each instance counting the
// news of those writes, and MULTI_CLOCKS (30) clocks started over the run plus MULTI_KILL_CLOCKS (10) just before
// the kill, each with step 0 due at once, their ticks queued in pg-boss for whichever instance takes them. Then it
// waits (at most MULTI_SETTLE_SECONDS, 90) for every step 0 to be delivered, and checks:
//   - no read or write failed but those in flight on the killed instance when it died;
//   - every write is stored once, resends included;
//   - every surviving instance's stream saw every write; the proxied stream saw every write made while connected;
//   - each clock's step 0 reached each of its recipients exactly once (delivery, inbox notice, delivery job).
// Exits non-zero when one of them fails. Needs the production build (`npm run build`; BUILD_DIR for another one).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT, createDatabaseIfMissing, onShutdown, prepareDatabase } from '../scripts/lib/database.ts';
import { freePort, startEmbeddedPostgres } from '../scripts/lib/embedded-pg.ts';
import { serveApp, type AppServer } from '../scripts/lib/serve.ts';
import { headersFor, liveStream, ms, pct, signIn, sleep, trpc } from './lib/load.ts';
import { LIVE_PATH, startProxy, type Proxy } from './lib/proxy.ts';
import { clockStarter } from './lib/started-clock.ts';

const INSTANCES = Number(process.env.MULTI_INSTANCES ?? 3);
const SECONDS = Number(process.env.MULTI_SECONDS ?? 20);
const CLIENTS = Number(process.env.MULTI_CLIENTS ?? 20);
const CLOCKS = Number(process.env.MULTI_CLOCKS ?? 30);
const KILL_CLOCKS = Number(process.env.MULTI_KILL_CLOCKS ?? 10);
const SETTLE_SECONDS = Number(process.env.MULTI_SETTLE_SECONDS ?? 90);
const TIMEOUT_MS = 10_000;
const PASSWORD = 'jiangcheng-2026';
if (!(INSTANCES >= 2 && INSTANCES <= 8)) throw new Error('MULTI_INSTANCES: 2 to 8');
if (!(SECONDS >= 4 && SECONDS <= 120)) throw new Error('MULTI_SECONDS: 4 to 120');
if (!(CLIENTS >= 1 && CLIENTS <= 200)) throw new Error('MULTI_CLIENTS: 1 to 200');
if (!(CLOCKS >= 0 && CLOCKS <= 500)) throw new Error('MULTI_CLOCKS: 0 to 500');
if (!(KILL_CLOCKS >= 0 && KILL_CLOCKS <= 100)) throw new Error('MULTI_KILL_CLOCKS: 0 to 100');
if (!(SETTLE_SECONDS >= 0 && SETTLE_SECONDS <= 150)) throw new Error('MULTI_SETTLE_SECONDS: 0 to 150');

const READS = [
	{ who: 'admin', path: trpc('incident.list') },
	{ who: 'duty', path: trpc('clock.mine') },
	{ who: 'em-duty', path: trpc('incident.list') },
	{ who: 'mayor', path: trpc('inbox.unreadCount') },
	{ who: 'admin', path: '/' }
] as const;

interface Attempt {
	kind: 'read' | 'write';
	start: number;
	end: number;
	status: number; // 0: no answer
	error: string | null;
	upstream: string | null;
}

const pg = await startEmbeddedPostgres({ dir: resolve(ROOT, '.data', 'pg-bench-multi'), fresh: true, quiet: true });
const instances: (AppServer & { port: number; errorLines: string[] })[] = [];
let proxy: Proxy | null = null;
const streams = new AbortController();
let closeDb: () => Promise<void> = async () => {};
let stopped = false;
const stopAll = async () => {
	if (stopped) return;
	stopped = true;
	streams.abort();
	await proxy?.stop().catch(() => {});
	await Promise.all(instances.map((i) => i.stop().catch(() => {})));
	await closeDb().catch(() => {});
	await pg.stop();
};
onShutdown(stopAll);

const failures: string[] = [];
const must = (ok: boolean, what: string) => {
	console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
	if (!ok) failures.push(what);
};

try {
	await createDatabaseIfMissing(pg.url, 'bench');
	const databaseUrl = pg.url.replace(/\/postgres$/, '/bench');
	const { sql } = await prepareDatabase(databaseUrl, { demo: true });
	const { ticksSql } = await import('../src/lib/server/db.ts');
	const { enqueueTick } = await import('../src/lib/server/jobs/boss.ts');
	const { clocksOf } = await import('../src/lib/server/clocks/queries.ts');
	const { decide } = await import('../src/lib/server/clocks/engine.ts');
	const { recipientsFor } = await import('../src/lib/server/clocks/recipients.ts');
	closeDb = async () => {
		await sql.end({ timeout: 5 });
		await ticksSql.end({ timeout: 5 });
	};

	// --- N instances, each with its job workers and its LISTEN, behind one proxy ---
	const proxyPort = await freePort();
	const origin = `http://127.0.0.1:${proxyPort}`;
	for (let i = 0; i < INSTANCES; i++) {
		const port = await freePort();
		const server = await serveApp({
			databaseUrl,
			port,
			origin,
			pipeStdout: true,
			buildDir: process.env.BUILD_DIR,
			env: { ADDRESS_HEADER: 'X-Forwarded-For', XFF_DEPTH: '1', SHUTDOWN_TIMEOUT: '2' }
		});
		const errorLines: string[] = [];
		createInterface({ input: server.child.stdout! }).on('line', (line) => {
			if (/"level":"(error|fatal)"/.test(line)) errorLines.push(line);
		});
		instances.push({ ...server, port, errorLines });
	}
	proxy = await startProxy(proxyPort, instances.map((i) => i.port));
	const base = proxy.url;
	console.log(`load average before the run: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
	console.log(`${INSTANCES} instances (${instances.map((i) => i.port).join(', ')}) behind ${proxy.kind === 'nginx' ? 'nginx' : `the node proxy (${process.env.MULTI_PROXY === 'node' ? 'MULTI_PROXY=node' : 'nginx not found'})`} on ${base}`);

	const cookies: Record<string, string> = {};
	for (const who of new Set<string>(READS.map((r) => r.who))) cookies[who] = await signIn(base, { username: who }, PASSWORD);
	{
		// How large a page's response headers are: what nginx's proxy_buffer_size must hold.
		const res = await fetch(`http://127.0.0.1:${instances[0]!.port}/`, { headers: { ...headersFor('/', cookies.admin!), 'x-forwarded-for': '127.0.0.1' } });
		await res.arrayBuffer();
		// (the Headers iterator yields each Set-Cookie on its own)
		const bytes = [...res.headers].reduce((a, [k, v]) => a + Buffer.byteLength(k) + Buffer.byteLength(v) + 4, 0);
		console.log(`response headers of / (signed in): ${(bytes / 1024).toFixed(1)} KiB`);
	}
	const [unit] = await sql<{ id: string }[]>`select id from units where name = '江城市应急管理局'`;
	const [emDuty] = await sql<{ id: string }[]>`select id from people where username = 'em-duty'`;
	const startClock = clockStarter(sql, unit!.id, emDuty!.id);

	// --- live streams: one through the proxy (reconnecting as EventSource does), one straight to each instance ---
	const live = { cookie: cookies.admin!, 'x-forwarded-for': '127.0.0.1' };
	const proxied = liveStream('through the proxy', `${base}${LIVE_PATH}`, live, streams.signal, true);
	const direct = instances.map((i, n) => liveStream(`instance ${n + 1} (:${i.port})`, `http://127.0.0.1:${i.port}${LIVE_PATH}`, live, streams.signal, false));
	const allStreams = [proxied, ...direct];
	for (let i = 0; i < 100 && allStreams.some((s) => !s.connectedAt.length); i++) await sleep(100);
	if (allStreams.some((s) => !s.connectedAt.length)) throw new Error('a live stream did not open within 10 s');

	// The instance killed: the one holding the proxied stream, so that its reconnection is tried too.
	const victimIndex = Math.max(0, instances.findIndex((i) => proxied.upstream === `127.0.0.1:${i.port}`));
	const victim = instances[victimIndex]!;
	const victimAddr = `127.0.0.1:${victim.port}`;

	// --- the run ---
	const attempts: Attempt[] = [];
	const t0 = performance.now();
	const until = t0 + SECONDS * 1000;
	const killAt = t0 + (SECONDS * 1000) / 2;
	let killedAt = Infinity;
	// SIGKILL is delivered a moment after kill() returns: a request the instance took until it was gone was in flight.
	let goneAt = Infinity;

	const ask = async (kind: Attempt['kind'], path: string, init: RequestInit): Promise<Attempt & { body: string }> => {
		const start = performance.now();
		let status = 0;
		let error: string | null = null;
		let upstream: string | null = null;
		let body = '';
		try {
			const res = await fetch(`${base}${path}`, { ...init, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
			body = await res.text();
			status = res.status;
			upstream = res.headers.get('x-upstream');
		} catch (e) {
			error = (e as Error).name === 'TimeoutError' ? 'timeout' : String((e as Error).cause ?? (e as Error).message);
		}
		const a = { kind, start, end: performance.now(), status, error, upstream };
		attempts.push(a);
		return { ...a, body };
	};

	const reader = async (n: number) => {
		for (let i = n; performance.now() < until; i++) {
			const r = READS[i % READS.length]!;
			await ask('read', r.path, { headers: headersFor(r.path, cookies[r.who]!) });
		}
	};

	interface Write {
		clientKey: string;
		start: number;
		id: string | null;
		tries: number;
		replayed: boolean;
	}
	const writes: Write[] = [];
	const writer = async () => {
		for (let n = 1; performance.now() < until; n++) {
			const next = t0 + n * 1000;
			const w: Write = { clientKey: randomUUID(), start: performance.now(), id: null, tries: 0, replayed: false };
			writes.push(w);
			const input = { clientKey: w.clientKey, title: `多实例压测${n}`, category: 'accident', level: 4, occurredAt: new Date(Date.now() - 60_000).toISOString(), location: '江城市', leadUnitId: unit!.id, description: '' };
			// The outbox's way: the same entry again after a failure, at most five times.
			for (; w.tries < 5 && !w.id; w.tries++) {
				const a = await ask('write', '/api/trpc/incident.create', {
					method: 'POST',
					headers: { cookie: cookies.admin!, origin, 'content-type': 'application/json' },
					body: JSON.stringify(input)
				});
				if (a.status === 200) {
					const data = (JSON.parse(a.body) as { result: { data: { id: string; replay?: boolean } } }).result.data;
					w.id = data.id;
					w.replayed = !!data.replay;
				} else await sleep(300);
			}
			await sleep(Math.max(0, next - performance.now()));
		}
	};

	const clockIds: { id: string; startedAt: number }[] = [];
	const clocks = async () => {
		for (let n = 0; n < CLOCKS && performance.now() < until; n++) {
			await sleep(Math.max(0, t0 + (n * SECONDS * 1000) / Math.max(1, CLOCKS) - performance.now()));
			const id = await startClock();
			// as startClocks does: the clock's first look queued with it, for whichever instance takes it
			await sql.begin((tx) => enqueueTick(tx, id, new Date()));
			clockIds.push({ id, startedAt: performance.now() });
		}
	};

	// A burst falling due just before the kill, so that ticks are likely in the killed instance's hands when it dies.
	const burst = async () => {
		await sleep(Math.max(0, killAt - 250 - performance.now()));
		for (let n = 0; n < KILL_CLOCKS; n++) {
			const id = await startClock();
			await sql.begin((tx) => enqueueTick(tx, id, new Date()));
			clockIds.push({ id, startedAt: performance.now() });
		}
	};

	const killer = async () => {
		await sleep(Math.max(0, killAt - performance.now()));
		const gone = new Promise<void>((ok) => victim.child.once('exit', () => ok()));
		killedAt = performance.now();
		victim.child.kill('SIGKILL');
		await gone;
		goneAt = performance.now();
	};

	await Promise.all([...Array.from({ length: CLIENTS }, (_, n) => reader(n)), writer(), clocks(), burst(), killer()]);
	const ended = performance.now();
	// What the surviving instances hold open after the load, by application_name (the LISTEN connection is 'huiying' too).
	const connections = await sql<{ name: string; n: number }[]>`
		select coalesce(nullif(application_name, ''), '?') as name, count(*)::int as n from pg_stat_activity
		where datname = current_database() and pid <> pg_backend_pid() group by 1 order by 1`;
	// the last news may still be on its way
	await sleep(1000);

	// --- reads and writes ---
	const inFlightOnVictim = (a: Attempt) => a.start <= goneAt && a.end >= killedAt && (a.upstream === null || a.upstream.split(/[, ]+/).includes(victimAddr));
	const failed = (a: Attempt) => a.status !== 200 && !(a.kind === 'read' && a.status === 303);
	console.log(`\n${CLIENTS} clients reading for ${SECONDS} s, instance ${victimIndex + 1} (${victimAddr}) killed at ${((killedAt - t0) / 1000).toFixed(1)} s (gone ${(goneAt - killedAt).toFixed(1)} ms later)`);
	console.log(`${'phase'.padEnd(12)} ${'req/s'.padStart(7)} ${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'failed'.padStart(7)}  in flight on the killed one / other`);
	// The first seconds are the instances' warm-up (JIT, pools, pg-boss's first fetches): shown apart.
	const warm = t0 + Math.min(3000, (SECONDS * 1000) / 4);
	const phases = [
		[`first ${((warm - t0) / 1000).toFixed(0)} s`, t0, warm],
		['before kill', warm, killedAt],
		['after kill', killedAt, ended]
	] as const;
	for (const [name, from, to] of phases) {
		const xs = attempts.filter((a) => a.kind === 'read' && a.start >= from && a.start < to);
		const lat = xs.filter((a) => !failed(a)).map((a) => a.end - a.start).sort((a, b) => a - b);
		const bad = xs.filter(failed);
		console.log(
			`${name.padEnd(12)} ${(xs.length / ((to - from) / 1000)).toFixed(1).padStart(7)} ${ms(pct(lat, 50)).padStart(7)} ${ms(pct(lat, 95)).padStart(7)} ${String(bad.length).padStart(7)}  ${bad.filter(inFlightOnVictim).length} / ${bad.filter((a) => !inFlightOnVictim(a)).length}`
		);
	}
	console.log(`connections to PostgreSQL after the load (${INSTANCES - 1} instances and this benchmark's pool): ${connections.map((c) => `${c.name} ${c.n}`).join(', ')}`);
	const byUpstream = new Map<string, number>();
	for (const a of attempts) if (a.upstream) byUpstream.set(a.upstream, (byUpstream.get(a.upstream) ?? 0) + 1);
	console.log(`answered by: ${[...byUpstream].sort().map(([u, n]) => `${u} ${n}`).join(', ')}`);
	const bad = attempts.filter(failed);
	const lost = bad.filter(inFlightOnVictim);
	const other = bad.filter((a) => !inFlightOnVictim(a));
	const describe = (xs: Attempt[]) => {
		const m = new Map<string, number>();
		for (const a of xs) {
			const k = `${a.kind} ${a.status || a.error} via ${a.upstream ?? '?'}`;
			m.set(k, (m.get(k) ?? 0) + 1);
		}
		return [...m].map(([k, n]) => `${n}× ${k}`).join('; ');
	};
	console.log(`failed requests in flight on the killed instance: ${lost.length}${lost.length ? ` (${describe(lost)})` : ''}`);
	console.log(`any other failed requests: ${other.length}${other.length ? ` (${describe(other)})` : ''}`);

	const stored = await sql<{ clientKey: string; n: number }[]>`
		select client_key::text as client_key, count(*)::int as n from incidents where client_key = any(${writes.map((w) => w.clientKey)}::uuid[]) group by client_key`;
	const storedBy = new Map(stored.map((r) => [r.clientKey, r.n]));
	const resent = writes.filter((w) => w.tries > 1);
	console.log(
		`\nwrites: ${writes.length} incident.create, ${writes.filter((w) => w.id).length} answered 200; ${resent.length} resent with the same clientKey (${resent.filter((w) => w.replayed).length} answered as a replay)`
	);

	// --- live news ---
	const ok = writes.filter((w) => w.id) as (Write & { id: string })[];
	console.log(`\nlive news of those writes (before kill / after kill):`);
	const before = ok.filter((w) => w.start < killedAt);
	const after = ok.filter((w) => w.start >= killedAt);
	for (const s of allStreams) {
		const got = (xs: typeof ok) => xs.filter((w) => s.seen.has(w.id)).length;
		const killed = s.name.includes(`:${victim.port})`);
		console.log(
			`  ${s.name.padEnd(26)} ${got(before)}/${before.length} / ${got(after)}/${after.length}${killed ? '  (the killed instance)' : ''}` +
				(s.connectedAt.length > 1 ? `  reconnected ${s.connectedAt.length - 1}× (first drop at ${((s.droppedAt[0]! - t0) / 1000).toFixed(1)} s, back at ${((s.connectedAt[1]! - t0) / 1000).toFixed(1)} s via ${s.upstream})` : '')
		);
	}

	// --- escalations: wait for every clock's step 0, then count ---
	const expected = new Map<string, Set<string>>(); // clock → `${step}:${recipient}`
	for (const { id } of clockIds) {
		const [incident] = await sql<{ subjectId: string }[]>`select subject_id from clocks where id = ${id}`;
		const clock = (await clocksOf(sql, { type: 'incident', id: incident!.subjectId })).find((c) => c.id === id)!;
		const due = decide(clock.ladder, clock, [], new Date(clock.startedAt.getTime() + 60_000)).due;
		const set = new Set<string>();
		for (const notice of due) for (const p of await recipientsFor(sql, clock.unitId, notice.audience)) set.add(`${notice.stepIndex}:${p.id}`);
		expected.set(id, set);
	}
	const ids = clockIds.map((c) => c.id);
	const count = async () => {
		const rows = await sql<{ clockId: string; stepIndex: number; recipientId: string; channel: string; n: number }[]>`
			select clock_id::text, step_index, recipient_id::text, channel, count(*)::int as n from deliveries
			where clock_id = any(${ids}::uuid[]) and channel = 'inbox' group by 1, 2, 3, 4`;
		return rows;
	};
	const lostTicks = await sql<{ n: number }[]>`
		select count(*)::int as n from pgboss.job where name = 'clock-tick' and data->>'clockId' = any(${ids}::text[]) and state = 'active'`;
	const settleFrom = performance.now();
	let rows = await count();
	const missing = () => {
		const have = new Set(rows.map((r) => `${r.clockId}|${r.stepIndex}:${r.recipientId}`));
		return [...expected].flatMap(([c, set]) => [...set].filter((k) => !have.has(`${c}|${k}`)).map((k) => `${c}|${k}`));
	};
	while (missing().length && performance.now() - settleFrom < SETTLE_SECONDS * 1000) {
		await sleep(500);
		rows = await count();
	}
	const waited = (performance.now() - settleFrom) / 1000;
	const notices = await sql<{ n: number; dup: number }[]>`
		select count(*)::int as n, count(*) filter (where c > 1)::int as dup from (
			select count(*) as c from notifications where clock_id = any(${ids}::uuid[]) group by clock_id, step_index, person_id) x`;
	const jobs = await sql<{ n: number; dup: number }[]>`
		select count(*)::int as n, count(*) filter (where c > 1)::int as dup from (
			select count(*) as c from pgboss.job where name = 'deliver' and data->>'clockId' = any(${ids}::text[])
			group by data->>'clockId', data->>'stepIndex', data->>'recipientId') x`;
	const ticksDoneBy = await sql<{ n: number }[]>`select count(*)::int as n from clock_notices where clock_id = any(${ids}::uuid[])`;
	const wanted = [...expected.values()].reduce((a, s) => a + s.size, 0);
	const extra = rows.filter((r) => !expected.get(r.clockId)?.has(`${r.stepIndex}:${r.recipientId}`));
	const dupDeliveries = rows.filter((r) => r.n > 1);
	const stillMissing = missing();
	console.log(
		`\nescalations: ${clockIds.length} clocks (${KILL_CLOCKS} of them started 0.25 s before the kill), step 0 due at once for ${wanted} (clock, recipient) pairs; ${ticksDoneBy[0]!.n} step notices recorded` +
			`\n  inbox deliveries ${rows.length} (missing ${stillMissing.length}, duplicated ${dupDeliveries.length}, unexpected ${extra.length}) after waiting ${waited.toFixed(1)} s past the load` +
			`\n  inbox notices ${notices[0]!.n} (duplicated ${notices[0]!.dup}); delivery jobs ${jobs[0]!.n} (duplicated ${jobs[0]!.dup})`
	);
	const errorCount = instances.flatMap((i) => i.errorLines).length;
	console.log(`  tick jobs still 'active' when the load ended (taken by the killed instance: left to pg-boss's 15-minute expiry; the minute auditor runs their clocks): ${lostTicks[0]!.n}`);

	// --- verdict ---
	console.log('');
	must(other.length === 0, 'no failed request other than those in flight on the killed instance');
	must(ok.length === writes.length, 'every write stored (after resending the failed ones with the same clientKey)');
	must(writes.every((w) => storedBy.get(w.clientKey) === 1), 'every write stored exactly once');
	for (const s of direct) {
		if (s.name.includes(`:${victim.port})`)) continue;
		must(ok.every((w) => s.seen.has(w.id)), `live: ${s.name} saw every write`);
	}
	const reconnected = proxied.connectedAt.at(-1)!;
	must(ok.filter((w) => w.start >= reconnected).every((w) => proxied.seen.has(w.id)), 'live: the proxied stream saw every write made after it reconnected');
	must(stillMissing.length === 0 && extra.length === 0, 'every step 0 delivered to each of its recipients');
	must(dupDeliveries.length === 0 && notices[0]!.dup === 0 && jobs[0]!.dup === 0, 'no step 0 delivered twice (deliveries, inbox notices, delivery jobs)');
	if (errorCount) console.log(`\nerror lines in the instances' logs: ${errorCount}, first: ${instances.flatMap((i) => i.errorLines)[0]!.slice(0, 400)}`);
	const proxyLog = proxy.log().trim().split('\n').filter(Boolean);
	console.log(`${proxy.kind} log: ${proxyLog.length} lines${proxyLog.length ? `, e.g. ${proxyLog.slice(0, 2).join(' | ').slice(0, 400)}` : ''}`);

	const cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU';
	const [server] = await sql<{ version: string }[]>`select current_setting('server_version') as version`;
	console.log(
		`\n${availableParallelism()} cores (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, PostgreSQL ${server?.version}, ${proxy.kind}, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}, ${new Date().toISOString()}`
	);
	if (failures.length) process.exitCode = 1;
} finally {
	await stopAll();
}
