// npm start: database (embedded unless DATABASE_URL is set), migrations, demo data, build, serve.
import { DEMO_TOTP_KEY } from '../db/seed/demo-key.ts';
import { createConnection } from 'node:net';
import { openDatabase, onShutdown, prepareDatabase } from './lib/database.ts';
import { buildApp, serveApp, type AppServer } from './lib/serve.ts';

const args = new Set(process.argv.slice(2));
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '0.0.0.0';

function portTaken(p: number): Promise<boolean> {
	return new Promise((ok) => {
		const s = createConnection({ port: p, host: '127.0.0.1' });
		s.once('connect', () => (s.destroy(), ok(true)));
		s.once('error', () => ok(false));
	});
}

if (await portTaken(port)) {
	console.error(`端口 ${port} 已被占用。请先停止占用它的程序，或用 PORT=3001 npm start 换一个端口。`);
	console.error(`Port ${port} is in use: stop whatever holds it, or run PORT=3001 npm start.`);
	process.exit(1);
}

const db = await openDatabase();
let app: AppServer | null = null;
onShutdown(async () => {
	await app?.stop();
	await db.close();
});

const { sql, applied, demo } = await prepareDatabase(db.ownerUrl, { demo: db.embedded || args.has('--demo'), appUrl: db.url });
await sql.end();
if (applied.length) console.log(`[migrate] applied ${applied.join(', ')}`);
if (demo?.created) console.log('[seed] demo organisation created');
const signIns = demo?.signIns ?? [];
const demoPassword = demo?.password ?? '';

if (!args.has('--no-build')) {
	console.log('[build] building the production app…');
	await buildApp();
}

app = await serveApp({ databaseUrl: db.url, port, host, origin: process.env.ORIGIN });
app.child.on('exit', (code) => {
	console.error(`[app] exited with ${code}`);
	void db.close().then(() => process.exit(code ?? 1));
});

console.log(`\n回应 Huiying is running: ${app.url}\n`);
if (signIns.length) {
	console.log(`Demo sign-ins (演示账号), password 密码 for all: ${demoPassword}`);
	for (const s of signIns) console.log(`  ${s.username.padEnd(14)} ${s.name}  ${s.unit} · ${s.title}`);
	console.log(`Administrators and the auditor also give a second factor (管理员、审计员需第二重验证): the demo authenticator key`);
	console.log(`  演示验证器密钥 ${DEMO_TOTP_KEY}, or \`npm run demo:code\` for the current 6-digit code (当前验证码).`);
	console.log('');
}
console.log('Press Ctrl+C to stop.');
