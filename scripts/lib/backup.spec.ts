// npm run backup and npm run restore, round trip: a city with incidents, clocks, an uploaded file and a sealed audit
// chain is backed up while it is in use, restored into a new empty database, and every table, the file and the audit
// chain are found as they were; the same with the files in an S3 bucket (the local fake that checks signatures).
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { sealAudit, verifyAudit } from '../../src/lib/server/audit/index.ts';
import { sql } from '../../src/lib/server/db.ts';
import { localStore, newStorageKey, s3Store, type BlobStore } from '../../src/lib/server/files/store.ts';
import { logMajorIncident, makeCity } from '../../src/lib/server/test-helpers.ts';
import { startFakeS3 } from '../../tests/support/fake-s3.ts';
import { backup, restore } from './backup.ts';
import { readMigrationFiles } from './database.ts';

const work = mkdtempSync(join(tmpdir(), 'huiying-backup-spec-'));
const maintenanceUrl = inject('pgMaintenanceUrl');
const target = `restored_${randomBytes(4).toString('hex')}`;
const targetUrl = maintenanceUrl.replace(/\/[^/]*$/, `/${target}`);
const s3Target = `restored_s3_${randomBytes(4).toString('hex')}`;
const PDF = Buffer.from('%PDF-1.4 通报原件');
const key = newStorageKey();
const admin = postgres(maintenanceUrl, { max: 1, onnotice: () => {} });

beforeAll(async () => {
	const city = await makeCity();
	// an upload as the app keeps it: bytes in the store, a record naming them
	await sql`
		insert into files (sha256, size, mime, name, storage_key, uploaded_by)
		values (${createHash('sha256').update(PDF).digest('hex')}, ${PDF.length}, 'application/pdf', '通报原件.pdf', ${key}, ${city.staffA.id})`;
	await logMajorIncident(city.staffA, city.deptA.id, new Date(Date.now() - 30 * 60_000), new Date());
	await sealAudit(sql);
});
afterAll(async () => {
	await admin.unsafe(`drop database if exists "${target}" with (force)`);
	await admin.unsafe(`drop database if exists "${s3Target}" with (force)`);
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
		const files = localStore(join(work, 'files'));
		await files.put(key, PDF, 'application/pdf');
		const archive = join(work, 'out', 'huiying-test.tar.gz');

		const manifest = await backup(process.env.DATABASE_URL!, files, archive);
		expect(manifest.files).toBe(1);
		expect(manifest.tables.find((t) => t.name === 'incidents')!.rows).toBeGreaterThan(0);
		expect(manifest.auditHead).not.toBeNull();
		expect(readFileSync(`${archive}.sha256`, 'utf8')).toMatch(/^[0-9a-f]{64} {2}huiying-test\.tar\.gz\n$/);

		await admin.unsafe(`create database "${target}"`);
		const restoredDir = join(work, 'restored-files');
		const restoredFiles = localStore(restoredDir);
		await restore(archive, targetUrl, restoredFiles, readMigrationFiles());

		const restored = postgres(targetUrl, { max: 1, onnotice: () => {}, transform: postgres.camel });
		try {
			expect(await contents(restored)).toEqual(await contents(sql as never));
			// the chain verifies against the head it had, so nothing of it was recomputed
			const report = await verifyAudit(restored as never, [manifest.auditHead!]);
			expect(report.broken).toBeNull();
			expect(readFileSync(join(restoredDir, key), 'utf8')).toBe('%PDF-1.4 通报原件');
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

	it('take the files from an S3 bucket and put them back into one, and name a file the bucket lost', async () => {
		const source = await startFakeS3();
		const dest = await startFakeS3();
		const bucket = (s3: typeof source): BlobStore =>
			s3Store({ endpoint: s3.endpoint, bucket: s3.bucket, region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, forcePathStyle: true });
		try {
			await bucket(source).put(key, PDF, 'application/pdf');
			const archive = join(work, 's3', 'huiying-s3.tar.gz');
			const manifest = await backup(process.env.DATABASE_URL!, bucket(source), archive);
			expect(manifest.files).toBe(1);
			expect(manifest.missingFiles).toBeUndefined();
			// every request to the bucket was signed as S3 checks it
			expect(source.requests.filter((r) => r.refusal !== null)).toEqual([]);

			await admin.unsafe(`create database "${s3Target}"`);
			await restore(archive, maintenanceUrl.replace(/\/[^/]*$/, `/${s3Target}`), bucket(dest), readMigrationFiles());
			const object = [...dest.objects.values()][0];
			expect([...dest.objects.keys()]).toEqual([expect.stringContaining(key)]);
			expect(object!.bytes.equals(PDF)).toBe(true);
			expect(object!.contentType).toBe('application/pdf');

			// the bucket lost the object: the backup says so instead of failing or keeping nothing silently
			await bucket(source).delete(key);
			const lost = await backup(process.env.DATABASE_URL!, bucket(source), join(work, 's3', 'huiying-lost.tar.gz'));
			expect(lost).toMatchObject({ files: 0, missingFiles: [key] });
		} finally {
			await Promise.all([source.close(), dest.close()]);
		}
	});
});
