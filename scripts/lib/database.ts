// Where scripts get their database: DATABASE_URL when set, otherwise the embedded server in .data/pg.
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import postgres from 'postgres';
import type { MigrationFile } from '../../src/lib/server/migrate.ts';
import { startEmbeddedPostgres, type RunningPostgres } from './embedded-pg.ts';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const EMBEDDED_DIR = resolve(ROOT, '.data', 'pg');
const EMBEDDED_DB = 'huiying';

export interface Database {
	/** what the app connects with: its own role, which owns nothing (docs/security.md) */
	url: string;
	/** what migrations and the demo data run with: the owner of the tables */
	ownerUrl: string;
	embedded: boolean;
	server: RunningPostgres | null;
	/** stops the embedded server if this process started it */
	close(): Promise<void>;
}

export async function createDatabaseIfMissing(maintenanceUrl: string, name: string, template?: string): Promise<void> {
	const admin = postgres(maintenanceUrl, { max: 1, onnotice: () => {} });
	try {
		const [row] = await admin`select 1 from pg_database where datname = ${name}`;
		if (!row) await admin.unsafe(`create database "${name}"${template ? ` template "${template}"` : ''}`);
	} finally {
		await admin.end();
	}
}

/**
 * A database of this name, empty: an older one of the name is dropped first, with whoever is connected to it. A
 * test that starts again after a failure (a retry, a new worker) starts from what it expects, not from what the
 * failed attempt left.
 */
export async function recreateDatabase(maintenanceUrl: string, name: string): Promise<void> {
	const admin = postgres(maintenanceUrl, { max: 1, onnotice: () => {} });
	try {
		await admin.unsafe(`drop database if exists "${name}" with (force)`);
		await admin.unsafe(`create database "${name}"`);
	} finally {
		await admin.end();
	}
}

/** The embedded server's role for the app: it may read and write the records, never change the audit log. */
export const EMBEDDED_APP_ROLE = { user: 'huiying_app', password: 'huiying-app-embedded' } as const;

/**
 * The app's role on the server of `ownerUrl` (created if missing: roles belong to the whole server), and the URL of
 * the same database signed in as it.
 */
export async function appRoleUrl(ownerUrl: string, role: { user: string; password: string } = EMBEDDED_APP_ROLE): Promise<string> {
	const admin = postgres(ownerUrl, { max: 1, onnotice: () => {} });
	try {
		const [exists] = await admin`select 1 from pg_roles where rolname = ${role.user}`;
		if (!exists) {
			// several test workers may ask at once: the one that loses finds the role made by the other
			await admin.unsafe(`create role "${role.user}" login password '${role.password.replace(/'/g, "''")}'`).catch(async (e: unknown) => {
				const [made] = await admin`select 1 from pg_roles where rolname = ${role.user}`;
				if (!made) throw e;
			});
		}
	} finally {
		await admin.end();
	}
	const url = new URL(ownerUrl);
	url.username = encodeURIComponent(role.user);
	url.password = encodeURIComponent(role.password);
	return url.toString();
}

/** The role a database URL signs in as. */
export const roleOf = (url: string): string => decodeURIComponent(new URL(url).username);

/**
 * DATABASE_URL (the app's role) and MIGRATION_DATABASE_URL (the owner; DATABASE_URL when unset: one role for
 * everything, and the audit log then only as safe as that role); otherwise the embedded server in .data/pg, with
 * the superuser as owner and the app's own role.
 */
export async function openDatabase(opts: { quiet?: boolean } = {}): Promise<Database> {
	if (process.env.DATABASE_URL) {
		const url = process.env.DATABASE_URL;
		return { url, ownerUrl: process.env.MIGRATION_DATABASE_URL ?? url, embedded: false, server: null, close: async () => {} };
	}
	const server = await startEmbeddedPostgres({ dir: EMBEDDED_DIR, quiet: opts.quiet });
	await createDatabaseIfMissing(server.url, EMBEDDED_DB);
	const ownerUrl = server.url.replace(/\/postgres$/, `/${EMBEDDED_DB}`);
	return { url: await appRoleUrl(ownerUrl), ownerUrl, embedded: true, server, close: () => server.stop() };
}

/** The migration files as the runner wants them, read from db/migrations. */
export function readMigrationFiles(dir = resolve(ROOT, 'db', 'migrations')): MigrationFile[] {
	return readdirSync(dir)
		.filter((f) => f.endsWith('.sql'))
		.map((name) => ({ name, text: readFileSync(resolve(dir, name), 'utf8') }));
}

/** Runs `fn` once on SIGINT/SIGTERM/normal exit, then exits with `code`. */
export function onShutdown(fn: () => Promise<void>): void {
	let done = false;
	const run = async (code: number) => {
		if (done) return;
		done = true;
		try {
			await fn();
		} finally {
			process.exit(code);
		}
	};
	process.on('SIGINT', () => void run(130));
	process.on('SIGTERM', () => void run(143));
	process.on('SIGHUP', () => void run(129));
}

export interface Prepared {
	/** the app's own pool, now pointed at `databaseUrl`; the caller ends it */
	sql: postgres.Sql<Record<string, unknown>>;
	applied: string[];
	/** set when the demo organisation was asked for */
	demo: { created: boolean; signIns: { username: string; name: string; unit: string; title: string }[]; password: string } | null;
}

/**
 * Points the server modules at `databaseUrl` (they read DATABASE_URL when first imported), applies the
 * migrations and, when asked, seeds the demo organisation, as the owner. Given `appUrl` (another role's), grants
 * that role what the app may do. One process, one database.
 */
export async function prepareDatabase(databaseUrl: string, opts: { demo: boolean; appUrl?: string }): Promise<Prepared> {
	process.env.DATABASE_URL = databaseUrl;
	// The server code below names messages compiled from messages/ (generated, not committed).
	(await import('./messages.ts')).compileMessages();
	const { sql } = await import('../../src/lib/server/db.ts');
	const { migrate } = await import('../../src/lib/server/migrate.ts');
	const appRole = opts.appUrl && roleOf(opts.appUrl) !== roleOf(databaseUrl) ? roleOf(opts.appUrl) : null;
	const { applied } = await migrate(sql, readMigrationFiles(), { appRole });
	if (!opts.demo) return { sql, applied, demo: null };
	const { seedDemo, DEMO_PASSWORD } = await import('../../db/seed/demo.ts');
	const seeded = await seedDemo();
	return { sql, applied, demo: { ...seeded, password: DEMO_PASSWORD } };
}
