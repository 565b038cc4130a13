// A long list on a phone: the incident list shows a page, reads the next with 加载更多, finds an incident by two
// Chinese characters of its title, and narrows by level; 工作台 shows the most urgent clocks and links to the rest.
import { expect, test } from '@playwright/test';
import postgres from 'postgres';
import { freePort } from '../../scripts/lib/embedded-pg.ts';
import { serveApp } from '../../scripts/lib/serve.ts';
import { cleanupsAfterEach, ownDemoDatabase } from './push-support.ts';
import { DEMO_PASSWORD, ready, shootPhone, signInDirectly } from './support.ts';

const cleanups = cleanupsAfterEach();
// A database of its own: 130 incidents would crowd the lists other specs read.
const database = ownDemoDatabase('huiying_lists');
const SHOTS = process.env.SHOTS_DIR;

test('the incident list reads page after page, searches a Chinese word and filters by level', async ({ page }) => {
	test.setTimeout(SHOTS ? 180_000 : 60_000);
	const db = postgres(database.url, { max: 1, onnotice: () => {} });
	cleanups.push(() => db.end({ timeout: 5 }));
	// Closed incidents of the city's departments, one a day back: old records, as after a few years.
	await db`
		insert into incidents (title, category, level, occurred_at, lead_unit_id, status, closed_at, created_by, client_key, body_hash)
		select case when n % 10 = 0 then '城东仓库火灾' || n else '道路塌陷处置' || n end, 'accident', 3 + n % 2,
			now() - (n + 2) * interval '1 day', u.id, 'closed', now(), p.id, gen_random_uuid(), 'h'
		from generate_series(1, 130) as n,
			(select id from units where kind = 'department' order by name limit 1) u,
			(select id from people where username = 'admin') p`;
	const server = await serveApp({ databaseUrl: database.url, port: await freePort(), buildDir: process.env.E2E_BUILD_DIR, quiet: true, env: { SHUTDOWN_TIMEOUT: '1' } });
	cleanups.push(() => server.stop());

	await signInDirectly(page, 'admin', DEMO_PASSWORD, server.url, '/incidents');
	const list = page.getByRole('list', { name: '突发事件' });
	await expect(list.getByRole('listitem')).toHaveCount(50);
	await shootPhone(page, SHOTS, 'incidents-list');
	await page.getByRole('button', { name: '加载更多' }).tap();
	await expect(list.getByRole('listitem')).toHaveCount(100);
	await expect(page.getByText('已显示 100 件')).toBeVisible();

	await page.getByLabel('搜索事件').fill('火灾');
	await page.getByRole('button', { name: '筛选' }).first().tap();
	await expect(page).toHaveURL(/\?q=%E7%81%AB%E7%81%BE$/);
	await expect(list.getByRole('listitem')).toHaveCount(13);
	for (const title of await list.getByRole('link').allTextContents()) expect(title).toContain('火灾');
	await expect(page.getByRole('button', { name: '加载更多' })).toHaveCount(0);
	await shootPhone(page, SHOTS, 'incidents-search');

	await page.goto(`${server.url}/incidents?q=${encodeURIComponent('火灾')}&level=4`);
	await ready(page);
	await expect(list.getByRole('listitem')).toHaveCount(0);
	await expect(page.getByText('没有符合条件的事件。')).toBeVisible();
	await page.getByRole('link', { name: '清除条件' }).tap();
	await expect(page).toHaveURL(/\/incidents$/);
	await expect(list.getByRole('listitem')).toHaveCount(50);
});
