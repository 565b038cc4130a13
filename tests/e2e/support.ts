// Shared steps for the end-to-end tests: signing in, the service worker, app servers a test owns.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import postgres from 'postgres';
import { DEMO_TOTP_KEY } from '../../db/seed/demo-key.ts';
import { totpCode } from '../../src/lib/server/auth/totp.ts';
import { readE2eState } from '../../scripts/lib/e2e-state.ts';
import { freePort } from '../../scripts/lib/embedded-pg.ts';
import { databaseServedAt, serveApp, type AppServer } from '../../scripts/lib/serve.ts';

export { DEMO_PASSWORD } from '../../db/seed/demo.ts';

/** `2026年11月22日 14:05`, as the app writes a time in China. */
export const cst = (d: Date) => {
	const p = Object.fromEntries(
		new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
			.formatToParts(d)
			.map((x) => [x.type, x.value])
	);
	return `${p.year}年${p.month}月${p.day}日 ${p.hour}:${p.minute}`;
};

/** Waits until the page is hydrated: a tap before that would be lost. */
export async function ready(page: Page): Promise<void> {
	await page.locator('body[data-ready="true"]').waitFor();
}

/**
 * The demo authenticator's code for `login` (db/seed/demo-key.ts), as the person's phone shows it. A code counts once
 * (src/lib/server/auth/totp.ts) and tests sign the same administrator in many times a minute: the last step taken
 * and any failures are forgotten in the database first, which only a test may do.
 */
export async function demoCode(origin: string, login: string): Promise<string> {
	const db = postgres(databaseServedAt(origin) ?? readE2eState().databaseUrl, { max: 1, onnotice: () => {} });
	try {
		const [person] = await db<{ id: string }[]>`select id from people where username = ${login} or phone = ${login}`;
		await db`update totp_keys set last_step = 0 where person_id = ${person!.id}`;
		await db`delete from sign_in_throttle where key = ${'second-factor:' + person!.id}`;
	} finally {
		await db.end({ timeout: 5 });
	}
	return totpCode(decodeBase32IgnorePadding(DEMO_TOTP_KEY));
}

/** Signs in from a terminal: the password, then (for an administrator) the demo authenticator's code. */
export async function signInRequest(api: APIRequestContext, origin: string, login: string, password: string, extraHeaders: Record<string, string> = {}): Promise<void> {
	// as a browser posts a form: the answer is then a redirect, not the JSON a script's form action gets
	const headers = { accept: 'text/html', ...extraHeaders };
	const res = await api.post(`${origin}/login`, { form: { login, password }, headers, maxRedirects: 0 });
	expect(res.status(), `sign-in of ${login}`).toBe(303);
	const next = res.headers()['location'] ?? '';
	if (!next.startsWith('/login/second-factor')) return;
	const query = new URL(next, 'http://x').searchParams;
	// Another test may sign the same person in at the same moment and take this step's code: then once more.
	for (let attempt = 1; ; attempt++) {
		const answer = await api.post(`${origin}/login/second-factor?/totp&${query}`, { form: { code: await demoCode(origin, login) }, headers, maxRedirects: 0 });
		if (answer.status() === 303) return;
		expect(attempt, `second factor of ${login}: ${answer.status()}`).toBeLessThan(4);
	}
}

/** Signs in through the form, as a person would; `origin` for a server other than baseURL. */
export async function signIn(page: Page, login: string, password: string, origin = ''): Promise<void> {
	await page.goto(`${origin}/login`);
	await ready(page);
	await page.getByLabel('手机号或用户名').fill(login);
	await page.getByLabel('密码').fill(password);
	await page.getByRole('button', { name: '登录' }).tap();
	await page.waitForURL((url) => url.pathname !== '/login');
	if (new URL(page.url()).pathname === '/login/second-factor') {
		await ready(page);
		for (let attempt = 1; new URL(page.url()).pathname === '/login/second-factor'; attempt++) {
			expect(attempt, `second factor of ${login}`).toBeLessThan(4);
			await page.getByLabel('验证器中的 6 位验证码').fill(await demoCode(origin, login));
			await page.getByRole('button', { name: '验证并登录' }).tap();
			await Promise.race([page.waitForURL((url) => url.pathname !== '/login/second-factor'), page.getByRole('alert').waitFor()]);
		}
	}
	await expect(page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '工作台' })).toBeVisible();
}

/**
 * Signs in from the page's own browser context as a terminal does, then opens `path` (工作台 unless told) in the
 * app: for a test about what comes after, the form itself being what signIn goes through. `origin` for a server
 * other than baseURL.
 */
export async function signInDirectly(page: Page, login: string, password: string, origin = '', path = '/'): Promise<void> {
	await signInRequest(page.request, origin, login, password);
	await page.goto(`${origin}${path}`);
	await ready(page);
	// Signed in: the screen asked for opened, not the sign-in form.
	expect(new URL(page.url()).pathname).toBe(path.split('?')[0]);
}

/**
 * An app server over the e2e database that the test can stop (offline, a new release). Its stop()
 * must run on every path: collect servers with `servers.push` and stop them in afterEach.
 */
export async function startOwnServer(opts: { port?: number; buildDir?: string } = {}): Promise<AppServer> {
	return serveApp({
		databaseUrl: readE2eState().databaseUrl,
		port: opts.port ?? (await freePort()),
		// E2E_BUILD_DIR: a copy of the build of one's own, while others rebuild ./build on the same machine
		buildDir: opts.buildDir ?? process.env.E2E_BUILD_DIR,
		quiet: true,
		env: { SHUTDOWN_TIMEOUT: '1' }
	});
}

/** Waits until a service worker controls the page, as it does after the first visit. */
export async function waitForServiceWorkerControl(page: Page): Promise<void> {
	await page.evaluate(() => navigator.serviceWorker.ready);
	const controlled = () => page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 5_000 });
	try {
		await controlled();
	} catch {
		// clients.claim() normally takes over the open page; a reload is the browser's own fallback.
		await page.reload();
		await controlled();
	}
}

/** The build version of the service worker in control, as it answers GET_VERSION. */
export function workerVersion(page: Page): Promise<string> {
	return page.evaluate(
		() =>
			new Promise<string>((resolve, reject) => {
				const worker = navigator.serviceWorker.controller;
				if (!worker) return reject(new Error('no service worker controls the page'));
				const channel = new MessageChannel();
				channel.port1.onmessage = (e: MessageEvent<{ version: string }>) => resolve(e.data.version);
				worker.postMessage({ type: 'GET_VERSION' }, [channel.port2]);
			})
	);
}

/**
 * The paths the service worker keeps for offline use. Read again (at most twice) when the page navigated while it
 * was being read: signing out reloads the page.
 */
export function keptPages(page: Page, retries = 2): Promise<string[]> {
	const read = page.evaluate(async () => {
		const paths: string[] = [];
		for (const key of await caches.keys()) {
			if (!key.startsWith('pages-')) continue;
			for (const req of await (await caches.open(key)).keys()) paths.push(new URL(req.url).pathname);
		}
		return paths;
	});
	return read.catch(async (error: unknown) => {
		if (retries === 0 || !/Execution context was destroyed/.test(String(error))) throw error;
		await page.waitForLoadState();
		return keptPages(page, retries - 1);
	});
}

/**
 * A screen at 390 and 360 px, light and dark, saved in `dir` for a person to look at (nothing when `dir` is unset);
 * `wide`: also checks nothing is wider than the phone. Leaves the page at 390 × 844, light.
 */
export async function shootPhone(page: Page, dir: string | undefined, name: string, opts: { fullPage?: boolean; wide?: boolean } = {}): Promise<void> {
	if (!dir) return;
	mkdirSync(dir, { recursive: true });
	for (const width of [390, 360]) {
		for (const colorScheme of ['light', 'dark'] as const) {
			await page.setViewportSize({ width, height: width === 390 ? 844 : 780 });
			await page.emulateMedia({ colorScheme });
			await page.screenshot({ path: join(dir, `${name}-${width}-${colorScheme}.png`), fullPage: opts.fullPage ?? false });
			if (opts.wide) expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} at ${width}`).toBeLessThanOrEqual(width);
		}
	}
	await page.setViewportSize({ width: 390, height: 844 });
	await page.emulateMedia({ colorScheme: 'light' });
}
