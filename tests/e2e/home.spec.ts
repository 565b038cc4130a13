// 工作台 on a phone: the duty officer finds 登记事件 and 登记舆情 under his thumb, and the vice-mayor finds what
// waits for his signature at the top, with the clock it serves; someone with nothing to sign sees no such section.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import postgres from 'postgres';
import { freePort } from '../../scripts/lib/embedded-pg.ts';
import { serveApp } from '../../scripts/lib/serve.ts';
import { cleanupsAfterEach, logIncident, ownDemoDatabase, releaseAwaitingSignoff } from './push-support.ts';
import { cst, DEMO_PASSWORD, ready, shootPhone, signIn } from './support.ts';

const cleanups = cleanupsAfterEach();
// A database of its own: a request open in the shared one would show on others' homes and lists.
const database = ownDemoDatabase('huiying_home');
const SHOTS = '/tmp/shots-home';

/** An app server over this spec's database (E2E_BUILD_DIR: a build of one's own while others rebuild ./build). */
async function ownServer() {
	const server = await serveApp({ databaseUrl: database.url, port: await freePort(), buildDir: process.env.E2E_BUILD_DIR, quiet: true, env: { SHUTDOWN_TIMEOUT: '1' } });
	cleanups.push(() => server.stop());
	return server;
}


/** The home at both phone widths, light and dark, for a person to look at. */
async function screenshots(page: Page, who: string) {
	mkdirSync(SHOTS, { recursive: true });
	for (const width of [390, 360]) {
		for (const colorScheme of ['light', 'dark'] as const) {
			await page.setViewportSize({ width, height: 844 });
			await page.emulateMedia({ colorScheme });
			await page.evaluate(() => window.scrollTo(0, 0));
			await page.screenshot({ path: `${SHOTS}/${who}-${width}-${colorScheme}.png` });
			await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
			await page.screenshot({ path: `${SHOTS}/${who}-${width}-${colorScheme}-end.png` });
			await page.evaluate(() => window.scrollTo(0, 0));
			// Nothing wider than the phone.
			expect(await page.evaluate(() => document.documentElement.scrollWidth), `${who} at ${width}`).toBeLessThanOrEqual(width);
		}
	}
	await page.setViewportSize({ width: 390, height: 844 });
	await page.emulateMedia({ colorScheme: 'light' });
}

test('the duty officer logs an incident or an opinion item from the thumb zone of his home', async ({ page }) => {
	const server = await ownServer();
	await signIn(page, 'duty', DEMO_PASSWORD, server.url);
	await ready(page);
	const actions = page.getByRole('navigation', { name: '登记' });
	const incident = actions.getByRole('link', { name: '登记事件' });
	const opinion = actions.getByRole('link', { name: '登记舆情' });

	// In the thumb zone: on screen without scrolling, in the lower part of it, above the tab bar, 44 px or more.
	const viewport = page.viewportSize()!;
	const tabbar = (await page.getByRole('navigation', { name: '主导航' }).boundingBox())!;
	for (const link of [incident, opinion]) {
		await expect(link).toBeInViewport();
		const box = (await link.boundingBox())!;
		expect(box.height).toBeGreaterThanOrEqual(44);
		expect(box.width).toBeGreaterThanOrEqual(44);
		expect(box.y).toBeGreaterThan(viewport.height / 2);
		expect(box.y + box.height).toBeLessThanOrEqual(tabbar.y);
	}

	// Nothing to sign: no 待我签发 on his home.
	await expect(page.getByRole('region', { name: '待我签发' })).toHaveCount(0);

	// At the end of the page the actions sit after the last card, not over it.
	await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
	const gap = await page.evaluate(() => {
		const nav = document.querySelector('nav.actions')!;
		return nav.getBoundingClientRect().top - nav.previousElementSibling!.getBoundingClientRect().bottom;
	});
	expect(gap).toBeGreaterThanOrEqual(0);

	await screenshots(page, 'duty');

	await incident.tap();
	await expect(page).toHaveURL(`${server.url}/incidents/new`);
	await expect(page.getByRole('heading', { level: 1, name: '登记突发事件' })).toBeVisible();

	await page.goBack();
	await ready(page);
	await opinion.tap();
	await expect(page).toHaveURL(`${server.url}/opinions/new`);
	await expect(page.getByRole('heading', { level: 1, name: '登记舆情' })).toBeVisible();
});

test('the vice-mayor sees it under 待我签发 at the top of his home, with the clock it serves', async ({ page }) => {
	const server = await ownServer();
	const db = postgres(database.url, { max: 1, onnotice: () => {} });
	cleanups.push(() => db.end({ timeout: 1 }));

	// A level II incident (its 5-hour clock for the authoritative release runs), the release drafted, reviewed, sent to sign.
	const incident = await logIncident(cleanups, server, `化工园区爆燃-${randomUUID().slice(0, 8)}`);
	const title = `关于化工园区爆燃的情况通报-${randomUUID().slice(0, 8)}`;
	const release = await releaseAwaitingSignoff(cleanups, server, { kind: 'authoritative', incidentId: incident.id, title });
	const [clock] = await db<{ dueAt: Date }[]>`
		select due_at as "dueAt" from clocks where subject = 'incident' and subject_id = ${incident.id} and satisfied_by = 'release.authoritative'`;

	await signIn(page, 'vicemayor', DEMO_PASSWORD, server.url);
	await ready(page);
	const mine = page.getByRole('region', { name: '待我签发' });
	await expect(mine).toBeVisible();
	await expect(mine).toContainText('共 1 项');
	// At the top: above everything else the home shows.
	const clocksHeading = (await page.getByRole('heading', { name: '正在计时' }).boundingBox())!;
	expect((await mine.boundingBox())!.y).toBeLessThan(clocksHeading.y);
	await expect(mine).toBeInViewport();

	const row = mine.getByRole('link', { name: new RegExp(title) });
	await expect(row).toContainText('签发');
	await expect(row).toContainText('新闻稿');
	await expect(row.getByRole('timer')).toContainText(/剩余 4小时\d+分/);
	await expect(row.getByRole('timer')).toContainText(`时限 ${cst(clock!.dueAt)}`);
	await expect(mine.getByRole('link', { name: '查看全部' })).toHaveAttribute('href', '/releases');

	await screenshots(page, 'vicemayor');

	await row.tap();
	await expect(page).toHaveURL(new RegExp(`/releases/${release.id}/sign/[0-9a-f-]{36}$`));
});

test('the office reads every unit short of its yearly duties on a page of its own; others are not shown it', async ({ page }) => {
	const server = await ownServer();
	await signIn(page, 'admin', DEMO_PASSWORD, server.url);
	await ready(page);
	await page.goto(`${server.url}/obligations`);
	await ready(page);
	await expect(page.getByRole('heading', { name: '年度发布任务' })).toBeVisible();
	// Unfolded here: each unit short of a duty, with a 提醒 for each duty it lacks (the demo year has none held).
	const summary = page.locator('summary', { hasText: '年度任务未完成的单位' });
	const shown = Number((await summary.textContent())!.match(/（(\d+)）/)![1]);
	expect(shown).toBeGreaterThan(0);
	await expect(page.locator('details[open] li')).toHaveCount(shown);
	await expect(page.getByRole('button', { name: '提醒' }).first()).toBeVisible();
	await shootPhone(page, process.env.SHOTS_DIR, 'obligations');
	// 工作台 shows at most five of them, and in the chasing season (from October) links here for the rest.
	await page.goto(server.url);
	await ready(page);
	const home = page.locator('details', { hasText: '年度任务未完成的单位' });
	if (await home.count()) {
		await home.locator('summary').tap();
		await expect(home.locator('li')).toHaveCount(Math.min(shown, 5));
		await expect(home.getByRole('link', { name: `查看全部 ${shown} 个单位` })).toHaveCount(shown > 5 ? 1 : 0);
	}

	await page.context().clearCookies();
	await signIn(page, 'duty', DEMO_PASSWORD, server.url);
	await ready(page);
	const res = await page.goto(`${server.url}/obligations`);
	expect(res?.status()).toBe(404);
	await expect(page.getByRole('heading', { name: '年度发布任务' })).toHaveCount(0);
});
