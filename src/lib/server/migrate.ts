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

/**
 * Applies forward-only SQL files in name order, each in its own transaction, under a session
 * advisory lock so that concurrent starts apply every file exactly once.
 */
export async function migrate(
	db: postgres.Sql<Record<string, unknown>>,
	files: MigrationFile[]
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
		const rows = await conn<{ name: string; checksum: string }[]>`select name, checksum from schema_migrations`;
		const done = new Map(rows.map((r) => [r.name, r.checksum]));
		for (const f of sorted) {
			const sum = done.get(f.name);
			if (sum !== undefined && sum !== checksum(f.text)) throw new EditedMigrationError(f.name);
		}
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
		return { applied, alreadyApplied: done.size };
	} finally {
		await conn`select pg_advisory_unlock(${LOCK_KEY})`.catch(() => {});
		await conn`reset statement_timeout`.catch(() => {});
		conn.release();
	}
}
