// npm run backup / npm run restore: one archive (tar.gz) with every table of the records, as PostgreSQL's COPY
// text, the uploaded files (from the app's store: its folder, or S3), and a manifest (the migrations applied, each table's rows and checksum, the audit
// chain's head); beside it the archive's SHA-256. Consistent: every table is read in one repeatable-read
// transaction, so the archive is the database at one moment while the app goes on writing. pg-boss's job queue is not
// kept: after a restore the minute auditor runs any step that fell due (clocks/flows.ts auditClocks).
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import postgres from 'postgres';
import * as tar from 'tar';
import type { BlobStore } from '../../src/lib/server/files/store.ts';
import type { MigrationFile } from '../../src/lib/server/migrate.ts';

export interface Manifest {
	format: 'huiying-backup/1';
	createdAt: string;
	migrations: string[];
	tables: { name: string; rows: number; sha256: string }[];
	files: number;
	/** files the records name that the store did not have, or had with other bytes: said, and not in the archive */
	missingFiles?: string[];
	/** the audit chain's last seal then: a restore must give the same */
	auditHead: { seq: string; hash: string } | null;
}

const sha256File = async (path: string) => {
	const hash = createHash('sha256');
	await pipeline(createReadStream(path), hash);
	return hash.digest('hex');
};

/** The tables of the records (a restore loads them with foreign keys held off, so their order does not matter). */
async function tablesOf(db: postgres.Sql): Promise<string[]> {
	const rows = await db<{ name: string }[]>`
		select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
		where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition order by c.relname`;
	return rows.map((r) => r.name);
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Storage keys as the app makes them (files/store.ts): `2026/05/<uuid>`, nothing that could leave the folder. */
const STORAGE_KEY = /^[0-9]{4}\/[0-9]{2}\/[0-9a-f-]{36}$/;

/**
 * Writes the archive of the database at `ownerUrl` and of the files its records name, read from `store` (the app's
 * folder or its S3 bucket), to `archive`; returns its manifest. Each file is checked against the hash its record
 * keeps; one the store lacks, or holds with other bytes, is named in the manifest and left out.
 */
export async function backup(ownerUrl: string, store: BlobStore, archive: string): Promise<Manifest> {
	const work = mkdtempSync(join(tmpdir(), 'huiying-backup-'));
	const db = postgres(ownerUrl, { max: 1, onnotice: () => {} });
	try {
		mkdirSync(join(work, 'tables'));
		const { manifest: written, stored } = await db.begin('isolation level repeatable read read only', async (tx) => {
			await tx`set local statement_timeout = 0`;
			const [migrated] = await tx<{ name: string | null }[]>`select to_regclass('public.schema_migrations')::text as name`;
			if (!migrated?.name) throw new Error('this database has no Huiying tables: nothing to back up (is DATABASE_URL right?)');
			const tables = await tablesOf(tx as unknown as postgres.Sql);
			const out: Manifest['tables'] = [];
			for (const name of tables) {
				const file = join(work, 'tables', `${name}.copy`);
				const stream = await tx.unsafe(`copy ${ident(name)} to stdout`).readable();
				await pipeline(stream, createWriteStream(file));
				const [{ n }] = (await tx.unsafe(`select count(*)::int as n from ${ident(name)}`)) as unknown as [{ n: number }];
				out.push({ name, rows: n, sha256: await sha256File(file) });
			}
			const migrations = (await tx<{ name: string }[]>`select name from schema_migrations order by name`).map((r) => r.name);
			const [head] = await tx<{ seq: string; hash: string }[]>`select seq::text, hash from audit_seals order by audit_seals.seq desc limit 1`;
			const stored = await tx<{ storageKey: string; sha256: string }[]>`select storage_key as "storageKey", sha256 from files order by storage_key`;
			const manifest: Manifest = { format: 'huiying-backup/1', createdAt: new Date().toISOString(), migrations, tables: out, files: 0, auditHead: head ?? null };
			return { manifest, stored };
		});
		mkdirSync(join(work, 'files'));
		const missing: string[] = [];
		for (const { storageKey, sha256 } of stored) {
			const body = STORAGE_KEY.test(storageKey) ? await store.get(storageKey) : null;
			const path = join(work, 'files', storageKey);
			if (body) {
				mkdirSync(dirname(path), { recursive: true });
				await pipeline(Readable.fromWeb(body as never), createWriteStream(path));
				if ((await sha256File(path)) === sha256) continue;
				rmSync(path);
			}
			missing.push(storageKey);
		}
		written.files = stored.length - missing.length;
		if (missing.length) written.missingFiles = missing;
		writeFileSync(join(work, 'manifest.json'), JSON.stringify(written, null, '\t'));
		mkdirSync(resolve(archive, '..'), { recursive: true });
		await tar.create({ gzip: true, file: archive, cwd: work, portable: true }, ['manifest.json', 'tables', 'files']);
		writeFileSync(`${archive}.sha256`, `${await sha256File(archive)}  ${relative(resolve(archive, '..'), archive)}\n`);
		return written;
	} finally {
		await db.end({ timeout: 5 });
		rmSync(work, { recursive: true, force: true });
	}
}

/**
 * Brings an archive back into an empty database (`ownerUrl`, a superuser's or the owner's with the right to set
 * session_replication_role) and the files into `store` (the app's folder or its S3 bucket): checks the archive's checksum and each table's, applies
 * the migrations the backup had (and only those: later ones apply at the next start), loads every table as it was
 * (triggers held off, so the audit log keeps its own times), moves the identity counters on, and checks the rows and
 * the audit chain against the manifest. Nothing is written when a check fails before loading; the load is one
 * transaction.
 */
export async function restore(archive: string, ownerUrl: string, store: BlobStore, migrationFiles: MigrationFile[]): Promise<Manifest> {
	const expected = readFileSync(`${archive}.sha256`, 'utf8').split(/\s+/)[0];
	if ((await sha256File(archive)) !== expected) throw new Error(`the archive does not match its checksum (${archive}.sha256)`);
	const work = mkdtempSync(join(tmpdir(), 'huiying-restore-'));
	try {
		await tar.extract({ file: archive, cwd: work });
		const manifest = JSON.parse(readFileSync(join(work, 'manifest.json'), 'utf8')) as Manifest;
		if (manifest.format !== 'huiying-backup/1') throw new Error(`not a Huiying backup: ${String(manifest.format)}`);
		for (const t of manifest.tables) {
			if ((await sha256File(join(work, 'tables', `${t.name}.copy`))) !== t.sha256) throw new Error(`table ${t.name} does not match its checksum`);
		}
		const byName = new Map(migrationFiles.map((f) => [f.name, f]));
		const missing = manifest.migrations.filter((name) => !byName.has(name));
		if (missing.length) throw new Error(`this version of Huiying lacks migrations of the backup: ${missing.join(', ')}`);

		const db = postgres(ownerUrl, { max: 1, onnotice: () => {} });
		try {
			const [used] = await db<{ n: number }[]>`select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind in ('r', 'p')`;
			if (used!.n > 0) throw new Error('the database is not empty: restore only into a new, empty database');
			const { migrate } = await import('../../src/lib/server/migrate.ts');
			await migrate(db as never, manifest.migrations.map((name) => byName.get(name)!));
			await db.begin(async (tx) => {
				await tx`set local statement_timeout = 0`;
				await tx`set local session_replication_role = replica`;
				// what the migrations themselves wrote (the calendar, the seeded rules) is replaced by the backup's rows
				for (const t of [...manifest.tables].reverse()) await tx.unsafe(`delete from ${ident(t.name)}`);
				for (const t of manifest.tables) {
					const sink = await tx.unsafe(`copy ${ident(t.name)} from stdin`).writable();
					await pipeline(createReadStream(join(work, 'tables', `${t.name}.copy`)), sink);
				}
				// identity columns carry on after the highest id restored
				const identities = await tx<{ table: string; column: string }[]>`
					select c.relname as table, a.attname as column from pg_attribute a
					join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
					where n.nspname = 'public' and a.attidentity <> '' and not a.attisdropped`;
				for (const { table, column } of identities) {
					await tx.unsafe(
						`select setval(pg_get_serial_sequence($1, $2), coalesce((select max(${ident(column)}) from ${ident(table)}), 0) + 1, false)`,
						[ident(table), column]
					);
				}
				for (const t of manifest.tables) {
					const [{ n }] = (await tx.unsafe(`select count(*)::int as n from ${ident(t.name)}`)) as unknown as [{ n: number }];
					if (n !== t.rows) throw new Error(`table ${t.name}: ${n} rows restored, ${t.rows} backed up`);
				}
			});
			// each file the restored records name, back into the store with its type, checked against its hash
			const named = await db<{ storageKey: string; mime: string; sha256: string }[]>`select storage_key as "storageKey", mime, sha256 from files`;
			for (const f of named) {
				const path = join(work, 'files', f.storageKey);
				if (!STORAGE_KEY.test(f.storageKey) || !existsSync(path)) continue;
				const bytes = readFileSync(path);
				if (createHash('sha256').update(bytes).digest('hex') !== f.sha256) throw new Error(`file ${f.storageKey} does not match its record`);
				await store.put(f.storageKey, bytes, f.mime);
			}
		} finally {
			await db.end({ timeout: 5 });
		}
		return manifest;
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}
