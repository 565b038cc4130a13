// npm run audit:verify [-- --anchor=SEQ:HASH …]: seals the audit rows due, recomputes the whole chain and names the
// first row that no longer matches (exit 1), or prints the chain's head: keep it as an anchor, and a later run given
// it finds a rewrite of the whole chain too. Reads as the app's role; nothing is changed but the new seals.
import { openDatabase } from './lib/database.ts';

const anchors = process.argv
	.filter((a) => a.startsWith('--anchor='))
	.map((a) => {
		const [seq, hash] = a.slice('--anchor='.length).split(':');
		if (!seq || !/^\d+$/.test(seq) || !hash || !/^[0-9a-f]{64}$/.test(hash)) {
			console.error(`锚点格式应为 序号:哈希（64 位十六进制）: ${a}\nAn anchor is SEQ:HASH (64 hex digits): ${a}`);
			process.exit(2);
		}
		return { seq, hash };
	});

const db = await openDatabase({ quiet: true });
process.env.DATABASE_URL = db.url;
(await import('./lib/messages.ts')).compileMessages();
const { sql } = await import('../src/lib/server/db.ts');
const { sealAudit, verifyAudit } = await import('../src/lib/server/audit/index.ts');
let broken = false;
try {
	const sealed = await sealAudit(sql);
	const report = await verifyAudit(sql, anchors);
	console.log(`新签封 ${sealed} 条，已校验 ${report.checked} 条签封 (sealed ${sealed}, verified ${report.checked} seals)`);
	if (report.head) console.log(`链头 head: ${report.head.seq}:${report.head.hash}`);
	if (report.broken) {
		broken = true;
		const b = report.broken;
		console.error(`校验失败 BROKEN: ${b.reason}${b.auditId ? ` · 审计记录 audit row ${b.auditId}` : ''}${b.seq ? ` · 签封序号 seal ${b.seq}` : ''}`);
	} else console.log('签封链完整 the chain holds');
} finally {
	await sql.end();
	await db.close();
}
process.exit(broken ? 1 : 0);
