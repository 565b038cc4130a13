// Losing the connection: screens already opened still show, others say so in Chinese.
import { expect, test } from '@playwright/test';
import type { AppServer } from '../../scripts/lib/serve.ts';
import { DEMO_PASSWORD, keptPages, signIn, startOwnServer, waitForServiceWorkerControl } from './support.ts';

// Going offline means stopping the server, so the test runs one of its own.
test.setTimeout(60_000);
const servers: AppServer[] = [];
test.afterEach(async () => {
	for (const server of servers.splice(0)) await server.stop();
});

test('the app shell stays on screen without the server, and new screens say they cannot connect', async ({ page }) => {
	const server = await startOwnServer();
	servers.push(server);

	await signIn(page, 'em-press', DEMO_PASSWORD, server.url);
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
