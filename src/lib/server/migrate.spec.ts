import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { checksum, EditedMigrationError, migrate, type MigrationFile } from './migrate.ts';
import { migrationFiles } from './migrations.ts';

const maintenanceUrl = inject('pgMaintenanceUrl');
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
	while (cleanups.length) await cleanups.pop()!();
});

/** An empty database, as on a first deployment, and a way to open pools on it. */
async function freshDatabase() {
	const name = `m_${randomBytes(6).toString('hex')}`;
	const admin = postgres(maintenanceUrl, { max: 1, onnotice: () => {} });
	await admin.unsafe(`create database "${name}"`);
	const pools: postgres.Sql[] = [];
	cleanups.push(async () => {
		await Promise.all(pools.map((p) => p.end({ timeout: 5 })));
		await admin.unsafe(`drop database if exists "${name}" with (force)`);
		await admin.end();
	});
	const open = () => {
		const pool = postgres(maintenanceUrl.replace(/\/[^/]*$/, `/${name}`), { max: 2, onnotice: () => {} });
		pools.push(pool);
		return pool;
	};
	return { open };
}

async function recorded(db: postgres.Sql) {
	return (await db<{ name: string }[]>`select name from schema_migrations order by applied_at, name`).map((r) => r.name);
}

async function tableExists(db: postgres.Sql, table: string) {
	const [row] = await db<{ found: string | null }[]>`select to_regclass(${table})::text as found`;
	return row?.found != null;
}

describe('migrate', () => {
	it('applies every shipped file exactly once when two servers start at the same moment', async () => {
		const { open } = await freshDatabase();
		const [first, second] = await Promise.all([migrate(open(), migrationFiles), migrate(open(), migrationFiles)]);
		const names = migrationFiles.map((f) => f.name).sort();
		expect(names.length).toBeGreaterThan(0);
		// One of them did the work; the other waited for the lock and found nothing left to do.
		expect([...first.applied, ...second.applied].sort()).toEqual(names);
		expect([first.applied.length, second.applied.length].sort()).toEqual([0, names.length]);

		const db = open();
		const rows = await db<{ name: string; n: number }[]>`select name, count(*)::int as n from schema_migrations group by name`;
		expect(rows.map((r) => r.name).sort()).toEqual(names);
		expect(rows.every((r) => r.n === 1)).toBe(true);
		expect(await tableExists(db, 'audit_log')).toBe(true);

		expect(await migrate(db, migrationFiles)).toEqual({ applied: [], alreadyApplied: names.length });
	});

	it('applies files in name order, whatever order they arrive in', async () => {
		const { open } = await freshDatabase();
		const db = open();
		const files: MigrationFile[] = [
			{ name: '0010_notes_body.sql', text: 'alter table notes add column body text not null;' },
			{ name: '0001_notes.sql', text: 'create table notes (id int primary key);' },
			{ name: '0002_notes_title.sql', text: 'alter table notes add column title text;' }
		];
		const result = await migrate(db, files);
		expect(result.applied).toEqual(['0001_notes.sql', '0002_notes_title.sql', '0010_notes_body.sql']);
		expect(await recorded(db)).toEqual(['0001_notes.sql', '0002_notes_title.sql', '0010_notes_body.sql']);
	});

	it('refuses to run when an applied file was edited, and applies nothing else', async () => {
		const { open } = await freshDatabase();
		const db = open();
		const original = { name: '0001_notes.sql', text: 'create table notes (id int primary key);' };
		await migrate(db, [original]);

		const edited = { ...original, text: 'create table notes (id bigint primary key);' };
		const next = { name: '0002_tags.sql', text: 'create table tags (id int primary key);' };
		const error = await migrate(db, [edited, next]).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(EditedMigrationError);
		expect((error as EditedMigrationError).file).toBe('0001_notes.sql');
		expect((error as Error).message).toContain('add a new migration instead');
		expect(await tableExists(db, 'tags')).toBe(false);
		expect(await recorded(db)).toEqual(['0001_notes.sql']);

		const [row] = await db<{ checksum: string }[]>`select checksum from schema_migrations where name = '0001_notes.sql'`;
		expect(row!.checksum).toBe(checksum(original.text));
	});

	it('does not count Windows line endings as an edit', async () => {
		const { open } = await freshDatabase();
		const db = open();
		await migrate(db, [{ name: '0001_notes.sql', text: 'create table notes (\n\tid int primary key\n);\n' }]);
		const checkedOutOnWindows = { name: '0001_notes.sql', text: 'create table notes (\r\n\tid int primary key\r\n);\r\n' };
		expect(await migrate(db, [checkedOutOnWindows])).toEqual({ applied: [], alreadyApplied: 1 });
	});

	it('rolls a failing file back completely, records it not, and keeps the files before it', async () => {
		const { open } = await freshDatabase();
		const db = open();
		const good = { name: '0001_notes.sql', text: 'create table notes (id int primary key);' };
		const bad = { name: '0002_broken.sql', text: 'create table half_done (id int);\ninsert into notes values (1);\nselect 1 / 0;' };
		const after = { name: '0003_tags.sql', text: 'create table tags (id int primary key);' };

		await expect(migrate(db, [good, bad, after])).rejects.toThrow(/0002_broken\.sql failed: division by zero/);
		expect(await recorded(db)).toEqual(['0001_notes.sql']);
		expect(await tableExists(db, 'half_done')).toBe(false);
		expect(await db`select 1 from notes`).toHaveLength(0);
		expect(await tableExists(db, 'tags')).toBe(false);

		// Once the file is fixed, the next start carries on from there.
		const fixed = { ...bad, text: 'create table half_done (id int);' };
		expect((await migrate(db, [good, fixed, after])).applied).toEqual(['0002_broken.sql', '0003_tags.sql']);
	});

	it('lets the next start run after a failure: the lock is released', async () => {
		const { open } = await freshDatabase();
		const first = open();
		await expect(migrate(first, [{ name: '0001_bad.sql', text: 'select * from nowhere;' }])).rejects.toThrow(/0001_bad/);
		// A second server, on its own connections, must not wait forever for the first one's lock.
		const second = open();
		const ok = { name: '0001_bad.sql', text: 'create table somewhere (id int);' };
		expect((await migrate(second, [ok])).applied).toEqual(['0001_bad.sql']);
	});
});
