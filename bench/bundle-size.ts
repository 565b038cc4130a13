// npm run bench:bundle — the JavaScript a phone downloads on a cold load of the sign-in page and of
// the home page (工作台), measured in Chromium against the production build (run `npm run build` first).
// Budget from the foundation issue: under 80 KB gzip for each page.
import { gzipSync } from 'node:zlib';
import { resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../scripts/lib/chromium.ts';
import { ROOT, createDatabaseIfMissing, prepareDatabase } from '../scripts/lib/database.ts';
import { freePort, startEmbeddedPostgres } from '../scripts/lib/embedded-pg.ts';
import { serveApp } from '../scripts/lib/serve.ts';

const BUDGET_KB = 80;

async function measure(page: Page, url: string, before?: () => Promise<void>) {
	const scripts = new Map<string, Buffer>();
	const pending: Promise<void>[] = [];
	page.on('response', (res) => {
		if (res.request().resourceType() !== 'script' || res.request().serviceWorker()) return;
		pending.push(
			res.body().then(
				(b) => void scripts.set(new URL(res.url()).pathname, b),
				() => {}
			)
		);
	});
	await before?.();
	await page.goto(url, { waitUntil: 'networkidle' });
	await Promise.all(pending);
	const files = [...scripts].map(([path, body]) => ({ path, raw: body.length, gzip: gzipSync(body, { level: 9 }).length }));
	return {
		files,
		raw: files.reduce((s, f) => s + f.raw, 0),
		gzip: files.reduce((s, f) => s + f.gzip, 0)
	};
}

const pg = await startEmbeddedPostgres({ dir: resolve(ROOT, '.data', 'pg-bench'), fresh: true, fast: true, quiet: true });
let stopApp: (() => Promise<void>) | null = null;
try {
	await createDatabaseIfMissing(pg.url, 'bench');
	const databaseUrl = pg.url.replace(/\/postgres$/, '/bench');
	const { sql, demo } = await prepareDatabase(databaseUrl, { demo: true });
	await sql.end();
	const DEMO_PASSWORD = demo!.password;

	const app = await serveApp({ databaseUrl, port: await freePort(), quiet: true });
	stopApp = app.stop;
	const executablePath = await findChromium();
	if (!executablePath) throw new Error('no Chromium: run node scripts/ensure-chromium.ts');
	const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
	try {
		// A fresh context is a cold phone. The page's own requests are counted (workbox-window's
		// registration included); the worker's precache downloads in the background are not.
		const ctx = () => browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
		const loginCtx = await ctx();
		const login = await measure(await loginCtx.newPage(), `${app.url}/login`);
		await loginCtx.close();

		const homeCtx = await ctx();
		const res = await homeCtx.request.post(`${app.url}/login`, {
			form: { login: 'admin', password: DEMO_PASSWORD },
			headers: { origin: app.url },
			maxRedirects: 0
		});
		if (res.status() >= 400) throw new Error(`sign-in failed: ${res.status()}`);
		const home = await measure(await homeCtx.newPage(), `${app.url}/`);
		await homeCtx.close();

		const kb = (n: number) => (n / 1024).toFixed(1);
		for (const [name, m] of [['sign-in /login', login], ['home /', home]] as const) {
			console.log(`\n${name}: ${m.files.length} scripts, ${kb(m.raw)} KB raw, ${kb(m.gzip)} KB gzip (budget ${BUDGET_KB} KB gzip)`);
			for (const f of m.files.sort((a, b) => b.gzip - a.gzip)) console.log(`  ${kb(f.gzip).padStart(6)} KB  ${f.path}`);
		}
		console.log(`\nnode ${process.version}, ${new Date().toISOString()}`);
	} finally {
		await browser.close();
	}
} finally {
	await stopApp?.();
	await pg.stop();
}
