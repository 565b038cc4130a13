// Losing the connection: screens already opened still show, others say so in Chinese.
import { expect, test } from '@playwright/test';
import type { AppServer } from '../../scripts/lib/serve.ts';
import { DEMO_PASSWORD, signIn, startOwnServer, waitForServiceWorkerControl } from './support.ts';

// Going offline means stopping the server, so the test runs one of its own. The app holds its
// database pool open on SIGTERM, so each stop waits for serveApp's 5 s SIGKILL.
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
	// Signing in draws 工作台 in the page; a copy is kept when the worker sees it opened as a document.
	await page.reload();
	const greeting = page.getByRole('heading', { level: 1 });
	await expect(greeting).toContainText('陈静');

	await server.stop();

	await page.reload();
	await expect(page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '工作台' })).toBeVisible();
	await expect(greeting).toContainText('陈静');
	await expect(page.getByText('所在单位：江城市应急管理局')).toBeVisible();

	await page.goto(`${server.url}/releases`);
	await expect(page.getByRole('heading', { name: '当前无法连接' })).toBeVisible();
	await expect(page.getByRole('button', { name: '重试' })).toBeVisible();
});
