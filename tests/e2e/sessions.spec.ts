// 我的 → 登录设备 on a phone: the press officer sees the desk she is also signed in on, signs it out from the phone,
// and the desk is at the sign-in page at its next step; 退出其他所有设备 then leaves only the phone.
// SHOTS_DIR=/some/dir also saves the screen at 390 and 360 px, light and dark.
import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD, shootPhone, signInDirectly } from './support.ts';

const DESK_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0';
// nobody else signs in as her in the end-to-end tests: what her list shows is this test's doing
const LOGIN = 'edu-press';

test('a press officer signs her desk out from her phone, then every other device', async ({ page, browser }) => {
	test.setTimeout(process.env.SHOTS_DIR ? 300_000 : 90_000);
	const desk = await browser.newContext({ userAgent: DESK_UA });
	const laptop = await browser.newContext({ userAgent: DESK_UA.replace('Windows NT 10.0; Win64; x64', 'Macintosh; Intel Mac OS X 10_15_7') });
	try {
		const deskPage = await desk.newPage();
		await signInDirectly(deskPage, LOGIN, DEMO_PASSWORD, '', '/');
		const laptopPage = await laptop.newPage();
		await signInDirectly(laptopPage, LOGIN, DEMO_PASSWORD, '', '/');

		await signInDirectly(page, LOGIN, DEMO_PASSWORD, '', '/me');
		await page.getByRole('link', { name: '登录设备', exact: true }).click();
		await expect(page.getByRole('heading', { level: 1, name: '登录设备' })).toBeVisible();
		const items = page.locator('ul.sessions > li');
		const here = items.filter({ has: page.getByText('本机', { exact: true }) });
		await expect(here).toHaveCount(1);
		await expect(here.getByRole('button', { name: '退出此设备' })).toHaveCount(0);
		const deskItem = page.getByRole('listitem', { name: 'Windows · Edge' });
		await expect(deskItem).toBeVisible();
		await expect(page.getByRole('listitem', { name: 'Mac · Edge' })).toBeVisible();
		await shootPhone(page, process.env.SHOTS_DIR, 'sessions', { wide: true, fullPage: true });

		page.once('dialog', (d) => void d.accept());
		await deskItem.getByRole('button', { name: '退出此设备' }).click();
		await expect(page.getByText('已退出。')).toBeVisible();
		await expect(deskItem).toHaveCount(0);
		// the desk's next step lands on the sign-in page
		await deskPage.reload();
		await expect(deskPage).toHaveURL(/\/login/);
		// the laptop is still signed in
		await laptopPage.reload();
		await expect(laptopPage).not.toHaveURL(/\/login/);

		page.once('dialog', (d) => void d.accept());
		await page.getByRole('button', { name: '退出其他所有设备' }).click();
		await expect(page.getByText('只有本机处于登录状态。')).toBeVisible();
		await expect(items).toHaveCount(1);
		await laptopPage.reload();
		await expect(laptopPage).toHaveURL(/\/login/);
		await shootPhone(page, process.env.SHOTS_DIR, 'sessions-only-this', { wide: true });
	} finally {
		await Promise.allSettled([desk.close(), laptop.close()]);
	}
});
