// Logging incidents from a phone: the clocks start with the right deadlines, and a submit made
// without a connection arrives exactly once when the connection returns.
import { expect, test, type Page } from '@playwright/test';
import { cst, DEMO_PASSWORD, ready, signIn, signInDirectly } from './support.ts';


async function fillIncident(page: Page, title: string) {
	await ready(page);
	await page.getByLabel('标题').fill(title);
	await page.getByRole('radio', { name: '事故灾难' }).check();
	await page.getByRole('radio', { name: /^II级/ }).check();
}

/** Sends the form and lands on the new incident's page (a live update arriving meanwhile must not cancel that). */
async function submitAndLand(page: Page, title: string) {
	await page.getByRole('button', { name: '提交并启动时限' }).click();
	await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
}

test('a duty officer logs a level II incident and sees both clocks with their deadlines', async ({ page }) => {
	await signIn(page, 'em-duty', DEMO_PASSWORD);
	await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '事件' }).tap();
	await page.getByRole('link', { name: '登记事件' }).tap();

	const title = `港区危化品仓库起火 ${Date.now().toString(36)}`;
	await fillIncident(page, title);
	// 刚才 is preselected: the time it stands for is shown in words, its exact value in a <time>.
	await expect(page.getByRole('radio', { name: '刚才' })).toBeChecked();
	const occurredAt = new Date((await page.locator('#occurred-words time').getAttribute('datetime'))!);
	const due5 = cst(new Date(occurredAt.getTime() + 5 * 3_600_000));
	const due24 = cst(new Date(occurredAt.getTime() + 24 * 3_600_000));

	// Before anything is sent, the form says which clocks will start and when they fall due.
	const preview = page.getByRole('region', { name: '提交后将启动的时限' });
	await expect(preview).toContainText(`发布权威信息：${due5} 前`);
	await expect(preview).toContainText(`召开新闻发布会：${due24} 前`);

	await submitAndLand(page, title);
	const release = page.getByRole('article', { name: /^发布权威信息/ });
	const conference = page.getByRole('article', { name: /^召开新闻发布会/ });
	await expect(release).toContainText(`时限 ${due5}`);
	await expect(release.getByRole('timer')).toHaveText(/^剩余 [45]小时\d+分$/);
	await expect(conference).toContainText(`时限 ${due24}`);
	await expect(conference.getByRole('timer')).toHaveText(/^剩余 2[34]小时\d+分$/);
	await expect(page.getByText('启动时限“发布权威信息”')).toBeVisible();

	// The 工作台 shows the same clocks, most urgent first.
	await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '工作台' }).tap();
	await expect(page.getByRole('article', { name: /^发布权威信息/ }).filter({ hasText: title })).toBeVisible();
});

test('an incident logged offline is kept, then sent once when the connection returns', async ({ page, context }) => {
	await signInDirectly(page, 'em-duty', DEMO_PASSWORD, '', '/incidents/new');
	await expect(page.getByLabel('标题')).toBeVisible();

	await context.setOffline(true);
	const title = `离线登记 ${Date.now().toString(36)}`;
	await fillIncident(page, title);
	// A tap on the sticky button can be taken for a scroll on a touch screen; the test presses it as a click.
	await page.getByRole('button', { name: '提交并启动时限' }).click();
	await expect(page.getByRole('status').filter({ hasText: '已保存，待联网后自动提交' })).toBeVisible();
	await expect(page.getByText('1 条待提交').first()).toBeVisible();

	await context.setOffline(false);
	// The outbox replays on its own when the connection returns.
	await expect(page.getByText('1 条待提交')).toHaveCount(0, { timeout: 15_000 });
	await page.goto('/incidents');
	await expect(page.getByRole('link', { name: new RegExp(title) })).toHaveCount(1);
});

test('a press officer’s open incident list shows a newly logged incident without reloading', async ({ browser }) => {
	const press = await browser.newContext();
	const duty = await browser.newContext();
	try {
		const watching = await press.newPage();
		await signInDirectly(watching, 'em-press', DEMO_PASSWORD, '', '/incidents');

		const logging = await duty.newPage();
		await signInDirectly(logging, 'em-duty', DEMO_PASSWORD, '', '/incidents/new');
		const title = `实时推送 ${Date.now().toString(36)}`;
		await fillIncident(logging, title);
		await submitAndLand(logging, title);

		// Nobody touches the press officer's screen: the change arrives over the live stream.
		await expect(watching.getByRole('link', { name: new RegExp(title) })).toBeVisible({ timeout: 10_000 });
		// And the notice to the press office reaches the inbox badge on the same screen.
		await expect(watching.getByRole('navigation', { name: '主导航' })).toContainText(/条未读/);
	} finally {
		await press.close();
		await duty.close();
	}
});

test('the chosen category and level are checked radios and look chosen', async ({ page }) => {
	await signInDirectly(page, 'em-duty', DEMO_PASSWORD, '', '/incidents/new');
	const tileLook = (name: string | RegExp) =>
		page.getByRole('radio', { name }).evaluate((input) => {
			const s = getComputedStyle(input.closest('label')!);
			return `${s.borderColor} ${s.backgroundColor} ${s.fontWeight}`;
		});

	const unchosen = await tileLook('自然灾害');
	await page.getByRole('radio', { name: '事故灾难' }).check();
	await page.getByRole('radio', { name: /^III级/ }).check();
	await expect(page.getByRole('radio', { name: '事故灾难' })).toBeChecked();
	await expect(page.getByRole('radio', { name: /^III级/ })).toBeChecked();
	await expect(page.getByRole('radio', { name: '自然灾害' })).not.toBeChecked();
	expect(await tileLook('事故灾难')).not.toBe(unchosen);
	expect(await tileLook(/^III级/)).not.toBe(await tileLook(/^IV级/));

	// One choice per group, moved with the arrow keys as any radio group.
	await page.getByRole('radio', { name: /^III级/ }).focus();
	await page.keyboard.press('ArrowRight');
	await expect(page.getByRole('radio', { name: /^IV级/ })).toBeChecked();
	await expect(page.getByRole('radio', { name: /^III级/ })).not.toBeChecked();
	await expect(page.getByRole('radiogroup', { name: '级别' })).toBeVisible();
});
