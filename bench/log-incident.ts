// npm run bench:log-incident — how long, and how many taps, it takes a duty officer to log a level II incident on
// a phone from a cold start of the app: a new browser (nothing cached, no service worker yet), already signed in,
// opening 工作台, then 登记事件 → title → category → level II → 提交并启动时限, until the incident's page shows
// its clocks. The interactions are counted as they are made; the app's share of the time (page loads, the
// submit's round trip) is measured; the person's share is given by PERSON_TAP_MS per tap and PERSON_CHAR_MS per
// character typed (defaults: 1.2 s and 1 s, a pinyin keyboard). Needs the production build (BUILD_DIR for another).
import { resolve } from 'node:path';
import { chromium } from '@playwright/test';
import { ROOT, createDatabaseIfMissing, onShutdown } from '../scripts/lib/database.ts';
import { CHROMIUM_ARGS, findChromium } from '../scripts/lib/chromium.ts';
import { freePort, startEmbeddedPostgres } from '../scripts/lib/embedded-pg.ts';
import { run, serveApp, type AppServer } from '../scripts/lib/serve.ts';
import { mintSession } from '../tests/support/write-burst.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const PERSON_TAP_MS = Number(process.env.PERSON_TAP_MS ?? 1_200);
const PERSON_CHAR_MS = Number(process.env.PERSON_CHAR_MS ?? 1_000);
const TITLE = '滨江路燃气管道泄漏';

const executablePath = await findChromium();
if (!executablePath) throw new Error('No Chromium: run `node scripts/ensure-chromium.ts`.');
const pg = await startEmbeddedPostgres({ dir: resolve(ROOT, '.data', 'pg-bench-log-incident'), fresh: true, quiet: true });
let server: AppServer | null = null;
const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
onShutdown(async () => {
	await browser.close();
	await server?.stop();
	await pg.stop();
});

try {
	await createDatabaseIfMissing(pg.url, 'bench_log_incident');
	const databaseUrl = pg.url.replace(/\/postgres$/, '/bench_log_incident');
	await run(process.execPath, [resolve(ROOT, 'scripts', 'demo-database.ts')], { ...process.env, DATABASE_URL: databaseUrl });
	server = await serveApp({ databaseUrl, port: await freePort(), quiet: true, buildDir: process.env.BUILD_DIR });
	const url = new URL(server.url);

	for (let round = 1; round <= ROUNDS; round++) {
		const [name, value] = (await mintSession(databaseUrl, 'em-duty')).split('=') as [string, string];
		const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
		await context.addCookies([{ name, value, domain: url.hostname, path: '/', httpOnly: true, sameSite: 'Lax' }]);
		const page = await context.newPage();
		let taps = 0;
		let typed = 0;
		const title = `${TITLE}${round}`;

		const started = performance.now();
		await page.goto(`${server.url}/`);
		await page.locator('body[data-ready="true"]').waitFor();
		const homeMs = performance.now() - started;

		await page.getByRole('navigation', { name: '登记' }).getByRole('link', { name: '登记事件' }).tap();
		taps++;
		await page.locator('body[data-ready="true"]').waitFor();
		await page.getByLabel('标题').fill(title);
		taps++;
		typed += [...title].length;
		await page.getByRole('radio', { name: '事故灾难' }).tap();
		taps++;
		await page.getByRole('radio', { name: /^II级/ }).tap();
		taps++;
		// 刚才 is the default time of occurrence and the person's own unit the lead: nothing to do for either.
		const submitted = performance.now();
		await page.getByRole('button', { name: '提交并启动时限' }).tap();
		taps++;
		await page.getByRole('heading', { level: 1, name: title }).waitFor();
		await page.getByRole('article', { name: /^发布权威信息/ }).getByRole('timer').waitFor();
		const submitMs = performance.now() - submitted;
		const appMs = performance.now() - started;
		await context.close();

		const personMs = taps * PERSON_TAP_MS + typed * PERSON_CHAR_MS;
		console.log(
			`round ${round}: ${taps} interactions (${typed} characters typed); app ${(appMs / 1000).toFixed(2)} s ` +
				`(cold 工作台 ${(homeMs / 1000).toFixed(2)} s, submit to clocks ${(submitMs / 1000).toFixed(2)} s); ` +
				`with a person's pace ≈ ${((appMs + personMs) / 1000).toFixed(1)} s`
		);
	}
} finally {
	await browser.close();
	await server?.stop();
	await pg.stop();
}
