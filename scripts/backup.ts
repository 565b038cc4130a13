// npm run backup [-- --out=DIR]: the database (DATABASE_URL's owner, MIGRATION_DATABASE_URL, or the embedded one)
// and the uploaded files its records name (from S3 when S3_ENDPOINT and S3_BUCKET are set, else FILES_DIR or
// .data/files) as one archive in DIR (default backups/), with its SHA-256 beside it.
import { resolve } from 'node:path';
import { backup } from './lib/backup.ts';
import { storeFromEnv } from '../src/lib/server/files/store.ts';
import { openDatabase, ROOT } from './lib/database.ts';

const out = resolve(process.argv.find((a) => a.startsWith('--out='))?.slice('--out='.length) ?? resolve(ROOT, 'backups'));
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
const archive = resolve(out, `huiying-${stamp}.tar.gz`);
const db = await openDatabase({ quiet: true });
let failed = false;
try {
	const manifest = await backup(db.ownerUrl, storeFromEnv(), archive);
	const rows = manifest.tables.reduce((n, t) => n + t.rows, 0);
	console.log(`备份完成 backup written: ${archive}`);
	console.log(`  ${manifest.tables.length} 张表 tables, ${rows} 行 rows, ${manifest.files} 个文件 files; 校验和 checksum in ${archive}.sha256`);
	if (manifest.missingFiles?.length) console.warn(`  缺失文件 files missing from the store (${manifest.missingFiles.length}): ${manifest.missingFiles.join(', ')}`);
	if (manifest.auditHead) console.log(`  审计链头 audit chain head: ${manifest.auditHead.seq}:${manifest.auditHead.hash}`);
} catch (e) {
	failed = true;
	console.error(`备份失败 backup failed: ${(e as Error).message}`);
} finally {
	await db.close();
}
process.exit(failed ? 1 : 0);
