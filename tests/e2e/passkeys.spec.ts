// A leader registers a passkey in 我的 on her phone, sees it listed, and removes it. Chromium's virtual
// authenticator (over CDP) stands in for the phone's fingerprint sensor: it answers navigator.credentials
// exactly as a platform authenticator would, and the server verifies what it signed.
import { resolve } from 'node:path';
import { expect, test, type CDPSession } from '@playwright/test';
import postgres from 'postgres';
import { ROOT, recreateDatabase } from '../../scripts/lib/database.ts';
import { readE2eState } from '../../scripts/lib/e2e-state.ts';
import { freePort } from '../../scripts/lib/embedded-pg.ts';
import { run, serveApp, type AppServer } from '../../scripts/lib/serve.ts';
import { DEMO_PASSWORD, ready, signInDirectly } from './support.ts';

let databaseUrl = '';
let server: AppServer | null = null;

test.beforeAll(async ({}, workerInfo) => {
	// A database of its own: a passkey on the vice-mayor would change how he signs off in other tests.
	const maintenanceUrl = readE2eState().databaseUrl.replace(/\/[^/]+$/, '/postgres');
	const name = `huiying_passkeys_${workerInfo.parallelIndex}`;
	await recreateDatabase(maintenanceUrl, name);
	databaseUrl = maintenanceUrl.replace(/\/postgres$/, `/${name}`);
	await run(process.execPath, [resolve(ROOT, 'scripts', 'demo-database.ts')], { ...process.env, DATABASE_URL: databaseUrl });
	// WebAuthn refuses IP addresses as relying-party ids: this server is reached as localhost.
	const port = await freePort();
	server = await serveApp({ databaseUrl, port, origin: `http://localhost:${port}`, quiet: true, env: { SHUTDOWN_TIMEOUT: '1' } });
});

test.afterAll(async () => {
	await server?.stop();
});

async function virtualPhone(cdp: CDPSession): Promise<string> {
	await cdp.send('WebAuthn.enable', { enableUI: false });
	const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
		options: {
			protocol: 'ctap2',
			transport: 'internal',
			hasResidentKey: true,
			hasUserVerification: true,
			isUserVerified: true,
			automaticPresenceSimulation: true
		}
	});
	return authenticatorId;
}

test('a leader registers a passkey in 我的, sees it listed, and removes it', async ({ context, page }) => {
	const db = postgres(databaseUrl, { max: 1, onnotice: () => {} });
	try {
		// An earlier try's passkey would be listed already.
		await db`delete from passkeys where person_id = (select id from people where username = 'vicemayor')`;
		const cdp = await context.newCDPSession(page);
		const authenticatorId = await virtualPhone(cdp);

		await signInDirectly(page, 'vicemayor', DEMO_PASSWORD, server!.url);
		await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '我的' }).tap();
		await ready(page);
		const section = page.getByRole('region', { name: '通行密钥' });
		await expect(section.getByText('还没有登记通行密钥')).toBeVisible();
		const nameField = section.getByLabel('通行密钥名称');
		// A name is suggested from the device, so one tap is enough.
		await expect(nameField).not.toHaveValue('');
		await nameField.fill('刘副市长的手机');
		await section.getByRole('button', { name: '登记通行密钥' }).tap();

		await expect(section.getByRole('status')).toHaveText('已登记。签批时可以用这个通行密钥确认。');
		const listed = section.getByRole('listitem', { name: '刘副市长的手机' });
		await expect(listed).toContainText('登记时间');
		await expect(listed).toContainText('尚未使用');
		const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
		expect(credentials).toHaveLength(1);
		expect(credentials[0]!.rpId).toBe('localhost');
		const stored = await db<{ id: string; name: string }[]>`
			select p.id, p.name from passkeys p join people on people.id = p.person_id where people.username = 'vicemayor'`;
		expect(stored).toEqual([{ id: Buffer.from(credentials[0]!.credentialId, 'base64').toString('base64url'), name: '刘副市长的手机' }]);

		// The same phone a second time: the browser refuses, and the page says why in Chinese.
		await section.getByRole('button', { name: '登记通行密钥' }).tap();
		await expect(section.getByRole('alert')).toHaveText('这台设备上已经登记过您的通行密钥，无需重复登记。');
		await expect(section.getByRole('listitem')).toHaveCount(1);

		// Still there after a reload: it is on record, not just on screen.
		await page.reload();
		await ready(page);
		await expect(section.getByRole('listitem', { name: '刘副市长的手机' })).toBeVisible();

		let confirmation = '';
		page.once('dialog', (dialog) => {
			confirmation = dialog.message();
			void dialog.accept();
		});
		await section.getByRole('button', { name: '移除“刘副市长的手机”' }).tap();
		await expect(section.getByRole('status')).toHaveText('已移除。');
		// The last passkey: the confirmation said signing would need the password again.
		expect(confirmation).toContain('签批需要重新输入登录密码');
		await expect(section.getByRole('listitem')).toHaveCount(0);
		await expect(section.getByText('还没有登记通行密钥')).toBeVisible();
		expect(await db`select 1 from passkeys p join people on people.id = p.person_id where people.username = 'vicemayor'`).toHaveLength(0);
	} finally {
		await db.end({ timeout: 1 });
	}
});
