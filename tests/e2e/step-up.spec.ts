// Step-up on a phone: an administrator (who has no passkey) whose sign-in is more than 15 minutes old saves the
// session settings, is asked for her password in a dialog over the form, is refused a wrong one there, and the save
// goes through after the right one, with what she typed kept. SHOTS_DIR=/some/dir also saves the dialog at 390 and
// 360 px, light and dark.
import { createHash } from 'node:crypto';
import { expect, test } from '@playwright/test';
import postgres from 'postgres';
import { readE2eState } from '../../scripts/lib/e2e-state.ts';
import { DEMO_PASSWORD, shootPhone, signInDirectly } from './support.ts';

test('an administrator gives her password again before changing the session settings', async ({ page, context }) => {
	test.setTimeout(process.env.SHOTS_DIR ? 300_000 : 90_000);
	const db = postgres(readE2eState().databaseUrl, { max: 1, onnotice: () => {} });
	try {
		await signInDirectly(page, 'admin', DEMO_PASSWORD, '', '/admin/settings');
		// this sign-in, and only this one, proved who she is an hour ago
		const token = (await context.cookies()).find((c) => c.name === 'huiying_session')!.value;
		const id = createHash('sha256').update(token).digest('hex');
		const [moved] = await db`update sessions set authenticated_at = now() - interval '1 hour' where id = ${id} returning id`;
		expect(moved).toBeDefined();

		await page.getByLabel('空闲超时（小时）').fill('12');
		await page.getByRole('button', { name: '保存' }).first().click();
		const dialog = page.getByRole('dialog', { name: '确认是您本人' });
		await expect(dialog).toBeVisible();
		await dialog.getByLabel('密码').fill('not-her-password');
		await dialog.getByRole('button', { name: '确认并继续' }).click();
		await expect(dialog.getByText('「身份验证」未通过：密码不正确')).toBeVisible();
		await shootPhone(page, process.env.SHOTS_DIR, 'step-up');

		await dialog.getByLabel('密码').fill(DEMO_PASSWORD);
		await dialog.getByRole('button', { name: '确认并继续' }).click();
		await expect(dialog).toBeHidden();
		await expect(page.getByText('已保存').first()).toBeVisible();
		await expect(page.getByLabel('空闲超时（小时）')).toHaveValue('12');
		const [stepped] = await db<{ recent: boolean }[]>`select authenticated_at > now() - interval '1 minute' as recent from sessions where id = ${id}`;
		expect(stepped!.recent).toBe(true);
	} finally {
		await db.end({ timeout: 1 });
	}
});
