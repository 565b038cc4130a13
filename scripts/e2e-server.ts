// Playwright's webServer: a fresh embedded PostgreSQL with the demo organisation, and the production
// build (made beforehand by `vite build`) on E2E_PORT. Stops both on SIGTERM/SIGINT or on any failure.
import { resolve } from 'node:path';
import { ROOT, appRoleUrl, createDatabaseIfMissing, onShutdown, prepareDatabase } from './lib/database.ts';
import { writeE2eState } from './lib/e2e-state.ts';
import { startEmbeddedPostgres, type RunningPostgres } from './lib/embedded-pg.ts';
import { serveApp, type AppServer } from './lib/serve.ts';

const port = Number(process.env.E2E_PORT ?? 4173);
// A run on another port (a second run on the same machine) keeps a database directory of its own.
const PG_DIR = resolve(ROOT, '.data', port === 4173 ? 'pg-e2e' : `pg-e2e-${port}`);
const DATABASE = 'huiying_e2e';

let pg: RunningPostgres | null = null;
let app: AppServer | null = null;
let stopping = false;

async function stopAll(): Promise<void> {
	stopping = true;
	await app?.stop();
	await pg?.stop();
}

onShutdown(stopAll);

try {
	pg = await startEmbeddedPostgres({ dir: PG_DIR, fresh: true, fast: true, quiet: true });
	await createDatabaseIfMissing(pg.url, DATABASE);
	const databaseUrl = pg.url.replace(/\/postgres$/, `/${DATABASE}`);

	// The app as in production: its own role, which may not change the audit log; the tests' own reads and
	// writes as the owner.
	const appUrl = await appRoleUrl(databaseUrl);
	const { sql } = await prepareDatabase(databaseUrl, { demo: true, appUrl });
	await sql.end();
	writeE2eState({ databaseUrl });

	// A short SHUTDOWN_TIMEOUT: the browser's keep-alive connections must not hold up the end of the run.
	app = await serveApp({ databaseUrl: appUrl, port, buildDir: process.env.E2E_BUILD_DIR, quiet: true, env: { SHUTDOWN_TIMEOUT: '2' } });
	app.child.once('exit', (code, signal) => {
		if (stopping) return;
		console.error(`[e2e] the app exited unexpectedly (${code ?? signal})`);
		void stopAll().finally(() => process.exit(1));
	});
	console.log(`[e2e] demo organisation served on ${app.url}`);
} catch (error) {
	console.error('[e2e] the test server did not start:', error);
	await stopAll().catch(() => {});
	process.exit(1);
}
