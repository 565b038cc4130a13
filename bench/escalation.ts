// npm run bench:escalation — 10,000 running clocks, 100 of which have a step falling due in the same
// second: how long until the last of those 100 is in the inbox (target 3 s) and how late each
// delivery is (target p99 1 s). The real job workers run in this process, started as the server
// starts them; a separate connection watches the inbox as a phone would see it.
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { resolve } from 'node:path';
import postgres from 'postgres';
import { ROOT, createDatabaseIfMissing, onShutdown, prepareDatabase } from '../scripts/lib/database.ts';
import { startEmbeddedPostgres } from '../scripts/lib/embedded-pg.ts';

const INCIDENTS = 5_000; // level II: two clocks each
const DUE_INCIDENTS = 100; // their 5-hour clocks reach "2 hours left" in the same second
const LEAD_MS = 5_000; // from inserting the 100 to their due second
const HOUR = 3_600_000;

const pg = await startEmbeddedPostgres({ dir: resolve(ROOT, '.data', 'pg-bench-escalation'), fresh: true, quiet: true });
let stopAll = async () => pg.stop();
onShutdown(() => stopAll());
try {
	await createDatabaseIfMissing(pg.url, 'bench');
	const databaseUrl = pg.url.replace(/\/postgres$/, '/bench');
	const { sql } = await prepareDatabase(databaseUrl, { demo: true });
	const { decide } = await import('../src/lib/server/clocks/engine.ts');
	const { auditClocks, runClock } = await import('../src/lib/server/clocks/flows.ts');
	const { ticksSql } = await import('../src/lib/server/db.ts');
	const { QUEUES, getBoss, installQueues, startJobs, stopJobs, tickJob } = await import('../src/lib/server/jobs/boss.ts');
	type ClockRow = import('../src/lib/server/clocks/queries.ts').ClockRow;
	const watcher = postgres(databaseUrl, { max: 1, onnotice: () => {} });
	stopAll = async () => {
		await stopJobs();
		await sql.end({ timeout: 5 });
		await ticksSql.end({ timeout: 5 });
		await watcher.end({ timeout: 5 });
		await pg.stop();
	};

	const departments = (await sql<{ id: string }[]>`select id from units where kind = 'department' order by name`).map((u) => u.id);
	const [admin] = await sql<{ id: string }[]>`select id from people where username = 'admin'`;

	/**
	 * Level II incidents with both of their clocks running, inserted in bulk; every notice the engine
	 * says was due by now is marked done, and each clock's next tick is queued as runClock queues it.
	 */
	async function addIncidents(count: number, occurredAt: postgres.PendingQuery<postgres.Row[]>): Promise<string[]> {
		const incidents = await sql<{ id: string }[]>`
			insert into incidents (title, category, level, occurred_at, location, lead_unit_id, created_by, client_key, body_hash)
			select '压测事件 ' || g, 'accident', 2, ${occurredAt}, '江城市', (${departments}::uuid[])[1 + g % ${departments.length}],
				${admin!.id}, gen_random_uuid(), md5(g::text)
			from generate_series(1, ${count}) g
			returning id`;
		const clocks = await sql<Pick<ClockRow, 'id' | 'ruleKey' | 'ladder' | 'startsAt' | 'dueAt' | 'startedAt' | 'status'>[]>`
			insert into clocks (rule_key, subject, subject_id, unit_id, rule_name, satisfied_by, ladder, starts_at, due_at, started_at)
			select r.key, 'incident', i.id, i.lead_unit_id, r.name, r.satisfied_by, r.ladder, i.occurred_at,
				i.occurred_at + make_interval(hours => r.duration_value), i.occurred_at
			from incidents i cross join clock_rules r
			where i.id = any(${incidents.map((i) => i.id)}::uuid[]) and r.key in ('incident.authoritative_release', 'incident.press_conference')
			returning id, rule_key, ladder, starts_at, due_at, started_at, status`;
		const now = new Date();
		const notices = [];
		const ticks = [];
		for (const clock of clocks) {
			const decision = decide(clock.ladder, clock, [], now);
			for (const n of decision.due)
				notices.push({ clockId: clock.id, stepIndex: n.stepIndex, tier: n.tier, audience: n.audience, urgency: n.urgency, dueAt: n.at, processedAt: n.at, recipientCount: 1 });
			if (decision.next) ticks.push(tickJob(clock.id, decision.next));
		}
		for (let i = 0; i < notices.length; i += 2_000) await sql`insert into clock_notices ${sql(notices.slice(i, i + 2_000))}`;
		for (let i = 0; i < ticks.length; i += 1_000) await getBoss().insert(QUEUES.clockTick, ticks.slice(i, i + 1_000));
		return clocks.filter((c) => c.ruleKey === 'incident.authoritative_release').map((c) => c.id);
	}

	await getBoss().start();
	await installQueues();
	// The others are 15 min to 2 h 50 min old: their next steps are minutes to hours away.
	const t0 = Date.now();
	await addIncidents(INCIDENTS - DUE_INCIDENTS, sql`now() - make_interval(secs => 900 + random() * 9300)`);
	console.log(`setup: ${INCIDENTS - DUE_INCIDENTS} incidents, ${(INCIDENTS - DUE_INCIDENTS) * 2} clocks in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

	// Only the inbox is measured here: nobody in the demo has a phone subscribed, so deliveries stop there.
	// How long each tick of a due clock takes, start to commit: the workers run them a batch at a time.
	const tickMs = new Map<string, number>();
	await startJobs({
		tick: async (id) => {
			const t = performance.now();
			// on the ticks' own pool, as the server runs them (hooks.server.ts)
			await runClock(id, new Date(), ticksSql);
			tickMs.set(id, performance.now() - t);
		},
		audit: async () => void (await auditClocks()),
		deliver: async () => {},
		fallback: async () => {},
		signoffExpiry: async () => {}
	});
	const due = Math.ceil((Date.now() + LEAD_MS) / 1000) * 1000;
	const dueClocks = await addIncidents(DUE_INCIDENTS, sql`${new Date(due - 3 * HOUR)}::timestamptz`);
	const [open] = await sql<{ n: number }[]>`select count(*)::int as n from clocks where status = 'running'`;
	console.log(`${open!.n} running clocks; ${dueClocks.length} reach "2 hours left" at ${new Date(due).toISOString()}`);

	// Each delivery is stamped when the watcher first sees it committed (polled every 20 ms).
	const seen = new Map<string, { clockId: string; seenAt: number; createdAt: number }>();
	const deadline = due + 60_000;
	while (new Set([...seen.values()].map((s) => s.clockId)).size < dueClocks.length && Date.now() < deadline) {
		const asked = Date.now();
		const rows = await watcher<{ id: string; clock_id: string; created_at: Date }[]>`
			select d.id::text, d.clock_id, n.created_at from deliveries d join notifications n on n.id = d.notification_id
			where d.clock_id = any(${dueClocks}::uuid[]) and d.step_index = 1`;
		for (const r of rows) if (!seen.has(r.id)) seen.set(r.id, { clockId: r.clock_id, seenAt: asked, createdAt: r.created_at.getTime() });
		await new Promise((ok) => setTimeout(ok, 20));
	}
	const delivered = new Set([...seen.values()].map((s) => s.clockId)).size;

	const t1 = Date.now();
	await auditClocks();
	const auditSeconds = (Date.now() - t1) / 1000;

	const late = [...seen.values()].map((s) => s.seenAt - due).sort((a, b) => a - b);
	const started = [...seen.values()].map((s) => s.createdAt - due).sort((a, b) => a - b);
	const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)] ?? NaN;
	const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
	const cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU';
	const [server] = await watcher<{ version: string }[]>`select current_setting('server_version') as version`;

	console.log(`\n${delivered} of ${dueClocks.length} clocks delivered, ${seen.size} inbox notices`);
	console.log(`(a) due second to last delivery:      ${s(late.at(-1) ?? NaN)}   (target ≤ 3 s)`);
	console.log(`(b) lateness in the inbox, p50 / p99:  ${s(pct(late, 50))} / ${s(pct(late, 99))}   (target p99 ≤ 1 s)`);
	console.log(`    worker picked it up, first / p50 / p99:   ${s(started[0] ?? NaN)} / ${s(pct(started, 50))} / ${s(pct(started, 99))}   (notifications.created_at)`);
	const ticks = dueClocks.flatMap((id) => tickMs.get(id) ?? []).sort((a, b) => a - b);
	console.log(`    one tick of those clocks, p50 / p99:      ${pct(ticks, 50).toFixed(0)} ms / ${pct(ticks, 99).toFixed(0)} ms   (runClock, start to commit)`);
	console.log(`    one audit pass over ${open!.n} open clocks: ${auditSeconds.toFixed(2)} s (the minute auditor)`);
	console.log(
		`\n${availableParallelism()} cores (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, PostgreSQL ${server?.version}, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}, ${new Date().toISOString()}`
	);
	if (delivered < dueClocks.length) process.exitCode = 1;
} finally {
	await stopAll();
}
