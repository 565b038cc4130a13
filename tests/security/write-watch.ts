// Which tables a call wrote to: a row trigger on every watched table counts its writes in this test file's own
// database copy (a copy per file, tests/setup/per-file-db.ts). Cheaper than counting rows after every call,
// and stricter: an update left half-way shows too, and a rolled-back write rolls its count back with it.
import { sql } from '$lib/server/db.ts';

/** Tables that record refusals and sign-ins (they are meant to change) and the counter itself. */
export const RECORDS_REFUSALS = ['audit_log', 'sessions', 'sign_in_throttle', 'security_writes'];

/** The public tables a refused call must leave alone. */
export async function watchedTables(): Promise<string[]> {
	const rows = await sql<{ name: string }[]>`
		select table_name as name from information_schema.tables
		where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> all(${RECORDS_REFUSALS}) and table_name not like 'schema_%'
		order by table_name`;
	return rows.map((r) => r.name);
}

/** Starts counting writes to `tables`; the returned function gives the count per table written so far. */
export async function watchWrites(tables: string[]): Promise<() => Promise<Map<string, number>>> {
	await sql.unsafe(`
		create table security_writes (tbl text primary key, n bigint not null);
		create function security_count_write() returns trigger language plpgsql as $$
		begin
			insert into security_writes values (TG_TABLE_NAME, 1) on conflict (tbl) do update set n = security_writes.n + 1;
			return null;
		end $$;
		${tables.map((t) => `create trigger security_watch after insert or update or delete on "${t}" for each row execute function security_count_write();`).join('\n')}`);
	return async () => new Map((await sql<{ tbl: string; n: string }[]>`select tbl, n::text from security_writes`).map((r) => [r.tbl, Number(r.n)]));
}
