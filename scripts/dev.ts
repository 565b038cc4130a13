// npm run dev: the embedded database (unless DATABASE_URL is set), migrations and demo data, then `vite dev`.
import { resolve } from 'node:path';
import { openDatabase, onShutdown, prepareDatabase, ROOT } from './lib/database.ts';
import { localSecretsKey, run } from './lib/serve.ts';

const db = await openDatabase();
onShutdown(() => db.close());
const { sql, demo } = await prepareDatabase(db.ownerUrl, { demo: db.embedded, appUrl: db.url });
await sql.end();
if (demo) console.log(`Demo sign-ins (password ${demo.password}): ${demo.signIns.map((s) => s.username).join(', ')}`);
await run(process.execPath, [resolve(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'dev', ...process.argv.slice(2)], { ...process.env, DATABASE_URL: db.url, SECRETS_KEY: localSecretsKey() }).catch(() => {});
await db.close();
