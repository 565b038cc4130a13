// npm run backup and npm run restore, round trip: a city with incidents, clocks, an uploaded file and a sealed audit
// chain is backed up while it is in use, restored into a new empty database, and every table, the file and the audit
// chain are found as they were.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { sealAudit, verifyAudit } from '../../src/lib/server/audit/index.ts';
import { sql } from '../../src/lib/server/db.ts';
import { logMajorIncident, makeCity } from '../../src/lib/server/test-helpers.ts';
import { backup, restore } from './backup.ts';
import { readMigrationFiles } from './database.ts';

const work = mkdtempSync(join(tmpdir(), 'huiying-backup-spec-'));
const maintenanceUrl = inject('pgMaintenanceUrl');
const target = `restored_${randomBytes(4).toString('hex')}`;
const targetUrl = maintenanceUrl.replace(/\/[^/]*$/, `/${target}`);
const admin = postgres(maintenanceUrl, { max: 1, onnotice: () => {} });

beforeAll(async () => {
	const city = await makeCity();
	await logMajorIncident(city.staffA, city.deptA.id, new Date(Date.now() - 30 * 60_000), new Date());
	await sealAudit(sql);
});
afterAll(async () => {
	await admin.unsafe(`drop database if exists "${target}" with (force)`);
	await admin.end();
	rmSync(work, { recursive: true, force: true });
});

/** Every table's rows and a digest of their content, to compare two databases. */
async function contents(db: postgres.Sql): Promise<Record<string, string>> {
	const tables = await db<{ name: string }[]>`
		select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
		where n.nspname = 'public' and c.relkind = 'r' order by c.relname`;
	const out: Record<string, string> = {};
	for (const { name } of tables) {
		const [row] = await db.unsafe(`select count(*)::int as n, md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) as digest from "${name}" t`);
		out[name] = `${row!.n}:${row!.digest}`;
	}
	return out;
}

describe('backup and restore', () => {
	it('bring back every table, the files and the audit chain into an empty database, and refuse a changed archive', async () => {
		const files = join(work, 'files');
		// an upload as the app keeps it: a key under the files folder
		mkdirSync(join(files, 'ab'), { recursive: true });
		writeFileSync(join(files, 'ab', 'cd.pdf'), Buffer.from('%PDF-1.4 通报原件'));
		const archive = join(work, 'out', 'huiying-test.tar.gz');

		const manifest = await backup(process.env.DATABASE_URL!, files, archive);
		expect(manifest.files).toBe(1);
		expect(manifest.tables.find((t) => t.name === 'incidents')!.rows).toBeGreaterThan(0);
		expect(manifest.auditHead).not.toBeNull();
		expect(readFileSync(`${archive}.sha256`, 'utf8')).toMatch(/^[0-9a-f]{64} {2}huiying-test\.tar\.gz\n$/);

		await admin.unsafe(`create database "${target}"`);
		const restoredFiles = join(work, 'restored-files');
		await restore(archive, targetUrl, restoredFiles, readMigrationFiles());

		const restored = postgres(targetUrl, { max: 1, onnotice: () => {}, transform: postgres.camel });
		try {
			expect(await contents(restored)).toEqual(await contents(sql as never));
			// the chain verifies against the head it had, so nothing of it was recomputed
			const report = await verifyAudit(restored as never, [manifest.auditHead!]);
			expect(report.broken).toBeNull();
			expect(readFileSync(join(restoredFiles, 'ab', 'cd.pdf'), 'utf8')).toBe('%PDF-1.4 通报原件');
			// the counters carry on: a new audit row gets an id past every restored one
			const [last] = await restored<{ id: string }[]>`select max(id)::text as id from audit_log`;
			const [next] = await restored<{ id: string }[]>`insert into audit_log (action, entity) values ('test.after_restore', 'test') returning id::text`;
			expect(BigInt(next!.id)).toBeGreaterThan(BigInt(last!.id));
		} finally {
			await restored.end({ timeout: 5 });
		}

		// a second restore into the same database is refused: it is no longer empty
		await expect(restore(archive, targetUrl, restoredFiles, readMigrationFiles())).rejects.toThrow(/not empty/);
		// one byte changed in the archive
		const bytes = readFileSync(archive);
		bytes.writeUInt8(bytes.readUInt8(bytes.length - 10) ^ 0xff, bytes.length - 10);
		writeFileSync(archive, bytes);
		await expect(restore(archive, targetUrl, restoredFiles, readMigrationFiles())).rejects.toThrow(/checksum/);
	});
});
