// The forms a phone fills in the field: the time of an incident is a tap (刚才, 30分钟前, 1小时前) and the
// choices of a policy document are tiles that are real radios and checkboxes and look chosen.
import { expect, test, type Page } from '@playwright/test';
import { cst, DEMO_PASSWORD, ready, shootPhone, signInDirectly } from './support.ts';

const MINUTE = 60_000;

test('an incident logged as 30分钟前 is recorded as having occurred 30 minutes before the tap', async ({ page }) => {
	await signInDirectly(page, 'em-duty', DEMO_PASSWORD, '', '/incidents/new');

	const time = page.getByRole('radiogroup', { name: '发生时间' });
	await expect(time.getByRole('radio', { name: '刚才' })).toBeChecked();
	await expect(page.locator('#occurred-words')).toContainText('（刚才）');
	// The picker only when the quick choices do not fit.
	await expect(page.getByLabel('具体时间')).toHaveCount(0);

	const title = `快捷时间 ${Date.now().toString(36)}`;
	await page.getByLabel('标题').fill(title);
	await page.getByRole('radio', { name: '事故灾难' }).check();
	await page.getByRole('radio', { name: /^II级/ }).check();
	const tappedAt = Date.now();
	await time.getByRole('radio', { name: '30分钟前' }).check();
	await expect(time.getByRole('radio', { name: '30分钟前' })).toBeChecked();
	await expect(page.locator('#occurred-words')).toContainText(/（(29|30)分钟前）/);
	const shownAt = Date.parse((await page.locator('#occurred-words time').getAttribute('datetime'))!);
	// To the minute: the tap's minute, 30 minutes back.
	expect(Math.abs(shownAt - (tappedAt - 30 * MINUTE))).toBeLessThanOrEqual(MINUTE);
	// The clocks count from then: the 5-hour deadline is 4½ hours away.
	await expect(page.getByRole('region', { name: '提交后将启动的时限' })).toContainText(`发布权威信息：${cst(new Date(shownAt + 5 * 3_600_000))} 前`);
	await page.getByRole('radio', { name: '30分钟前' }).scrollIntoViewIfNeeded();
	await shootPhone(page, process.env.E2E_SHOTS_DIR, 'incident-time-choices');

	await page.getByRole('button', { name: '提交并启动时限' }).click();
	await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
	const occurred = page.locator('dt', { hasText: /^发生时间$/ }).locator('+ dd');
	await expect(occurred).toHaveText(cst(new Date(shownAt)));
	await expect(page.getByRole('article', { name: /^发布权威信息/ }).getByRole('timer')).toHaveText(/^剩余 4小时(2|3)\d分$/);
});

test('其他时间 opens the picker with the time chosen so far, and a kept draft comes back as that time', async ({ page }) => {
	await signInDirectly(page, 'em-duty', DEMO_PASSWORD, '', '/incidents/new');
	const time = page.getByRole('radiogroup', { name: '发生时间' });
	await time.getByRole('radio', { name: '1小时前' }).check();
	const hourAgo = (await page.locator('#occurred-words time').getAttribute('datetime'))!;
	await time.getByRole('radio', { name: '其他时间' }).check();
	const picker = page.getByLabel('具体时间');
	await expect(picker).toHaveValue(hourAgo.slice(0, 16));
	await picker.fill('2026-01-02T08:30');
	await expect(page.locator('#occurred-words')).toContainText('记为 2026年1月2日 08:30');
	await shootPhone(page, process.env.E2E_SHOTS_DIR, 'incident-time-other');

	// A draft keeps the time itself, not "1 hour before whenever it is read".
	await page.getByLabel('标题').fill(`草稿时间 ${Date.now().toString(36)}`);
	await page.reload();
	await ready(page);
	await expect(time.getByRole('radio', { name: '其他时间' })).toBeChecked();
	await expect(page.getByLabel('具体时间')).toHaveValue('2026-01-02T08:30');
});

test('the document form offers its choices as tiles that are checked radios and checkboxes', async ({ page }) => {
	await signInDirectly(page, 'em-press', DEMO_PASSWORD, '', '/documents/new');
	const tileLook = (role: 'radio' | 'checkbox', name: string) =>
		page.getByRole(role, { name, exact: true }).evaluate((input) => {
			const s = getComputedStyle(input.closest('label')!);
			return `${s.borderColor} ${s.backgroundColor} ${s.fontWeight}`;
		});

	const disclosure = page.getByRole('radiogroup', { name: '公开属性' });
	await expect(disclosure.getByRole('radio', { name: '主动公开' })).toBeChecked();
	expect(await tileLook('radio', '主动公开')).not.toBe(await tileLook('radio', '依申请公开'));
	await disclosure.getByRole('radio', { name: '不予公开' }).check();
	await expect(disclosure.getByRole('radio', { name: '主动公开' })).not.toBeChecked();
	await expect(page.getByLabel('不予公开的理由')).toBeVisible();
	await disclosure.getByRole('radio', { name: '主动公开' }).check();
	await disclosure.scrollIntoViewIfNeeded();
	await shootPhone(page, process.env.E2E_SHOTS_DIR, 'document-form-disclosure');

	const plan = page.getByRole('radiogroup', { name: '解读安排' });
	await expect(plan.getByRole('radio', { name: '制定解读方案' })).toBeChecked();
	const unchosen = await tileLook('checkbox', '政务微博');
	await page.getByRole('checkbox', { name: '政府网站', exact: true }).check();
	await page.getByRole('checkbox', { name: '新闻发布会', exact: true }).check();
	await expect(page.getByRole('checkbox', { name: '政府网站', exact: true })).toBeChecked();
	expect(await tileLook('checkbox', '政府网站')).not.toBe(unchosen);
	// A channel typed in joins the tiles, chosen.
	await page.getByLabel('其他渠道').fill('社区公告栏');
	await page.getByRole('button', { name: '添加', exact: true }).click();
	await expect(page.getByRole('checkbox', { name: '社区公告栏' })).toBeChecked();
	await page.getByRole('checkbox', { name: '新闻发布会', exact: true }).scrollIntoViewIfNeeded();
	await shootPhone(page, process.env.E2E_SHOTS_DIR, 'document-form-channels');

	await plan.getByRole('radio', { name: '免于解读' }).check();
	await expect(page.getByLabel('免于解读的理由')).toBeVisible();
	await expect(page.getByLabel('解读人')).toHaveCount(0);
	await plan.getByRole('radio', { name: '制定解读方案' }).check();
	// What was chosen before the detour is still chosen.
	await expect(page.getByRole('checkbox', { name: '政府网站', exact: true })).toBeChecked();
	await expect(page.getByRole('checkbox', { name: '社区公告栏' })).toBeChecked();
});
