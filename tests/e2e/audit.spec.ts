// The top office checks the audit log's hash chain from a phone: 我的 → 审计记录校验, 立即校验, the chain holds and
// its anchor is shown; a row changed behind the app's back (by the superuser, triggers off) is named on the screen
// and the system administrators are told. (Who may call it at all: tests/security/procedures.ts.)
// SHOTS_DIR=/some/dir also saves the screen at 390 and 360 px, light and dark.
import { expect, test } from '@playwright/test';
import postgres from 'postgres';
import { resolve } from 'node:path';
import { appRoleUrl, ROOT } from '../../scripts/lib/database.ts';
import { freePort } from '../../scripts/lib/embedded-pg.ts';
import { run, serveApp, type AppServer } from '../../scripts/lib/serve.ts';
import { ownDemoDatabase } from './push-support.ts';
import { DEMO_PASSWORD, shootPhone, signInDirectly } from './support.ts';

// A database of its own: the chain is broken on purpose here, and the administrators alerted.
const database = ownDemoDatabase('huiying_audit');
test.beforeEach(() => test.setTimeout(process.env.SHOTS_DIR ? 300_000 : 90_000));

test('the top office checks the chain, sees its anchor, and sees the row changed behind the app named', async ({ page }) => {
	const db = postgres(database.url, { max: 1, onnotice: () => {} });
	let server: AppServer | null = null;
	try {
		// the app as in production: its own role, which may not change the audit log, granted by `npm run migrate`
		const appUrl = await appRoleUrl(database.url);
		await run(process.execPath, [resolve(ROOT, 'scripts', 'migrate.ts')], { ...process.env, DATABASE_URL: appUrl, MIGRATION_DATABASE_URL: database.url });
		server = await serveApp({ databaseUrl: appUrl, port: await freePort(), buildDir: process.env.E2E_BUILD_DIR, quiet: true, env: { SHUTDOWN_TIMEOUT: '1' } });

		await signInDirectly(page, 'admin', DEMO_PASSWORD, server.url, '/me');
		await page.getByRole('link', { name: '审计记录校验', exact: true }).click();
		await expect(page.getByRole('heading', { level: 1, name: '审计记录校验' })).toBeVisible();
		await expect(page.getByText('尚未校验过。')).toBeVisible();

		await page.getByRole('button', { name: '立即校验' }).click();
		await expect(page.getByText(/^签封链完整：\d+ 条签封逐条核对无误。$/)).toBeVisible();
		const anchor = (await page.locator('.anchor code').textContent()) ?? '';
		expect(anchor).toMatch(/^\d+:[0-9a-f]{64}$/);
		await shootPhone(page, process.env.SHOTS_DIR, 'audit-intact', { wide: true });

		// the superuser changes a sealed sign-in row, triggers off
		const [row] = await db<{ id: string }[]>`select id::text from audit_log where id = (select audit_id from audit_seals order by seq limit 1)`;
		await db.begin(async (tx) => {
			await tx`set local session_replication_role = replica`;
			await tx`update audit_log set ip = '198.51.100.9' where id = ${row!.id}`;
		});
		await page.getByRole('button', { name: '立即校验' }).click();
		await expect(page.getByRole('alert').filter({ hasText: `编号 ${row!.id} 的审计记录在签封后被改动` })).toBeVisible();
		await shootPhone(page, process.env.SHOTS_DIR, 'audit-broken', { wide: true });
		const [told] = await db<{ n: number }[]>`
			select count(*)::int as n from notifications n join people p on p.id = n.person_id
			where p.username = 'admin' and n.body->>'key' = 'audit.broken.changed'`;
		expect(told!.n).toBe(1);
	} finally {
		await Promise.allSettled([server?.stop(), db.end({ timeout: 1 })]);
	}
});
