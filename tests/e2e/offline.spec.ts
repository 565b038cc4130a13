// Losing the connection: screens already opened still show, others say so in Chinese.
import { expect, test, type Page } from '@playwright/test';
import type { AppServer } from '../../scripts/lib/serve.ts';
import { DEMO_PASSWORD, keptPages, ready, shootPhone, signIn, signInDirectly, startOwnServer, waitForServiceWorkerControl } from './support.ts';

// Going offline means stopping the server, so such a test runs one of its own. Signing in through the form is
// checked elsewhere: here the phone is signed in directly, except where a sign-in on the same phone is the point.
test.setTimeout(60_000);
const servers: AppServer[] = [];
test.afterEach(async () => {
	for (const server of servers.splice(0)) await server.stop();
});

test('the app shell stays on screen without the server, and new screens say they cannot connect', async ({ page }) => {
	const server = await startOwnServer();
	servers.push(server);

	await signInDirectly(page, 'em-press', DEMO_PASSWORD, server.url);
	await waitForServiceWorkerControl(page);
	const nav = page.getByRole('navigation', { name: '主导航' });
	// Both screens are reached inside the app (no page load): the worker must still keep them.
	await nav.getByRole('link', { name: '我的' }).tap();
	await expect(page.getByRole('heading', { name: '我的' })).toBeVisible();
	await expect.poll(() => keptPages(page), { timeout: 10_000 }).toEqual(expect.arrayContaining(['/', '/me']));

	await server.stop();

	await page.reload();
	await expect(page.getByRole('heading', { name: '我的' })).toBeVisible();
	await expect(page.getByText('陈静')).toBeVisible();
	await page.goto(`${server.url}/`);
	await expect(nav.getByRole('link', { name: '工作台' })).toBeVisible();
	await expect(page.getByRole('heading', { level: 1 })).toContainText('陈静');
	await expect(page.getByText('所在单位：江城市应急管理局')).toBeVisible();

	await page.goto(`${server.url}/releases`);
	await expect(page.getByRole('heading', { name: '当前无法连接' })).toBeVisible();
	await expect(page.getByRole('button', { name: '重试' })).toBeVisible();
});

/** The line a screen shows over data kept from earlier, with the time it was fetched (China time). */
const staleLine = (page: Page) => page.getByRole('status').filter({ hasText: /离线，显示的是 (\d{1,2}月\d{1,2}日 )?\d{2}:\d{2} 的数据/ });
const english = /Internal Error|Not Found|Error/;

test('offline, the tab bar opens visited screens with their last data and others in Chinese; back online they refresh', async ({ page }) => {
	test.setTimeout(120_000);
	// The phone's own clock, to move it on while the connection is gone.
	await page.clock.install();
	const server = await startOwnServer();
	servers.push(server);
	const port = Number(new URL(server.url).port);

	await signInDirectly(page, 'em-press', DEMO_PASSWORD, server.url);
	await waitForServiceWorkerControl(page);
	const nav = page.getByRole('navigation', { name: '主导航' });
	await nav.getByRole('link', { name: '事件' }).tap();
	await expect(page.getByRole('heading', { name: '突发事件' })).toBeVisible();
	await nav.getByRole('link', { name: '我的' }).tap();
	await expect(page.getByRole('heading', { name: '我的' })).toBeVisible();
	await nav.getByRole('link', { name: '工作台' }).tap();
	await expect(page.getByRole('heading', { level: 1 })).toContainText('陈静');
	const hhmm = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
	const fetchedAt = new RegExp(`(${hhmm.format(Date.now() - 60_000)}|${hhmm.format(Date.now())}) 的数据`);
	await expect
		.poll(() => keptPages(page), { timeout: 10_000 })
		.toEqual(expect.arrayContaining(['/__data.json', '/incidents/__data.json']));
	await expect(staleLine(page)).toBeHidden();

	await server.stop();
	// An hour passes without a connection: countdowns go on from the last live server time, and a kept
	// copy's old server time must not pass for the device's clock being an hour fast.
	await page.clock.setSystemTime(Date.now() + 3_600_000);

	await nav.getByRole('link', { name: '事件' }).tap();
	await expect(page.getByRole('heading', { name: '突发事件' })).toBeVisible();
	await expect(staleLine(page)).toBeVisible();
	// The time the data was fetched: the minute the screens were opened, not the phone's clock now.
	await expect(staleLine(page)).toContainText(fetchedAt);
	await shootPhone(page, process.env.SHOTS_DIR, 'stale-incidents');

	await nav.getByRole('link', { name: '工作台' }).tap();
	await expect(page.getByRole('heading', { level: 1 })).toContainText('陈静');
	await expect(staleLine(page)).toContainText(fetchedAt);
	await expect(page.getByText(/本机时间与服务器相差/)).toBeHidden();

	await nav.getByRole('link', { name: '我的' }).tap();
	await expect(page.getByRole('heading', { name: '我的' })).toBeVisible();
	await expect(page.getByText('陈静')).toBeVisible();
	await expect(staleLine(page)).toContainText(fetchedAt);

	// Never opened on this device: the Chinese offline page, inside the app with its tab bar.
	await nav.getByRole('link', { name: '发布', exact: true }).tap();
	await expect(page.getByRole('heading', { name: '当前无法连接' })).toBeVisible();
	await expect(page.getByRole('button', { name: '重试' })).toBeVisible();
	await expect(page.getByRole('link', { name: '返回工作台' })).toBeVisible();
	await expect(nav.getByRole('link', { name: '工作台' })).toBeVisible();
	await expect(page.locator('body')).not.toContainText(english);
	await shootPhone(page, process.env.SHOTS_DIR, 'offline-page');

	// The connection returns: the screen on show loads by itself, no tap needed. The app asks every 5 s (PROBE_MS in
	// freshness.svelte.ts): the phone's clock is moved on to the next time it asks instead of waiting for it.
	const back = await startOwnServer({ port });
	servers.push(back);
	await page.clock.fastForward(5_000);
	await expect(page.getByRole('heading', { name: '发布', exact: true })).toBeVisible({ timeout: 20_000 });
	await expect(page.getByRole('heading', { name: '当前无法连接' })).toBeHidden();

	// And a kept copy on show is replaced by live data by itself.
	await back.stop();
	await nav.getByRole('link', { name: '事件' }).tap();
	await expect(staleLine(page)).toBeVisible();
	servers.push(await startOwnServer({ port }));
	await page.clock.fastForward(5_000);
	await expect(staleLine(page)).toBeHidden({ timeout: 20_000 });
	await expect(page.getByRole('heading', { name: '突发事件' })).toBeVisible();
});

test('on a shared phone the next person never sees what the last one kept', async ({ page }) => {
	test.setTimeout(90_000);
	const server = await startOwnServer();
	servers.push(server);

	await signInDirectly(page, 'em-press', DEMO_PASSWORD, server.url);
	await waitForServiceWorkerControl(page);
	const nav = page.getByRole('navigation', { name: '主导航' });
	await nav.getByRole('link', { name: '事件' }).tap();
	await expect(page.getByRole('heading', { name: '突发事件' })).toBeVisible();
	await nav.getByRole('link', { name: '我的' }).tap();
	await expect(page.getByText('陈静')).toBeVisible();
	await expect.poll(() => keptPages(page), { timeout: 10_000 }).toEqual(expect.arrayContaining(['/me', '/incidents', '/incidents/__data.json']));

	await page.getByRole('button', { name: '退出登录' }).tap();
	// The sign-in page itself ('退出登录' also holds the word 登录), or the next step would race the sign-out.
	await expect(page).toHaveURL(/\/login$/);
	await expect(page.getByRole('button', { name: '登录', exact: true })).toBeVisible();
	// Signed out: nothing of 陈静's stays on the phone.
	await expect.poll(() => keptPages(page), { timeout: 10_000 }).toEqual([]);

	await signIn(page, 'em-duty', DEMO_PASSWORD, server.url);
	await expect(page.getByRole('heading', { level: 1 })).toContainText('孙浩');
	await server.stop();

	// 孙浩 never opened 事件 or 我的 here: offline he is told so, and is never shown 陈静's copies.
	await nav.getByRole('link', { name: '事件' }).tap();
	await expect(page.getByRole('heading', { name: '当前无法连接' })).toBeVisible();
	await page.goto(`${server.url}/me`);
	await ready(page);
	await expect(page.getByRole('heading', { name: '当前无法连接' })).toBeVisible();
	await expect(page.locator('body')).not.toContainText('陈静');
});

test('an error page is in Chinese, keeps the tab bar and leads home', async ({ page }) => {
	await signInDirectly(page, 'em-press', DEMO_PASSWORD);
	await page.goto('/incidents/00000000-0000-4000-8000-000000000000');
	await expect(page.getByRole('heading', { name: '找不到这个页面' })).toBeVisible();
	await expect(page.getByText('错误代码 404')).toBeVisible();
	await expect(page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '工作台' })).toBeVisible();
	await expect(page.locator('body')).not.toContainText(english);
	await shootPhone(page, process.env.SHOTS_DIR, 'error-404');
	await page.getByRole('link', { name: '返回工作台' }).tap();
	await expect(page.getByRole('heading', { level: 1 })).toContainText('陈静');

	// Outside the app's frame too.
	await page.goto('/no-such-screen');
	await expect(page.getByRole('heading', { name: '找不到这个页面' })).toBeVisible();
	await expect(page.locator('body')).not.toContainText(english);
});

test.describe('without a service worker', () => {
	test.use({ serviceWorkers: 'block' });

	test('a server error names its request id in Chinese, with the tab bar', async ({ page }) => {
		await signInDirectly(page, 'em-press', DEMO_PASSWORD);
		// The screen's data answers as the server does when a load fails (hooks.server.ts handleError).
		await page.route('**/releases/__data.json*', (route) => {
			const invalid = new URL(route.request().url()).searchParams.get('x-sveltekit-invalidated') ?? '001';
			const error = { type: 'error', status: 500, error: { message: '服务器出错了（编号 K7TQ2M4Z），请稍后再试。', requestId: 'K7TQ2M4Z' } };
			return route.fulfill({ json: { type: 'data', nodes: [...invalid].map((_, i) => (i === invalid.length - 1 ? error : { type: 'skip' })) } });
		});
		await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '发布', exact: true }).tap();
		await expect(page.getByRole('heading', { name: '服务器出错了' })).toBeVisible();
		await expect(page.getByText('错误编号K7TQ2M4Z')).toBeVisible();
		await expect(page.getByText('错误代码 500')).toBeVisible();
		await expect(page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '工作台' })).toBeVisible();
		await expect(page.locator('body')).not.toContainText(english);
		await shootPhone(page, process.env.SHOTS_DIR, 'error-500');
	});
});
