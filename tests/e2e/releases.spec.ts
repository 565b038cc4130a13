// An authoritative release signed off from the phone: the press officer drafts it from the incident, the
// spokesperson passes its confidentiality review, the vice-mayor's phone is told by Web Push with the clock's
// time left, he reads the exact text and signs that version with his passkey, and the publication the press
// officer records meets the incident's 5-hour clock. Chromium's virtual authenticator (over CDP) stands in
// for his fingerprint; the fake push service and CDP stand in for FCM (tests/e2e/push-support.ts).
import { randomUUID } from 'node:crypto';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import postgres from 'postgres';
import { freePort } from '../../scripts/lib/embedded-pg.ts';
import { serveApp, type AppServer } from '../../scripts/lib/serve.ts';
import { startFakePushService } from '../support/fake-push-service.ts';
import {
	cleanupsAfterEach,
	logIncident,
	ownDemoDatabase,
	pushChannel,
	releaseAwaitingSignoff,
	shownNotifications,
	startPushServer,
	stubPushManager,
	tapNotification,
	type Payload
} from './push-support.ts';
import { DEMO_PASSWORD, ready, shootPhone, signInDirectly, waitForServiceWorkerControl } from './support.ts';

const cleanups = cleanupsAfterEach();
// A database of its own: a passkey on the vice-mayor and his phone's subscription would change other tests.
const database = ownDemoDatabase('huiying_releases');

/** Another person's phone: the project's phone settings, closed after the test. */
async function phone(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext();
	cleanups.push(() => context.close());
	return { context, page: await context.newPage() };
}

/** The phone's fingerprint sensor: a platform authenticator that verifies its user, for as long as the test runs. */
async function virtualAuthenticator(context: BrowserContext, page: Page) {
	const cdp = await context.newCDPSession(page);
	cleanups.push(() => cdp.detach().catch(() => {}));
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
	return { credentials: async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials };
}

/** `2026-11-22T14:05`, a datetime-local value in China Standard Time. */
const cstInput = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16);
/** The same minute as the app writes it: `2026年11月22日 14:05`. */
function cstShown(input: string): string {
	const [, y, mo, d, hm] = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2})$/.exec(input)!;
	return `${y}年${Number(mo)}月${Number(d)}日 ${hm}`;
}

type Sql = ReturnType<typeof postgres>;

function openDatabase(): Sql {
	const db = postgres(database.url, { max: 1, onnotice: () => {} });
	cleanups.push(() => db.end({ timeout: 1 }));
	return db;
}

/** The release's current version hash, as stored. */
async function currentHash(db: Sql, releaseId: string): Promise<string> {
	const [row] = await db<{ hash: string }[]>`
		select v.hash from releases r join release_versions v on v.release_id = r.id and v.number = r.current_version where r.id = ${releaseId}`;
	return row!.hash;
}

test('a release drafted from the incident is reviewed, signed on the leader’s phone with a passkey, published, and meets the 5-hour clock', async ({ browser, context, page }) => {
	test.setTimeout(120_000);
	const push = await startFakePushService();
	cleanups.push(() => push.close());
	// Reached as localhost: WebAuthn refuses IP addresses as relying-party ids.
	const server = await startPushServer(cleanups, database.url, push, { host: 'localhost' });
	const db = openDatabase();
	// An earlier try's passkey and phone would be listed already.
	await db`delete from passkeys where person_id = (select id from people where username = 'vicemayor')`;
	await db`delete from push_devices where person_id = (select id from people where username = 'vicemayor')`;

	// ---- the vice-mayor's phone, beforehand: a passkey in 我的, and notifications on
	const leader = await phone(browser);
	const authenticator = await virtualAuthenticator(leader.context, leader.page);
	await leader.context.grantPermissions(['notifications'], { origin: server.url });
	await stubPushManager(leader.context, push);
	await signInDirectly(leader.page, 'vicemayor', DEMO_PASSWORD, server.url);
	await waitForServiceWorkerControl(leader.page);
	await leader.page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '我的' }).tap();
	await ready(leader.page);
	const passkeys = leader.page.getByRole('region', { name: '通行密钥' });
	await passkeys.getByLabel('通行密钥名称').fill('刘副市长的手机');
	await passkeys.getByRole('button', { name: '登记通行密钥' }).tap();
	await expect(passkeys.getByRole('status')).toHaveText('已登记。签批时可以用这个通行密钥确认。');
	await expect(passkeys.getByRole('listitem', { name: '刘副市长的手机' })).toContainText('尚未使用');
	const [credential] = await authenticator.credentials();
	expect(credential?.rpId).toBe('localhost');
	await leader.page.getByRole('link', { name: '通知设置' }).tap();
	await ready(leader.page);
	await leader.page.getByRole('button', { name: '在本设备开启通知' }).tap();
	await expect(leader.page.getByRole('status').filter({ hasText: '本设备已开启通知' })).toBeVisible();
	const endpoint = await leader.page.evaluate(async () => (await (await navigator.serviceWorker.ready).pushManager.getSubscription())?.endpoint);
	expect(endpoint).toMatch(new RegExp(`^${push.origin}/push/`));
	const deliver = await pushChannel(cleanups, leader.context, leader.page, server.url);

	// ---- a level II incident led by the emergency bureau: its 5-hour release clock runs
	const incidentTitle = `化工园区爆燃-${randomUUID().slice(0, 8)}`;
	const incident = await logIncident(cleanups, server, incidentTitle);

	// ---- the press officer drafts the authoritative release from the incident and submits it
	await signInDirectly(page, 'em-press', DEMO_PASSWORD, server.url, `/incidents/${incident.id}`);
	await page.getByRole('link', { name: '起草权威信息' }).tap();
	await expect(page).toHaveURL(`${server.url}/releases/new?incident=${incident.id}`);
	await ready(page);
	const title = `关于${incidentTitle}的情况通报`;
	// The title is suggested from the incident.
	await expect(page.getByLabel('标题')).toHaveValue(title);
	await page
		.getByLabel('正文')
		.fill(`今日上午，江城市化工园区一企业发生爆燃，**现场明火已全部扑灭**，无人员死亡。\n\n目前已采取以下措施：\n\n- 疏散周边群众1200人\n- 封闭园区周边道路\n\n后续情况将及时发布。`);
	await page.getByRole('button', { name: '保存草稿' }).tap();
	await expect(page).toHaveURL(new RegExp(`^${server.url}/releases/[0-9a-f-]{36}$`));
	const releaseId = new URL(page.url()).pathname.split('/').pop()!;
	await ready(page);
	await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
	await expect(page.getByTestId('release-status')).toHaveText('草稿');
	const code = (await currentHash(db, releaseId)).slice(0, 4).toUpperCase();
	await expect(page.getByTestId('release-code')).toHaveText(`版本 ${code}`);
	await page.getByRole('button', { name: '提交审签' }).tap();
	await expect(page.getByTestId('release-status')).toHaveText('保密审查中');

	// ---- the bureau's spokesperson, its confidentiality reviewer, passes it on to sign-off
	const reviewer = await phone(browser);
	await signInDirectly(reviewer.page, 'em-spokes', DEMO_PASSWORD, server.url, `/releases/${releaseId}`);
	await reviewer.page.getByRole('button', { name: '审查通过，送签发' }).tap();
	await expect(reviewer.page.getByTestId('release-status')).toHaveText('待签发');

	// ---- the vice-mayor's phone is told, with the clock's time left; no 收到 on it
	const [request] = await db<{ id: string; versionHash: string }[]>`
		select id, version_hash as "versionHash" from signoff_requests where release_id = ${releaseId} and seat = 'sign' and status = 'open'`;
	expect(request).toBeDefined();
	const signUrl = `/releases/${releaseId}/sign/${request!.id}`;
	const signoffPush = () => push.receivedBy(endpoint!).map((r) => r.payload as Payload).find((p) => p.title.startsWith('待签发：'));
	await expect.poll(signoffPush, { timeout: 15_000 }).toBeDefined();
	expect(push.rejected).toEqual([]);
	const notice = signoffPush()!;
	expect(notice.title).toMatch(new RegExp(`^待签发：${title}（距5小时时限剩余 `));
	expect(notice).toMatchObject({ url: signUrl, ack: false });
	await deliver(notice);
	expect((await shownNotifications(leader.page)).find((n) => n.title === notice.title)).toEqual({ title: notice.title, url: signUrl, buttons: [] });

	// ---- a tap opens the sign-off screen: the exact text, its version, the clock
	await tapNotification(leader.context, notice.id);
	await expect(leader.page).toHaveURL(`${server.url}${signUrl}`);
	await ready(leader.page);
	const sign = leader.page;
	await expect(sign.getByRole('heading', { level: 1, name: title })).toBeVisible();
	const text = sign.getByTestId('sign-body');
	await expect(text.locator('strong')).toHaveText('现场明火已全部扑灭');
	await expect(text.locator('ul > li')).toHaveText(['疏散周边群众1200人', '封闭园区周边道路']);
	await expect(text).toContainText('后续情况将及时发布。');
	await expect(sign.getByTestId('sign-code')).toHaveText(`版本 ${code}`);
	const clock = sign.getByRole('article', { name: /^发布权威信息 剩余 / });
	await expect(clock).toContainText('计时中');
	await expect(clock.getByRole('link', { name: incidentTitle })).toBeVisible();
	// The decision opens from the bar under the text.
	await sign.getByRole('button', { name: '审签', exact: true }).tap();
	await sign.getByRole('button', { name: `签发版本 ${code}` }).tap();
	await expect(sign.getByTestId('sign-outcome')).toHaveText(/^已由 刘志远 于 \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2} 签发$/);
	// The authenticator signed, and the approval is on record for exactly the version on screen.
	expect((await authenticator.credentials())[0]!.signCount).toBeGreaterThan(credential!.signCount);
	const approvals = await db<{ factor: string; versionHash: string; passkeyId: string | null; username: string; at: Date; voidedAt: Date | null }[]>`
		select a.factor, a.version_hash as "versionHash", a.passkey_id as "passkeyId", p.username, a.at, a.voided_at as "voidedAt"
		from approvals a join people p on p.id = a.person_id where a.release_id = ${releaseId}`;
	expect(approvals).toEqual([
		{
			factor: 'passkey',
			versionHash: await currentHash(db, releaseId),
			passkeyId: Buffer.from(credential!.credentialId, 'base64').toString('base64url'),
			username: 'vicemayor',
			at: expect.any(Date),
			voidedAt: null
		}
	]);
	expect(request!.versionHash).toBe(approvals[0]!.versionHash);

	// ---- the press officer records the publication on the government website
	await page.reload();
	await ready(page);
	await expect(page.getByTestId('release-status')).toHaveText('已签发');
	const publish = page.getByRole('form', { name: '登记发布' });
	await expect(publish.getByRole('checkbox', { name: '政府网站' })).toBeChecked();
	// Put online the minute after the approval: a publication cannot predate it, and the time offered is not earlier.
	const publishedAt = cstInput((Math.floor(approvals[0]!.at.getTime() / 60_000) + 1) * 60_000);
	const publishedAtField = publish.getByLabel('发布时间');
	expect((await publishedAtField.inputValue()) >= publishedAt, `${await publishedAtField.inputValue()} offered, approved ${approvals[0]!.at.toISOString()}`).toBe(true);
	await publishedAtField.fill(publishedAt);
	await publish.getByLabel('链接').fill('https://www.jiangcheng.gov.cn/xxgk/yjgl/2026/baoran.html');
	await publish.getByRole('button', { name: '登记发布' }).tap();
	await expect(page.getByTestId('release-status')).toHaveText('已发布');
	await expect(page.getByRole('region', { name: '发布记录' })).toContainText(`政府网站 · ${cstShown(publishedAt)}`);

	// ---- the incident's 5-hour clock is met at the publication time
	await page.getByRole('link', { name: incidentTitle }).tap();
	await expect(page).toHaveURL(`${server.url}/incidents/${incident.id}`);
	await ready(page);
	const releaseClock = page.getByRole('article', { name: '发布权威信息 已按时完成' });
	await expect(releaseClock).toContainText('已按时完成');
	await expect(releaseClock).toContainText(`完成于 ${cstShown(publishedAt)}`);
});

test('a leader without a passkey signs with his password again; a wrong one is refused in Chinese', async ({ page }) => {
	const server: AppServer = await serveApp({ databaseUrl: database.url, port: await freePort(), quiet: true, env: { SHUTDOWN_TIMEOUT: '1' } });
	cleanups.push(() => server.stop());
	const db = openDatabase();
	await db`delete from passkeys where person_id = (select id from people where username = 'vicemayor')`;

	// A follow-up drafted, submitted and reviewed from a terminal.
	const title = `化工园区周边空气质量监测情况-${randomUUID().slice(0, 8)}`;
	const release = await releaseAwaitingSignoff(cleanups, server, { kind: 'follow_up', title });
	const code = (await currentHash(db, release.id)).slice(0, 4).toUpperCase();

	// 待我签发 on his phone leads to the request.
	await signInDirectly(page, 'vicemayor', DEMO_PASSWORD, server.url);
	await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '发布', exact: true }).tap();
	await ready(page);
	await page.getByRole('region', { name: '待我签发' }).getByRole('link', { name: new RegExp(title) }).tap();
	await expect(page).toHaveURL(new RegExp(`/releases/${release.id}/sign/[0-9a-f-]{36}$`));
	await ready(page);
	await expect(page.getByTestId('sign-code')).toHaveText(`版本 ${code}`);

	await page.getByRole('button', { name: '审签', exact: true }).tap();
	const password = page.getByLabel('登录密码');
	await password.fill('not-his-password');
	await page.getByRole('button', { name: `签发版本 ${code}` }).tap();
	await expect(page.locator('#sign-password-error')).toHaveText('「身份验证」未通过：密码不正确');
	await expect(page.getByTestId('sign-outcome')).toHaveCount(0);

	await password.fill(DEMO_PASSWORD);
	await page.getByRole('button', { name: `签发版本 ${code}` }).tap();
	await expect(page.getByTestId('sign-outcome')).toHaveText(/^已由 刘志远 于 .+ 签发$/);
	const approvals = await db<{ factor: string; versionHash: string }[]>`select factor, version_hash as "versionHash" from approvals where release_id = ${release.id}`;
	expect(approvals).toEqual([{ factor: 'password', versionHash: await currentHash(db, release.id) }]);
});

test('the release list reads page after page, in progress first, and finds a release by two Chinese characters of its title', async ({ page }) => {
	test.setTimeout(process.env.SHOTS_DIR ? 180_000 : 60_000);
	const db = openDatabase();
	// Releases published over the past months by one department: a list longer than a page, as after a year.
	const mark = randomUUID().slice(0, 6);
	await db`
		with made as (
			insert into releases (unit_id, kind, status, current_version, created_by, created_at, updated_at, published_at)
			select u.id, 'follow_up', 'published', 1, p.id, now() - n * interval '1 day', now() - n * interval '1 day', now() - n * interval '1 day'
			from generate_series(1, 70) as n, (select id from units where kind = 'department' order by name limit 1) u, (select id from people where username = 'admin') p
			returning id, created_by, updated_at)
		insert into release_versions (release_id, number, title, body, hash, created_by)
		select id, 1, case when row_number() over (order by updated_at) % 10 = 0 then '沙尘天气交通管制情况通报-' || ${mark} else '道路施工封闭情况通报-' || ${mark} end,
			'正文', encode(sha256(convert_to(id::text, 'UTF8')), 'hex'), created_by
		from made`;
	const server: AppServer = await serveApp({ databaseUrl: database.url, port: await freePort(), quiet: true, env: { SHUTDOWN_TIMEOUT: '1' } });
	cleanups.push(() => server.stop());

	await signInDirectly(page, 'admin', DEMO_PASSWORD, server.url, '/releases');
	const list = page.getByRole('list', { name: '新闻稿', exact: true });
	await expect(list.getByRole('listitem')).toHaveCount(50);
	// Those in progress (the demo's drafts) before any of the published ones.
	const badges = await list.locator('.badge').allTextContents();
	expect(badges.slice(0, badges.indexOf('已发布'))).not.toContain('已发布');
	await shootPhone(page, process.env.SHOTS_DIR, 'releases-list');
	await page.getByRole('button', { name: '加载更多' }).tap();
	await expect(list.getByRole('listitem')).not.toHaveCount(50);
	expect(await list.getByRole('listitem').count()).toBeGreaterThan(50);

	await page.getByLabel('搜索稿件').fill(`沙尘 ${mark}`);
	await page.getByRole('button', { name: '筛选' }).first().tap();
	await expect(list.getByRole('listitem')).toHaveCount(7);
	await expect(page.getByText('已显示 7 篇')).toBeVisible();
	await expect(page.getByRole('button', { name: '加载更多' })).toHaveCount(0);
	await shootPhone(page, process.env.SHOTS_DIR, 'releases-search');

	await page.getByLabel('搜索稿件').fill(`冰雹 ${mark}`);
	await page.getByRole('button', { name: '筛选' }).first().tap();
	await expect(page.getByText('没有符合条件的稿件。')).toBeVisible();
});
