// A duty phone passes from shift to shift. What one person typed (a waiting submission, a half-written form)
// stays on the phone for them: it is never sent as, nor shown to, the next person, and goes out as its author,
// once, when they sign in again; then they are told, with a link to the record.
import { expect, test, type Page } from '@playwright/test';
import { DEMO_PASSWORD, ready, shootPhone, signIn } from './support.ts';

const SHOTS = '/tmp/shots-outbox';

async function signOutFrom(page: Page) {
	await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '我的' }).tap();
	await page.getByRole('button', { name: '退出登录' }).click();
}

test('a waiting entry stays with the person who typed it and is sent as them, once, when they are back', async ({ page, context }) => {
	test.setTimeout(120_000);
	const creates: { owner: string | undefined }[] = [];
	page.on('request', (r) => {
		if (r.method() === 'POST' && new URL(r.url()).pathname.startsWith('/api/trpc/') && r.url().includes('incident.create')) {
			creates.push({ owner: r.headers()['x-huiying-owner'] });
		}
	});

	// ---- 李强 (duty) logs an incident without a signal, and starts on the next one
	await signIn(page, 'duty', DEMO_PASSWORD);
	await page.goto('/incidents/new');
	await ready(page);
	await context.setOffline(true);
	const title = `共用手机 ${Date.now().toString(36)}`;
	await page.getByLabel('标题').fill(title);
	await page.getByRole('radio', { name: '事故灾难' }).check();
	await page.getByRole('radio', { name: /^II级/ }).check();
	await page.getByRole('button', { name: '提交并启动时限' }).click();
	await expect(page.getByRole('status').filter({ hasText: '已保存，待联网后自动提交' })).toBeVisible();
	const draft = `李强未写完的事件 ${Date.now().toString(36)}`;
	await page.getByLabel('标题').fill(draft);

	// The signal is back but the server is still out of reach when his shift ends: the entry is still waiting.
	await page.route('**/api/trpc/incident.create**', (route) => route.abort('internetdisconnected'));
	await context.setOffline(false);
	await signOutFrom(page);
	const warning = page.getByRole('dialog', { name: '退出登录？' });
	await expect(warning).toContainText('还有 1 条待发送的记录，退出后将保留，您再次登录时自动发送');
	await shootPhone(page, SHOTS, 'signout-warning');
	await warning.getByRole('button', { name: '仍然退出' }).click();
	await expect(page).toHaveURL(/\/login$/);
	await page.unroute('**/api/trpc/incident.create**');
	const triedAsDuty = creates.length;

	// ---- 孙浩 (em-duty) takes the phone, online: nothing of 李强's is sent, shown or filled in
	await signIn(page, 'em-duty', DEMO_PASSWORD);
	await page.goto('/incidents/new');
	await ready(page);
	await expect(page.getByLabel('标题')).toHaveValue('');
	await expect(page.getByRole('region', { name: '待提交' })).toHaveCount(0);
	await expect(page.getByText(title)).toHaveCount(0);
	// The connection returning is when the outbox sends: give it that chance, and the moment to act on it.
	await page.evaluate(() => window.dispatchEvent(new Event('online')));
	await page.waitForTimeout(1_500);
	expect(creates.length, 'no incident.create while 孙浩 is signed in').toBe(triedAsDuty);
	await expect(page.getByRole('status').filter({ hasText: '已提交' })).toHaveCount(0);
	// Nothing waits of his own, so he leaves without a question.
	await signOutFrom(page);
	await expect(page).toHaveURL(/\/login$/);

	// ---- 李强 signs in again: his entry goes out as him, and he is told
	await signIn(page, 'duty', DEMO_PASSWORD);
	const notice = page.getByRole('status').filter({ hasText: `已提交：${title}` });
	await expect(notice).toBeVisible({ timeout: 15_000 });
	expect(creates.slice(triedAsDuty)).toHaveLength(1);
	expect(creates.at(-1)?.owner, 'sent naming its author').toBeTruthy();
	await shootPhone(page, SHOTS, 'sent-notice');

	await notice.getByRole('link', { name: title }).tap();
	await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
	// 李强 is its author (the detail line and the timeline say so).
	await expect(page.getByText(/^李强 登记 ·/)).toBeVisible();
	await expect(notice, 'gone once he opened it').toHaveCount(0);

	// His half-written form is back for him, and the incident exists once.
	await page.goto('/incidents/new');
	await ready(page);
	await expect(page.getByLabel('标题')).toHaveValue(draft);
	await page.goto('/incidents');
	await expect(page.getByRole('link', { name: new RegExp(title) })).toHaveCount(1);
	expect(creates.slice(triedAsDuty), 'sent exactly once').toHaveLength(1);
});
