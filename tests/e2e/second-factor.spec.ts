// Two factors at an administrator's sign-in, and the auditor's reading of the log: an administrator without an
// authenticator sets one up at the first sign-in (QR code and key), gets ten recovery codes once, and next time is
// asked for a code; a wrong code is refused in Chinese and is in the log; the auditor (审计员) finds that failure in
// 审计记录, exports the log as CSV and Excel, and cannot change anything.
// SHOTS_DIR=/some/dir also saves each screen at 390 and 360 px, light and dark.
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { expect, test } from '@playwright/test';
import postgres from 'postgres';
import { freePort } from '../../scripts/lib/embedded-pg.ts';
import { serveApp, type AppServer } from '../../scripts/lib/serve.ts';
import { totpCode } from '../../src/lib/server/auth/totp.ts';
import { DEMO_TOTP_KEY } from '../../db/seed/demo-key.ts';
import { ownDemoDatabase } from './push-support.ts';
import { DEMO_PASSWORD, demoCode, ready, shootPhone, signInDirectly } from './support.ts';

/** Six digits the authenticator shows at no step now accepted (the one before, this one, the next). */
function notACode(key: Uint8Array): string {
	const accepted = [-1, 0, 1].map((step) => totpCode(key, Date.now() + step * 30_000));
	return ['000000', '111111', '222222', '333333'].find((c) => !accepted.includes(c))!;
}

// A database of its own: the administrator's authenticator is removed and set up again here.
const database = ownDemoDatabase('huiying_second_factor');
const SHOTS = process.env.SHOTS_DIR;
test.beforeEach(() => test.setTimeout(SHOTS ? 300_000 : 90_000));

test('an administrator sets up an authenticator at the first sign-in, keeps the recovery codes, and gives a code the next time', async ({ page }) => {
	const db = postgres(database.url, { max: 1, onnotice: () => {} });
	let server: AppServer | null = null;
	try {
		server = await serveApp({ databaseUrl: database.url, port: await freePort(), buildDir: process.env.E2E_BUILD_DIR, quiet: true, env: { SHUTDOWN_TIMEOUT: '1' } });
		await db`delete from totp_keys where person_id = (select id from people where username = 'admin')`;

		await page.goto(`${server.url}/login`);
		await ready(page);
		await page.getByLabel('手机号或用户名').fill('admin');
		await page.getByLabel('密码').fill(DEMO_PASSWORD);
		await page.getByRole('button', { name: '登录' }).tap();
		await expect(page.getByRole('heading', { level: 1, name: '设置第二重验证' })).toBeVisible();
		await expect(page.getByRole('img', { name: '验证器密钥二维码' })).toBeVisible();
		// nothing of the app is open yet
		expect((await page.request.get(`${server.url}/api/trpc/me`)).status()).toBe(401);
		await shootPhone(page, SHOTS, 'second-factor-enrol', { wide: true, fullPage: true });

		const key = decodeBase32IgnorePadding(((await page.locator('.key code').textContent()) ?? '').replaceAll(' ', ''));
		await page.getByLabel('验证器中的 6 位验证码').fill(notACode(key));
		await page.getByRole('button', { name: '验证并启用' }).tap();
		await expect(page.getByRole('alert')).toHaveText('验证码不正确或已用过，请核对后重试');
		await page.getByLabel('验证器中的 6 位验证码').fill(totpCode(key));
		await page.getByRole('button', { name: '验证并启用' }).tap();

		await expect(page.getByRole('heading', { level: 1, name: '请保存恢复码' })).toBeVisible();
		const codes = await page.locator('.codes code').allTextContents();
		expect(codes).toHaveLength(10);
		for (const c of codes) expect(c).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
		await shootPhone(page, SHOTS, 'second-factor-codes', { wide: true, fullPage: true });
		await page.getByRole('link', { name: '我已保存，进入工作台' }).tap();
		await expect(page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '工作台' })).toBeVisible();

		// signed out, the next sign-in asks for a code, and a recovery code works in its place
		await page.context().clearCookies();
		await page.goto(`${server.url}/login`);
		await ready(page);
		await page.getByLabel('手机号或用户名').fill('admin');
		await page.getByLabel('密码').fill(DEMO_PASSWORD);
		await page.getByRole('button', { name: '登录' }).tap();
		await expect(page.getByRole('heading', { level: 1, name: '第二重验证' })).toBeVisible();
		await shootPhone(page, SHOTS, 'second-factor-ask', { wide: true });
		await page.getByText('手机不在身边？使用恢复码').tap();
		await expect(page.getByText('每个恢复码只能用一次，还剩 10 个。')).toBeVisible();
		await page.getByLabel('恢复码', { exact: true }).fill(codes[0]!.toLowerCase());
		await page.getByRole('button', { name: '验证并登录' }).last().tap();
		await expect(page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '工作台' })).toBeVisible();

		const rows = await db<{ action: string }[]>`
			select action from audit_log where actor_id = (select id from people where username = 'admin') and action like '%second_factor%' order by id`;
		expect(rows.map((r) => r.action)).toEqual(['sign_in.second_factor_asked', 'sign_in.second_factor_failed', 'second_factor.enrolled', 'sign_in.second_factor_asked']);
	} finally {
		await Promise.allSettled([server?.stop(), db.end({ timeout: 1 })]);
	}
});

test('the auditor finds a failed second factor in 审计记录, exports the log, and can change nothing', async ({ page }) => {
	const db = postgres(database.url, { max: 1, onnotice: () => {} });
	let server: AppServer | null = null;
	try {
		server = await serveApp({ databaseUrl: database.url, port: await freePort(), buildDir: process.env.E2E_BUILD_DIR, quiet: true, env: { SHUTDOWN_TIMEOUT: '1' } });
		// someone with the office administrator's password, but not the phone
		const asBrowser = { accept: 'text/html' };
		const guess = await page.request.post(`${server.url}/login`, { form: { login: 'admin', password: DEMO_PASSWORD }, headers: asBrowser, maxRedirects: 0 });
		expect(guess.headers()['location']).toMatch(/^\/login\/second-factor/);
		await demoCode(server.url, 'admin');
		const wrong = notACode(decodeBase32IgnorePadding(DEMO_TOTP_KEY));
		expect((await page.request.post(`${server.url}/login/second-factor?/totp`, { form: { code: wrong }, headers: asBrowser, maxRedirects: 0 })).status()).toBe(400);
		await page.context().clearCookies();

		await signInDirectly(page, 'auditor', DEMO_PASSWORD, server.url, '/me');
		await page.getByRole('link', { name: '审计记录', exact: true }).tap();
		await expect(page.getByRole('heading', { level: 1, name: '审计记录' })).toBeVisible();
		await page.getByText('筛选', { exact: true }).tap();
		await page.getByLabel('只看被拒绝与失败的记录').check();
		await page.getByRole('button', { name: '查找' }).tap();
		await expect(page).toHaveURL(/refusals=1/);
		const failed = page.locator('.record').filter({ hasText: '第二重验证失败' }).filter({ hasText: '王敏' });
		await expect(failed.first()).toBeVisible();
		await shootPhone(page, SHOTS, 'audit-records', { wide: true, fullPage: true });

		const csv = await page.request.get(`${server.url}/admin/audit/records/export?format=csv&refusals=1`);
		expect(csv.status()).toBe(200);
		expect(csv.headers()['content-disposition']).toContain("filename*=UTF-8''");
		const text = (await csv.body()).toString('utf8');
		expect(text.startsWith('\uFEFF编号,时间,操作人,单位,操作,操作代码')).toBe(true);
		expect(text).toContain('sign_in.second_factor_failed');
		const xlsx = await page.request.get(`${server.url}/admin/audit/records/export?format=xlsx`);
		expect(xlsx.status()).toBe(200);
		expect((await xlsx.body()).subarray(0, 2).toString('latin1')).toBe('PK');
		const [exported] = await db<{ n: number }[]>`
			select count(*)::int as n from audit_log where action = 'audit.exported' and actor_id = (select id from people where username = 'auditor')`;
		expect(exported!.n).toBe(2);

		// reading is all: a change is refused, in Chinese, and the refusal is in the log
		const units = (await (await page.request.get(`${server.url}/api/trpc/unit.list`)).json()) as { result: { data: { id: string; parentId: string | null }[] } };
		const root = units.result.data.find((u) => u.parentId === null)!;
		const create = await page.request.post(`${server.url}/api/trpc/unit.create`, {
			data: { name: '审计员想建的单位', parentId: root.id, kind: 'department' },
			headers: { origin: server.url, 'content-type': 'application/json' }
		});
		expect(create.status()).toBe(403);
		expect(JSON.stringify(await create.json())).toContain('审计员只能查看，不能更改');
	} finally {
		await Promise.allSettled([server?.stop(), db.end({ timeout: 1 })]);
	}
});
