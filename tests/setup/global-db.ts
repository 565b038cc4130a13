// Vitest global setup: one embedded PostgreSQL for the run, one migrated template database;
// each test file then gets its own copy (CREATE DATABASE … TEMPLATE) in per-file-db.ts.
import { resolve } from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { ROOT, readMigrationFiles } from '../../scripts/lib/database.ts';
import { startEmbeddedPostgres, type RunningPostgres } from '../../scripts/lib/embedded-pg.ts';
import { migrate } from '../../src/lib/server/migrate.ts';

export const TEMPLATE_DB = 'huiying_template';

declare module 'vitest' {
	export interface ProvidedContext {
		pgMaintenanceUrl: string;
		pgTemplate: string;
	}
}

let server: RunningPostgres | null = null;

export async function setup(project: TestProject) {
	let maintenanceUrl = process.env.TEST_DATABASE_URL;
	if (!maintenanceUrl) {
		server = await startEmbeddedPostgres({ dir: resolve(ROOT, '.data', 'pg-test'), fresh: true, fast: true, quiet: true });
		maintenanceUrl = server.url;
	}
	const admin = postgres(maintenanceUrl, { max: 1, onnotice: () => {} });
	try {
		await admin.unsafe(`drop database if exists "${TEMPLATE_DB}" with (force)`);
		await admin.unsafe(`create database "${TEMPLATE_DB}"`);
	} finally {
		await admin.end();
	}
	const templateUrl = maintenanceUrl.replace(/\/[^/]*$/, `/${TEMPLATE_DB}`);
	const db = postgres(templateUrl, { max: 1, onnotice: () => {} });
	try {
		await migrate(db, readMigrationFiles());
	} finally {
		await db.end();
	}
	project.provide('pgMaintenanceUrl', maintenanceUrl);
	project.provide('pgTemplate', TEMPLATE_DB);
}

export async function teardown() {
	await server?.stop();
}
