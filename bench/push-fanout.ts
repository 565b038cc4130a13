// npm run bench:push — one clock step tells 500 press officers with 3 phones each: 1,500 Web Push
// notifications to the local fake push service (tests/support/fake-push-service.ts, which checks the VAPID
// token and decrypts every body as a browser would), measured side by side in one run:
//   (a) bare web-push: webpush.sendNotification to the same subscriptions, same agent, same fan-out shape
//   (b) Huiying: deliver() from src/lib/server/notify/dispatch.ts for each of the 500 inbox notices, shaped as
//       the deliver worker runs them (boss.ts: 8 local workers, batches of 20, a batch at a time)
//   (c) the same through the real pg-boss workers (startJobs), from runClock's commit to the last push
// Targets: (b) at least 60 % of (a)'s rate, and all 1,500 sent within 5 s. The fake service runs in this process,
// so its TLS and decryption take the same CPU from both paths; (b) also pays for its database, here on the same machine.
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import https from 'node:https';
import { availableParallelism, totalmem } from 'node:os';
import { resolve } from 'node:path';
import webpush from 'web-push';
import { startFakePushService, type Subscription } from '../tests/support/fake-push-service.ts';
import { ROOT, createDatabaseIfMissing, onShutdown, prepareDatabase } from '../scripts/lib/database.ts';
import { startEmbeddedPostgres } from '../scripts/lib/embedded-pg.ts';
import { clockStarter } from './lib/started-clock.ts';

const PEOPLE = 500;
const DEVICES_EACH = 3;
const TOTAL = PEOPLE * DEVICES_EACH;
const ROUNDS = Number(process.env.PUSH_BENCH_ROUNDS ?? 3);
// The deliver worker in src/lib/server/jobs/boss.ts: 8 local workers, each fetching 20 jobs and running them together.
const WORKERS = 8;
const BATCH = 20;

const PG_DIR = resolve(ROOT, '.data', 'pg-bench-push');
const pg = await startEmbeddedPostgres({ dir: PG_DIR, fresh: true, quiet: true });

/** CPU time used so far by this benchmark's PostgreSQL (the postmaster and its backends), in ms (Linux /proc, 100 Hz ticks). */
function databaseCpuMs(): number {
	const postmaster = readFileSync(resolve(PG_DIR, 'postmaster.pid'), 'utf8').split('\n')[0];
	let ticks = 0;
	for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
		try {
			const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
			// after "pid (comm) ": state, ppid, … utime is field 14, stime 15
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			if (pid === postmaster || fields[1] === postmaster) ticks += Number(fields[11]) + Number(fields[12]);
		} catch {
			// the process ended while we looked
		}
	}
	return ticks * 10;
}
const nodeCpuMs = (since: NodeJS.CpuUsage) => {
	const used = process.cpuUsage(since);
	return (used.user + used.system) / 1_000;
};
const fake = await startFakePushService();
// The sender refuses local addresses unless this names the test service (src/lib/server/notify/endpoints.ts).
process.env.HUIYING_TEST_PUSH_ORIGIN = fake.origin;
// Both sides share one agent shaped like node's global one (keep-alive, LIFO, idle sockets retired after a few
// seconds), trusting the fake's certificate. Retired before the fake's server closes them (5 s), so a send never
// reuses a socket at the instant the server drops it: web-push alone, without retries, would fail on that reset.
const agent = new https.Agent({ ca: fake.ca, keepAlive: true, scheduling: 'lifo', timeout: 4_000 });
let stopAll = async () => {
	agent.destroy();
	await fake.close();
	await pg.stop();
};
onShutdown(() => stopAll());
try {
	await createDatabaseIfMissing(pg.url, 'bench');
	const databaseUrl = pg.url.replace(/\/postgres$/, '/bench');
	const { sql } = await prepareDatabase(databaseUrl, { demo: false });
	const { runClock } = await import('../src/lib/server/clocks/flows.ts');
	const { getBoss, installQueues, startJobs, stopJobs } = await import('../src/lib/server/jobs/boss.ts');
	const { deliver } = await import('../src/lib/server/notify/dispatch.ts');
	const { vapidKeys } = await import('../src/lib/server/notify/vapid.ts');
	const { createWebPushSender, pushTopic, withRetries, TTL_SECONDS } = await import('../src/lib/server/notify/webpush.ts');
	type Senders = import('../src/lib/server/notify/pipeline.ts').Senders;
	stopAll = async () => {
		await stopJobs();
		await sql.end({ timeout: 5 });
		agent.destroy();
		await fake.close();
		await pg.stop();
	};

	await getBoss().start();
	await installQueues();
	const vapid = await vapidKeys(sql);

	// --- 500 press officers of one department, 1,500 subscribed phones ---
	const [government] = await sql<{ id: string }[]>`insert into units (name, kind) values ('压测市人民政府', 'government') returning id`;
	const [dept] = await sql<{ id: string }[]>`
		insert into units (name, parent_id, kind) values ('压测市应急管理局', ${government!.id}, 'department') returning id`;
	const [duty] = await sql<{ id: string }[]>`
		insert into people (name, username, unit_id, roles, password_hash) values ('值班员', 'bench-duty', ${dept!.id}, '{duty}', '-') returning id`;
	const people = await sql<{ id: string }[]>`
		insert into people (name, username, unit_id, roles, password_hash)
		select '宣传员' || g, 'bench-' || lpad(g::text, 4, '0'), ${dept!.id}, '{press_officer}', '-' from generate_series(1, ${PEOPLE}) g
		returning id`;
	const phones = new Map<string, Subscription[]>();
	const rows = [];
	for (const person of people) {
		const subs = Array.from({ length: DEVICES_EACH }, () => fake.createSubscription({ applicationServerKey: vapid.publicKey }));
		phones.set(person.id, subs);
		for (const s of subs)
			rows.push({ personId: person.id, endpoint: s.endpoint, p256dh: s.keys.p256dh, auth: s.keys.auth, vapidPublicKey: vapid.publicKey, name: 'Android Chrome' });
	}
	await sql`insert into push_devices ${sql(rows, 'personId', 'endpoint', 'p256dh', 'auth', 'vapidPublicKey', 'name')}`;

	// A level II incident led by the department, its 5-hour clock just started: step 0 is due for all 500.
	const startedClock = clockStarter(sql, dept!.id, duty!.id);
	let serial = 0;

	/** Tells all 500 through the inbox as the tick worker does; the deliver jobs it queues are left to (c). */
	async function told(): Promise<{ clockId: string; ms: number }> {
		const clockId = await startedClock();
		const t = performance.now();
		const { notified } = await runClock(clockId);
		if (notified !== PEOPLE) throw new Error(`runClock told ${notified}, not ${PEOPLE}`);
		return { clockId, ms: performance.now() - t };
	}

	/** Runs `work` over `items` as the deliver worker does: WORKERS lanes, each taking BATCH at a time and finishing the batch. */
	async function asWorkers<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
		let next = 0;
		await Promise.all(
			Array.from({ length: WORKERS }, async () => {
				while (next < items.length) {
					const batch = items.slice(next, next + BATCH);
					next += batch.length;
					await Promise.all(batch.map(work));
				}
			})
		);
	}

	const accepted = () => fake.received.filter((r) => r.status === 201).length;

	interface Measured {
		ms: number;
		/** from the start to the fake service's receipt of the last push */
		arrivedMs: number;
		nodeCpuMs: number;
		dbCpuMs: number;
	}
	/** Times `run` from a cleared fake service, with the CPU this process and the database spent meanwhile. */
	async function measure(run: () => Promise<void>): Promise<Measured> {
		fake.clear();
		const db0 = databaseCpuMs();
		const cpu0 = process.cpuUsage();
		const wall = Date.now();
		const start = performance.now();
		await run();
		const ms = performance.now() - start;
		const measured = { ms, arrivedMs: Math.max(...fake.received.map((r) => r.at)) - wall, nodeCpuMs: nodeCpuMs(cpu0), dbCpuMs: databaseCpuMs() - db0 };
		if (accepted() !== TOTAL) throw new Error(`${accepted()} of ${TOTAL} pushes accepted`);
		return measured;
	}

	// (a) bare web-push: the same JSON a phone gets from Huiying, signed (VAPID) and encrypted per send as web-push does.
	const title = '【发布权威信息】化工园区爆炸压测';
	const body = '剩余 5小时0分。请尽快审签并发布该事件的权威信息。';
	const bare = () =>
		measure(() =>
			asWorkers([...phones.values()], async (subs) => {
				const payload = JSON.stringify({ id: String(++serial), token: randomBytes(20).toString('base64url').slice(0, 32), title, body, url: '/incidents/x', urgency: 'high' });
				await Promise.all(
					subs.map((sub) =>
						webpush.sendNotification(sub, payload, {
							vapidDetails: vapid,
							TTL: TTL_SECONDS.high,
							urgency: 'high',
							topic: pushTopic('bench'),
							agent,
							timeout: 10_000
						})
					)
				);
			})
		);

	// (b) Huiying: the Web Push sender wired as appSenders wires it (src/lib/server/notify/senders.ts), through the same agent.
	const push = createWebPushSender({ vapid, agent });
	const senders: Senders = {
		webPush: async (device, message) =>
			(await withRetries(() => push.send({ endpoint: device.endpoint, keys: { p256dh: device.p256dh, auth: device.auth } }, message), { attempts: 3, maxMs: 10_000 }))
				.outcome
	};
	async function pipeline(): Promise<Measured & { runClockMs: number }> {
		const { clockId, ms: runClockMs } = await told();
		// Only (c) lets pg-boss pick up the jobs runClock queued; here they are run directly.
		await sql`delete from pgboss.job where name = 'deliver'`;
		// Fresh planner statistics for the tables the setup just grew, as a database in service has them,
		// so no round is measured across an autovacuum.
		await sql`vacuum analyze`;
		const measured = await measure(() => asWorkers(people, (p) => deliver({ clockId, stepIndex: 0, recipientId: p.id }, senders)));
		const [sent] = await sql<{ n: number }[]>`
			select count(*)::int as n from deliveries where clock_id = ${clockId} and channel = 'web_push' and status = 'sent'`;
		if (sent!.n !== PEOPLE) throw new Error(`${sent!.n} of ${PEOPLE} deliveries marked sent`);
		return { ...measured, runClockMs };
	}

	const rate = (ms: number) => Math.round(TOTAL / (ms / 1_000));
	const s = (ms: number) => `${(ms / 1_000).toFixed(2)} s`;
	const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(0)} %`;

	// Warm-up: both paths once, so TLS sessions, the agent's socket pool, JIT and the database caches are warm for both.
	await bare();
	await pipeline();

	const rounds: { a: Measured; b: Measured & { runClockMs: number } }[] = [];
	for (let round = 1; round <= ROUNDS; round++) {
		const a = await bare();
		const b = await pipeline();
		rounds.push({ a, b });
		console.log(
			`round ${round}: (a) ${s(a.ms)} = ${rate(a.ms)}/s   (b) ${s(b.ms)} = ${rate(b.ms)}/s   ratio ${pct(a.ms, b.ms)}   ` +
				`CPU: this process ${s(a.nodeCpuMs)} / ${s(b.nodeCpuMs)}, database ${s(b.dbCpuMs)}   [runClock for ${PEOPLE}: ${s(b.runClockMs)}]`
		);
	}

	// (c) The real deliver workers, started as the server starts them: from the tick's commit to the 1,500th push.
	await startJobs({ tick: async () => {}, audit: async () => {}, deliver: async (data) => deliver(data, senders), fallback: async () => {}, signoffExpiry: async () => {} });
	fake.clear();
	const { clockId, ms: runClockMs } = await told();
	const committed = Date.now();
	const limit = committed + 60_000;
	while (accepted() < TOTAL && Date.now() < limit) await new Promise((ok) => setTimeout(ok, 10));
	const cArrived = accepted() === TOTAL ? Math.max(...fake.received.map((r) => r.at)) - committed : NaN;
	for (;;) {
		const [done] = await sql<{ n: number }[]>`
			select count(*)::int as n from deliveries where clock_id = ${clockId} and channel = 'web_push' and status = 'sent'`;
		if (done!.n === PEOPLE || Date.now() > limit) break;
		await new Promise((ok) => setTimeout(ok, 10));
	}
	const cDone = Date.now() - committed;
	await stopJobs();

	const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
	const a = median(rounds.map((r) => r.a.ms));
	const b = median(rounds.map((r) => r.b.ms));
	const ratios = rounds.map((r) => (100 * r.a.ms) / r.b.ms);
	const cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU';
	const [server] = await sql<{ version: string }[]>`select current_setting('server_version') as version`;

	console.log(`\n${PEOPLE} people × ${DEVICES_EACH} phones = ${TOTAL} notifications, median of ${ROUNDS} rounds`);
	console.log(`(a) bare web-push, 8 × 20 people at a time:   ${s(a)}   ${rate(a)} notifications/s`);
	console.log(`(b) Huiying deliver(), as the worker runs it:  ${s(b)}   ${rate(b)} notifications/s`);
	console.log(`    (b) as a share of (a): ${pct(a, b)} (rounds ${Math.min(...ratios).toFixed(0)}–${Math.max(...ratios).toFixed(0)} %)   target ≥ 60 %`);
	console.log(`    all ${TOTAL} sent by (b) within ${s(b)} (last push arrived at ${s(median(rounds.map((r) => r.b.arrivedMs)))})   target ≤ 5 s`);
	console.log(
		`    CPU: this process ${s(median(rounds.map((r) => r.a.nodeCpuMs)))} for (a), ${s(median(rounds.map((r) => r.b.nodeCpuMs)))} for (b); the database ${s(median(rounds.map((r) => r.b.dbCpuMs)))} for (b)`
	);
	console.log(`(c) real pg-boss workers: tick commit → last push ${s(cArrived)}, → all ${PEOPLE} deliveries marked sent ${s(cDone)}   [runClock: ${s(runClockMs)}]`);
	console.log(
		`\n${availableParallelism()} cores (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, PostgreSQL ${server?.version}, ${new Date().toISOString()}`
	);
	if ((100 * a) / b < 60 || b > 5_000 || Number.isNaN(cArrived)) process.exitCode = 1;
} finally {
	await stopAll();
}
