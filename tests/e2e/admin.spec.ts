// The office admin sets up a department and an officer on a phone; the officer can then sign in.
import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD, signIn, signInDirectly } from './support.ts';

// Unique per run, so a retry on CI does not trip over the first attempt's records.
const suffix = Date.now().toString(36).slice(-5);

test('an admin creates a department and an officer, who then signs in and sees it', async ({ page }) => {
	const unitName = `江城市文化旅游局${suffix}`;
	const officer = { name: '林晓', phone: `138${String(Date.now()).slice(-8)}`, username: `lin-${suffix}`, password: 'Wenlv-kaishi-2026' };

	await signIn(page, 'admin', DEMO_PASSWORD);
	await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
	const tabs = page.getByRole('navigation', { name: '主导航' });
	await expect(tabs.getByRole('link', { name: '工作台' })).toBeVisible();
	await expect(page.getByRole('heading', { level: 1 })).toContainText('王敏');

	await tabs.getByRole('link', { name: '我的' }).tap();
	await page.getByRole('link', { name: '单位管理' }).tap();
	await expect(page.getByRole('heading', { name: '单位管理' })).toBeVisible();
	await page.getByRole('link', { name: '新建单位' }).tap();
	await page.getByLabel('名称').fill(unitName);
	await page.getByLabel('上级单位').selectOption({ label: '江城市人民政府' });
	await page.getByLabel('单位类型').selectOption({ label: '部门' });
	await page.getByRole('button', { name: '创建' }).tap();
	await expect(page.getByRole('heading', { name: '单位管理' })).toBeVisible();
	await expect(page.getByRole('link', { name: unitName })).toBeVisible();

	await tabs.getByRole('link', { name: '我的' }).tap();
	await page.getByRole('link', { name: '人员管理' }).tap();
	await page.getByRole('link', { name: '新增人员' }).tap();
	await page.getByLabel('姓名').fill(officer.name);
	await page.getByLabel('手机号').fill(officer.phone);
	await page.getByLabel('用户名').fill(officer.username);
	// Options are indented by depth with full-width spaces; match the name itself.
	const unit = page.getByLabel('所属单位');
	await unit.selectOption((await unit.locator('option', { hasText: unitName }).getAttribute('value'))!);
	await expect(page.getByRole('checkbox', { name: '宣传干事' })).toBeChecked();
	await page.getByLabel('初始密码').fill(officer.password);
	await page.getByRole('button', { name: '创建' }).tap();
	await expect(page.getByRole('heading', { name: '人员管理' })).toBeVisible();
	await expect(page.getByRole('link', { name: new RegExp(officer.name) })).toContainText(unitName);

	await tabs.getByRole('link', { name: '我的' }).tap();
	await page.getByRole('button', { name: '退出登录' }).tap();
	// The sign-in page itself ('退出登录' also holds the word 登录), or the next step would race the sign-out.
	await expect(page).toHaveURL(/\/login$/);
	await expect(page.getByRole('button', { name: '登录', exact: true })).toBeVisible();

	await signIn(page, officer.username, officer.password);
	await expect(page.getByRole('heading', { level: 1 })).toContainText(officer.name);
	await expect(page.getByText(`所在单位：${unitName}`)).toBeVisible();
	await expect(page.getByText('角色：宣传干事')).toBeVisible();
});

test('a wrong password is refused in Chinese and the typed login stays', async ({ page }) => {
	await page.goto('/login');
	await page.getByLabel('手机号或用户名').fill('duty');
	await page.getByLabel('密码').fill('not-the-password');
	await page.getByRole('button', { name: '登录' }).tap();
	await expect(page.getByRole('alert')).toHaveText('手机号/用户名或密码不正确');
	await expect(page.getByLabel('手机号或用户名')).toHaveValue('duty');
	await expect(page).toHaveURL(/\/login$/);
});

test('a unit without a name is refused next to the field, keeping what was chosen', async ({ page }) => {
	await signInDirectly(page, 'admin', DEMO_PASSWORD, '', '/admin/units/new');
	await page.getByLabel('上级单位').selectOption({ label: '江城市人民政府' });
	await page.getByLabel('单位类型').selectOption({ label: '办公厅（室）' });
	await page.getByRole('checkbox', { name: '重点部门' }).check();
	await page.getByRole('button', { name: '创建' }).tap();

	const nameField = page.locator('.field', { has: page.getByLabel('名称') });
	await expect(nameField.getByRole('alert')).toHaveText('「名称」必须填写');
	await expect(page.getByLabel('名称')).toHaveAttribute('aria-invalid', 'true');
	await expect(page.getByLabel('上级单位').locator('option:checked')).toHaveText(/江城市人民政府/);
	await expect(page.getByLabel('单位类型')).toHaveValue('office');
	await expect(page.getByRole('checkbox', { name: '重点部门' })).toBeChecked();
	await expect(page).toHaveURL(/\/admin\/units\/new$/);
});

test('a too short initial password is refused next to the field, keeping what was typed', async ({ page }) => {
	await signInDirectly(page, 'admin', DEMO_PASSWORD, '', '/admin/people/new');
	await page.getByLabel('姓名').fill('郭宁');
	await page.getByLabel('手机号').fill('13700000099');
	await page.getByLabel('用户名').fill(`guo-${suffix}`);
	const unit = page.getByLabel('所属单位');
	await unit.selectOption((await unit.locator('option', { hasText: '江城市教育局' }).getAttribute('value'))!);
	await page.getByLabel('初始密码').fill('short');
	await page.getByRole('button', { name: '创建' }).tap();

	const passwordField = page.locator('.field', { has: page.getByLabel('初始密码') });
	await expect(passwordField.getByRole('alert')).toHaveText(/至少需要 8 个字符/);
	await expect(page.getByLabel('姓名')).toHaveValue('郭宁');
	await expect(page.getByLabel('手机号')).toHaveValue('13700000099');
	await expect(page.getByLabel('用户名')).toHaveValue(`guo-${suffix}`);
	await expect(unit.locator('option:checked')).toHaveText(/江城市教育局/);
	await expect(page.getByLabel('初始密码')).toHaveValue('short');
});
