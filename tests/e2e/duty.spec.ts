// 值班表 on a phone: the office fills tonight's shift of a department, and 现在值班 on the department's page and on
// its duty officer's 工作台 names who is on, with one-tap calls.
// SHOTS_DIR=/some/dir also saves the screens at 390 and 360 px, light and dark.
import { createRequire } from 'node:module';
import { expect, test } from '@playwright/test';
import postgres from 'postgres';
import { freePort } from '../../scripts/lib/embedded-pg.ts';
import { serveApp, type AppServer } from '../../scripts/lib/serve.ts';
import { chinaDay } from '../../src/lib/duty.ts';
import { ownDemoDatabase } from './push-support.ts';
import { DEMO_PASSWORD, shootPhone, signInDirectly } from './support.ts';

// A database of its own: a roster changes the 工作台 of the department's people.
const database = ownDemoDatabase('huiying_duty');
const SHOTS = process.env.SHOTS_DIR;
test.beforeEach(() => test.setTimeout(SHOTS ? 300_000 : 90_000));

test('the office fills a shift of the emergency bureau, and 现在值班 names who is on', async ({ page, browser }) => {
	const db = postgres(database.url, { max: 1, onnotice: () => {} });
	let server: AppServer | null = null;
	try {
		server = await serveApp({ databaseUrl: database.url, port: await freePort(), buildDir: process.env.E2E_BUILD_DIR, quiet: true, env: { SHUTDOWN_TIMEOUT: '1' } });
		const [unit] = await db<{ id: string }[]>`select id from units where name = '江城市应急管理局'`;
		// the day whose 08:30–08:30 shift covers now
		const day = chinaDay(new Date(Date.now() - 8.5 * 3_600_000));
		await signInDirectly(page, 'admin', DEMO_PASSWORD, server.url, `/units/${unit!.id}/duty?month=${day.slice(0, 7)}`);
		await expect(page.getByRole('heading', { level: 1, name: /值班表/ })).toBeVisible();
		await expect(page.getByText('此时没有排班。')).toBeVisible();

		await page.getByLabel('日期').fill(day);
		await page.getByLabel('班次').selectOption({ label: '全天 08:30–次日 08:30' });
		await page.getByRole('checkbox', { name: '孙浩' }).check();
		await page.getByLabel('带班领导').selectOption({ label: '赵磊' });
		await page.getByLabel('值班电话').fill('0571-8765 4321');
		await page.getByRole('button', { name: '保存' }).tap();
		await expect(page.getByText('班次已保存。')).toBeVisible();

		const now = page.getByRole('region', { name: '现在值班' });
		await expect(now.getByText('孙浩')).toBeVisible();
		await expect(now.getByRole('link', { name: /带班领导 赵磊/ })).toHaveAttribute('href', /^tel:/);
		await expect(now.getByRole('link', { name: /0571-8765 4321/ })).toHaveAttribute('href', 'tel:057187654321');
		await shootPhone(page, SHOTS, 'duty-roster', { wide: true, fullPage: true });

		// the same shift again overlaps, and says so beside the field
		await page.getByLabel('日期').fill(day);
		await page.getByRole('checkbox', { name: '孙浩' }).check();
		await page.getByRole('button', { name: '保存' }).tap();
		await expect(page.getByText('「开始时间」与已有班次时间重叠')).toBeVisible();

		// a sheet as offices circulate it: a wrong name stops the whole import, corrected it goes in
		// exceljs is CommonJS: required, as Playwright's loader does not link it as a module
		const ExcelJS = createRequire(import.meta.url)('exceljs') as typeof import('exceljs');
		const sheet = async (officer: string) => {
			const book = new ExcelJS.Workbook();
			const ws = book.addWorksheet('值班表');
			ws.addRow(['日期', '值班员', '带班领导', '电话']);
			ws.addRow([nextMonthDay, officer, '赵磊', '0571-8765 4321']);
			return { name: '值班表.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: Buffer.from(await book.xlsx.writeBuffer()) };
		};
		const nextMonthDay = new Date(Date.now() + 35 * 86_400_000).toISOString().slice(0, 10);
		await page.getByLabel('选择 Excel 文件（.xlsx）').setInputFiles(await sheet('孙浩然'));
		await page.getByRole('button', { name: '导入', exact: true }).tap();
		await expect(page.getByRole('alert').filter({ hasText: '第 2 行：本单位没有名为「孙浩然」的人员' })).toBeVisible();
		await page.getByLabel('选择 Excel 文件（.xlsx）').setInputFiles(await sheet('孙浩'));
		await page.getByRole('button', { name: '导入', exact: true }).tap();
		await expect(page.getByText('已导入 1 个班次。')).toBeVisible();

		// the office's 工作台 names the days ahead with nobody on the bureau's roster
		await page.goto(`${server.url}/`);
		const gaps = page.getByTestId('roster-gaps');
		await expect(gaps.getByRole('heading', { name: '值班表空缺（7 天内）' })).toBeVisible();
		await expect(gaps.getByRole('link', { name: /江城市应急管理局.*无人值班/ }).first()).toBeVisible();

		// the duty officer's 工作台 shows who is on now
		const duty = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
		const phone = await duty.newPage();
		await signInDirectly(phone, 'em-duty', DEMO_PASSWORD, server.url, '/');
		await expect(phone.getByRole('region', { name: '现在值班' }).getByText('孙浩')).toBeVisible();
		await shootPhone(phone, SHOTS, 'duty-home', { wide: true });
		await duty.close();
	} finally {
		await Promise.allSettled([server?.stop(), db.end({ timeout: 1 })]);
	}
});
