import { createHash } from 'node:crypto';
import type postgres from 'postgres';
import { seedCalendar } from './calendar/seed.ts';
import { rescheduleClocks } from './clocks/changes.ts';

export interface MigrationFile {
	name: string;
	text: string;
}

export interface MigrationResult {
	applied: string[];
	alreadyApplied: number;
}

export class EditedMigrationError extends Error {
	readonly file: string;
	constructor(file: string) {
		super(`migration ${file} was edited after it was applied; add a new migration instead`);
		this.file = file;
	}
}

const LOCK_KEY = 7_316_420_011; // any constant: one lock for every Huiying migrator

export function checksum(text: string): string {
	return createHash('sha256').update(text.replace(/\r\n/g, '\n')).digest('hex');
}

/**
 * The working-day calendar comes with the schema: every year the chinese-days package covers and the calendar
 * lacks, in one transaction with the deadlines that had counted those years Monday to Friday (their pending
 * ticks and the minute auditor act on the new times). Under the migration lock, so concurrent starts seed once.
 */
async function seedCalendarOnce(conn: postgres.ReservedSql<Record<string, unknown>>): Promise<void> {
	await conn.unsafe('begin');
	try {
		const years = await seedCalendar(conn);
		if (years.length) await rescheduleClocks(conn, years, null, new Date(), { replan: false });
		await conn.unsafe('commit');
	} catch (e) {
		await conn.unsafe('rollback');
		throw new Error(`seeding the working-day calendar failed: ${(e as Error).message}`, { cause: e });
	}
}

/** The migrations applied, by name with their checksums; refuses if one of `files` was edited since it was applied. */
async function appliedMigrations(db: postgres.Sql<Record<string, unknown>> | postgres.ReservedSql<Record<string, unknown>>, files: MigrationFile[]): Promise<Map<string, string>> {
	const rows = await db<{ name: string; checksum: string }[]>`select name, checksum from schema_migrations`;
	const done = new Map(rows.map((r) => [r.name, r.checksum]));
	for (const f of files) {
		const sum = done.get(f.name);
		if (sum !== undefined && sum !== checksum(f.text)) throw new EditedMigrationError(f.name);
	}
	return done;
}

/**
 * Applies forward-only SQL files in name order, each in its own transaction, under a session
 * advisory lock so that concurrent starts apply every file exactly once.
 */
export async function migrate(
	db: postgres.Sql<Record<string, unknown>>,
	files: MigrationFile[],
	opts: { appRole?: string | null } = {}
): Promise<MigrationResult> {
	const sorted = [...files].sort((a, b) => a.name.localeCompare(b.name));
	const conn = await db.reserve();
	try {
		// A large table's new index may take minutes, and another instance may hold the lock that long.
		await conn`set statement_timeout = 0`;
		await conn`select pg_advisory_lock(${LOCK_KEY})`;
		await conn`
			create table if not exists schema_migrations (
				name text primary key,
				checksum text not null,
				applied_at timestamptz not null default now()
			)`;
		const done = await appliedMigrations(conn, sorted);
		const applied: string[] = [];
		for (const f of sorted) {
			if (done.has(f.name)) continue;
			await conn.unsafe('begin');
			try {
				await conn.unsafe(f.text);
				await conn`insert into schema_migrations (name, checksum) values (${f.name}, ${checksum(f.text)})`;
				await conn.unsafe('commit');
			} catch (e) {
				await conn.unsafe('rollback');
				throw new Error(`migration ${f.name} failed: ${(e as Error).message}`, { cause: e });
			}
			applied.push(f.name);
		}
		await seedCalendarOnce(conn);
		if (opts.appRole) await grantAppRole(conn, opts.appRole);
		return { applied, alreadyApplied: done.size };
	} finally {
		await conn`select pg_advisory_unlock(${LOCK_KEY})`.catch(() => {});
		await conn`reset statement_timeout`.catch(() => {});
		conn.release();
	}
}

/** PostgreSQL's name for a role, quoted as an identifier. */
const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * What the application's role may do, given by the owner after every migration (docs/security.md): read and write
 * the records, insert into and read the audit log and its seals, never update, delete or truncate them, never
 * alter a table or a trigger, nothing on the migrations' own table. It owns only pg-boss's schema, whose queue
 * tables pg-boss itself creates and drops as it runs (a job queue, no record); an older install's is handed over.
 */
export async function grantAppRole(db: postgres.Sql<Record<string, unknown>> | postgres.ReservedSql<Record<string, unknown>>, role: string): Promise<void> {
	const app = ident(role);
	await db.unsafe(`
		revoke create on schema public from ${app};
		grant usage on schema public to ${app};
		grant select, insert, update, delete on all tables in schema public to ${app};
		revoke update, delete, truncate, references, trigger on audit_log, audit_seals, audit_verifications from ${app};
		revoke all on schema_migrations from ${app};
		grant select on schema_migrations to ${app};
		grant usage, select on all sequences in schema public to ${app};
		create schema if not exists pgboss authorization ${app};
		alter schema pgboss owner to ${app};`);
	// A pg-boss installed by the owner before the roles were split: its tables, sequences, functions and types.
	const owned = await db<{ statement: string }[]>`
		select format('alter %s %s owner to %I', case c.relkind when 'S' then 'sequence' when 'v' then 'view' else 'table' end, c.oid::regclass, ${role}::text) as statement
		from pg_class c join pg_namespace n on n.oid = c.relnamespace
		where n.nspname = 'pgboss' and c.relkind in ('r', 'p', 'S', 'v') and pg_get_userbyid(c.relowner) <> ${role}
		union all
		select format('alter routine %s owner to %I', p.oid::regprocedure, ${role}::text)
		from pg_proc p join pg_namespace n on n.oid = p.pronamespace
		where n.nspname = 'pgboss' and pg_get_userbyid(p.proowner) <> ${role}
		union all
		select format('alter type %s owner to %I', t.oid::regtype, ${role}::text)
		from pg_type t join pg_namespace n on n.oid = t.typnamespace
		where n.nspname = 'pgboss' and t.typtype in ('e', 'd') and pg_get_userbyid(t.typowner) <> ${role}`;
	for (const { statement } of owned) await db.unsafe(statement);
}

/** Raised at start when the database lacks migrations the app needs and its role may not apply them. */
export class PendingMigrationsError extends Error {
	readonly pending: string[];
	constructor(pending: string[]) {
		super(`the database lacks migrations ${pending.join(', ')}: run \`npm run migrate\` as the owner role (MIGRATION_DATABASE_URL) first`);
		this.pending = pending;
	}
}

/**
 * What the app does at start: migrates when its role may (one role for everything, as in development), otherwise
 * checks that the owner has applied every migration it carries, unchanged.
 */
export async function migrateOrCheck(db: postgres.Sql<Record<string, unknown>>, files: MigrationFile[]): Promise<MigrationResult> {
	const [role] = await db<{ canCreate: boolean }[]>`select has_schema_privilege('public', 'CREATE') as can_create`;
	if (role!.canCreate) return migrate(db, files);
	const done = await appliedMigrations(db, files);
	const pending = files.filter((f) => !done.has(f.name)).map((f) => f.name);
	if (pending.length) throw new PendingMigrationsError(pending);
	return { applied: [], alreadyApplied: done.size };
}
