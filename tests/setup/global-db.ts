// Vitest global setup: one embedded PostgreSQL for the run, one migrated template database;
// each test file then gets its own copy (CREATE DATABASE … TEMPLATE) in per-file-db.ts.
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { PgBoss } from 'pg-boss';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { ROOT, readMigrationFiles, recreateDatabase } from '../../scripts/lib/database.ts';
import { startEmbeddedPostgres, type RunningPostgres } from '../../scripts/lib/embedded-pg.ts';
import { compileMessages } from '../../scripts/lib/messages.ts';
import { installQueues } from '../../src/lib/server/jobs/boss.ts';
import { migrate } from '../../src/lib/server/migrate.ts';

export const TEMPLATE_DB = 'huiying_template';

declare module 'vitest' {
	export interface ProvidedContext {
		pgMaintenanceUrl: string;
		pgTemplate: string;
	}
}

let server: RunningPostgres | null = null;
let dataDir: string | null = null;

export async function setup(project: TestProject) {
	// The code under test names compiled messages (the Vite plugin is off under vitest: see vite.config.ts).
	compileMessages();
	let maintenanceUrl = process.env.TEST_DATABASE_URL;
	if (!maintenanceUrl) {
		// One data directory per run, so two runs at once (two terminals, an editor's runner) never collide.
		dataDir = resolve(ROOT, '.data', `pg-test-${process.pid}`);
		server = await startEmbeddedPostgres({ dir: dataDir, fresh: true, fast: true, quiet: true });
		maintenanceUrl = server.url;
	}
	await recreateDatabase(maintenanceUrl, TEMPLATE_DB);
	const templateUrl = maintenanceUrl.replace(/\/[^/]*$/, `/${TEMPLATE_DB}`);
	const db = postgres(templateUrl, { max: 1, onnotice: () => {} });
	try {
		await migrate(db, readMigrationFiles());
	} finally {
		await db.end();
	}
	// pg-boss's schema and queues live in the template too, so flows can enqueue jobs in every test database.
	const boss = new PgBoss({ connectionString: templateUrl, supervise: false, schedule: false, max: 1 });
	await boss.start();
	await installQueues(boss);
	await boss.stop({ graceful: false });
	project.provide('pgMaintenanceUrl', maintenanceUrl);
	project.provide('pgTemplate', TEMPLATE_DB);
}

export async function teardown() {
	await server?.stop();
	if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
