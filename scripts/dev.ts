// npm run dev: the embedded database (unless DATABASE_URL is set), migrations and demo data, then `vite dev`.
import { resolve } from 'node:path';
import { openDatabase, readMigrationFiles, onShutdown, ROOT } from './lib/database.ts';
import { run } from './lib/serve.ts';

const db = await openDatabase();
onShutdown(() => db.close());
process.env.DATABASE_URL = db.url;
const { sql } = await import('../src/lib/server/db.ts');
const { migrate } = await import('../src/lib/server/migrate.ts');
await migrate(sql, readMigrationFiles());
if (db.embedded) {
	const { seedDemo, DEMO_PASSWORD } = await import('../db/seed/demo.ts');
	const { signIns } = await seedDemo();
	console.log(`Demo sign-ins (password ${DEMO_PASSWORD}): ${signIns.map((s) => s.username).join(', ')}`);
}
await sql.end();
await run(process.execPath, [resolve(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'dev', ...process.argv.slice(2)]).catch(() => {});
await db.close();
