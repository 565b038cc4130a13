// npm run restore -- ARCHIVE: brings a backup (npm run backup) back into an empty database (DATABASE_URL's owner,
// MIGRATION_DATABASE_URL, or a new embedded one) and its files into the store (S3 when S3_ENDPOINT and S3_BUCKET are
// set, else FILES_DIR or .data/files), then checks every table's rows and the audit chain against the backup. Refuses a database that already has tables.
import { resolve } from 'node:path';
import { restore } from './lib/backup.ts';
import { storeFromEnv } from '../src/lib/server/files/store.ts';
import { openDatabase, readMigrationFiles, roleOf } from './lib/database.ts';

const archive = process.argv[2];
if (!archive) {
	console.error('用法 usage: npm run restore -- backups/huiying-….tar.gz');
	process.exit(2);
}
const db = await openDatabase({ quiet: true });
let failed = false;
try {
	process.env.DATABASE_URL = db.ownerUrl;
	(await import('./lib/messages.ts')).compileMessages();
	const manifest = await restore(resolve(archive), db.ownerUrl, storeFromEnv(), readMigrationFiles());
	const { sql } = await import('../src/lib/server/db.ts');
	const { verifyAudit } = await import('../src/lib/server/audit/index.ts');
	// the app's own role gets its rights on the restored tables (docs/security.md)
	if (roleOf(db.url) !== roleOf(db.ownerUrl)) await (await import('../src/lib/server/migrate.ts')).grantAppRole(sql, roleOf(db.url));
	const report = await verifyAudit(sql, manifest.auditHead ? [manifest.auditHead] : []);
	await sql.end();
	console.log(`恢复完成 restored: ${manifest.tables.length} 张表 tables, ${manifest.files} 个文件 files, from ${manifest.createdAt}`);
	if (report.broken) {
		failed = true;
		console.error(`审计链校验失败 audit chain BROKEN: ${JSON.stringify(report.broken)}`);
	} else console.log(`审计链完整 audit chain holds (${report.checked} seals)`);
} catch (e) {
	failed = true;
	console.error(`恢复失败 restore failed: ${(e as Error).message}`);
} finally {
	await db.close();
}
process.exit(failed ? 1 : 0);
