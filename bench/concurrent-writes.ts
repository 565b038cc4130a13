// npm run bench:writes — how long a freshly started server takes to answer 50 incident.create sent at once
// as its very first requests (phones flushing their outboxes after an outage), how many connections it leaves
// "idle in transaction", and how long SIGTERM takes to stop it. Needs the production build (`npm run build`;
// BUILD_DIR for another one). WRITES and ROUNDS change the burst and how many fresh servers are measured.
import { resolve } from 'node:path';
import { ROOT, createDatabaseIfMissing, onShutdown } from '../scripts/lib/database.ts';
import { freePort, startEmbeddedPostgres } from '../scripts/lib/embedded-pg.ts';
import { run, serveApp, type AppServer } from '../scripts/lib/serve.ts';
import { fireWrites, idleInTransaction, leadUnitId, mintSession } from '../tests/support/write-burst.ts';

const WRITES = Number(process.env.WRITES ?? 50);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const TIMEOUT_MS = 60_000;

const pg = await startEmbeddedPostgres({ dir: resolve(ROOT, '.data', 'pg-bench-writes'), fresh: true, quiet: true });
let server: AppServer | null = null;
const stopAll = async () => {
	await server?.stop();
	await pg.stop();
};
onShutdown(stopAll);

try {
	for (let round = 1; round <= ROUNDS; round++) {
		// A database of its own each round: pg-boss's schema and queues are created by the server's first start.
		const name = `bench_writes_${round}`;
		await createDatabaseIfMissing(pg.url, name);
		const databaseUrl = pg.url.replace(/\/postgres$/, `/${name}`);
		await run(process.execPath, [resolve(ROOT, 'scripts', 'demo-database.ts')], { ...process.env, DATABASE_URL: databaseUrl });
		const cookie = await mintSession(databaseUrl, 'em-duty');
		const lead = await leadUnitId(databaseUrl);

		server = await serveApp({ databaseUrl, port: await freePort(), quiet: true, buildDir: process.env.BUILD_DIR, env: { SHUTDOWN_TIMEOUT: '2' } });
		const burst = await fireWrites({ url: server.url, cookie, leadUnitId: lead, count: WRITES, timeoutMs: TIMEOUT_MS });
		const ok = burst.statuses.filter((s) => s === 200).length;
		const others = burst.statuses.filter((s) => s !== 200);
		// Two seconds on: what is still idle in transaction by then is stuck, not busy.
		await new Promise((done) => setTimeout(done, 2_000));
		const idle = await idleInTransaction(databaseUrl);

		const child = server.child;
		const exited = new Promise<void>((done) => child.once('exit', () => done()));
		const t0 = performance.now();
		child.kill('SIGTERM');
		const stopped = await Promise.race([exited.then(() => performance.now() - t0), new Promise<null>((done) => setTimeout(() => done(null), 15_000))]);
		await server.stop();
		server = null;

		console.log(
			`round ${round}: ${ok}/${WRITES} answered 200 in ${(burst.ms / 1000).toFixed(2)} s` +
				(others.length ? ` (others: ${[...new Set(others)].join(', ')})` : '') +
				`; idle in transaction for 2 s or more: ${idle}; SIGTERM stopped it in ${stopped === null ? 'more than 15 s' : `${(stopped / 1000).toFixed(2)} s`}`
		);
	}
} finally {
	await stopAll();
}
