// 时限规则 on a phone: one compact card per rule, the deadlines a press office is held to first, each ladder
// folded into one line, every source named as its notice is titled.
import { expect, test, type Page } from '@playwright/test';
import { DEMO_PASSWORD, ready, shootPhone, signInDirectly } from './support.ts';

test('the rules page leads with the 5-hour rule, folds every ladder and names each source', async ({ page }) => {
	await signInDirectly(page, 'admin', DEMO_PASSWORD, '', '/admin/rules');

	const cards = page.getByRole('article');
	await expect(cards).toHaveCount(6);
	await expect(cards.nth(0).getByRole('heading')).toHaveText('发布权威信息');
	await expect(cards.nth(0)).toContainText('事件发生后 5 小时内');
	await expect(cards.nth(0)).toContainText('适用于特别重大（I级）、重大（II级）突发事件');
	await expect(cards.nth(1).getByRole('heading')).toHaveText('召开新闻发布会');
	await expect(cards.nth(2).getByRole('heading')).toHaveText('发布政策解读材料');
	await expect(cards.nth(3).getByRole('heading')).toHaveText('回应政务舆情');

	// Every ladder (and every editor) folded; each summary says how many steps and who is told first.
	await expect(page.locator('details[open]')).toHaveCount(0);
	await expect(cards.nth(0).locator('details summary').first()).toHaveText('升级 6 级 · 首级 开始时提醒牵头单位宣传干事和新闻发言人');

	// Sources as the notices are titled, never the internal numbers of the source texts.
	await expect(cards.nth(0)).toContainText('《西藏自治区人民政府办公厅关于印发2017年政务公开重点工作任务分工的通知》第23项');
	await expect(cards.nth(0)).toContainText('（国办发〔2016〕80号）');
	expect(await page.locator('body').innerText()).not.toMatch(/\b00\d\s*第|DOMAIN\.md/);

	// One screenful a rule or less: the page that was 13,743 px tall at 390 px.
	const height = await page.evaluate(() => document.documentElement.scrollHeight);
	console.log(`rules page height at 390 px: ${height}`);
	expect(height).toBeLessThan(3000);
	await shootPhone(page, process.env.E2E_SHOTS_DIR, 'rules-top');

	// A ladder opens into its steps, in words.
	const ladder = cards.nth(0).locator('details').first();
	await ladder.locator('summary').tap();
	await expect(ladder).toHaveAttribute('open', '');
	await expect(ladder.getByRole('listitem')).toHaveCount(6);
	await expect(ladder.getByRole('listitem').nth(1)).toHaveText(
		'截止前 2小时 · 紧急 · 依次提醒牵头单位宣传干事和新闻发言人 → 分管领导 → 主要负责人；10分钟内无人确认，再提醒下一位'
	);
	await expect(ladder.getByRole('listitem').nth(5)).toHaveText('超时 1小时 · 特急 · 同时提醒主要负责人、政务公开办、上级政务公开办');
	await ladder.scrollIntoViewIfNeeded();
	await shootPhone(page, process.env.E2E_SHOTS_DIR, 'rules-card-open');
});

test('an office admin still edits a rule, and its card says what was saved', async ({ page }) => {
	await signInDirectly(page, 'admin', DEMO_PASSWORD, '', '/admin/rules');
	// Found by its source, which a rename leaves alone.
	const card = page.getByRole('article').filter({ hasText: '佛山市人民政府办公室' });
	await expect(card).toHaveAccessibleName('在网站标注废止或失效');
	await card.getByText('修改规则和提醒阶梯').tap();
	const name = card.getByLabel('名称');
	await name.fill('在政府网站标注废止或失效');
	await card.getByRole('button', { name: '保存' }).click();
	await expect(card.getByRole('status')).toHaveText('已保存。新启动的时限将使用新规则。');
	await expect(card.getByRole('heading', { level: 3 })).toHaveText('在政府网站标注废止或失效');

	// Kept: the page loaded afresh shows the new name; then it is put back.
	await page.reload();
	await ready(page);
	await expect(card).toHaveAccessibleName('在政府网站标注废止或失效');
	await card.getByText('修改规则和提醒阶梯').tap();
	await card.getByLabel('名称').fill('在网站标注废止或失效');
	await card.getByRole('button', { name: '保存' }).click();
	await expect(card.getByRole('status')).toBeVisible();
	await expect(card).toHaveAccessibleName('在网站标注废止或失效');
});
