// The phone in the field: a leader reads the whole text he is asked to sign before anything of the decision
// covers it, a compact bar under the text opens the decision as a sheet, a wrong password is said once, next to
// the field, and goes when he corrects it; the sheet closes again to read on. The sign-off record names his
// phone and browser instead of the raw header; the conference forms say each error once, and only until the
// field is corrected; nothing spills past a 360 px screen.
import { randomUUID } from 'node:crypto';
import { expect, test, type Locator, type Page } from '@playwright/test';
import postgres from 'postgres';
import { freePort } from '../../scripts/lib/embedded-pg.ts';
import { serveApp, type AppServer } from '../../scripts/lib/serve.ts';
import { cleanupsAfterEach, ownDemoDatabase, releaseAwaitingSignoff, signInApi } from './push-support.ts';
import { DEMO_PASSWORD, ready, signIn, signInDirectly } from './support.ts';

const cleanups = cleanupsAfterEach();
// A database of its own: the vice-mayor signs with his password here, so no other test's passkey may be on him.
const database = ownDemoDatabase('huiying_signoff_screen');

/** `2026-11-22T14:05`, a datetime-local value in China Standard Time, `days` from now. */
const cstInput = (days: number) => new Date(Date.now() + days * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 16);

const WRONG_PASSWORD = '「身份验证」未通过：密码不正确';
const NO_REASON = '「理由」必须填写：驳回或撤回须说明理由';

/** Ten paragraphs: more than one phone screen of text. */
const LONG_TEXT = Array.from(
	{ length: 10 },
	(_, i) => `第${i + 1}段　化工园区周边空气质量监测点位${i + 1}的数据已连续六小时保持在国家标准限值以内，环境部门将继续加密监测频次，每两小时向社会公布一次结果，请市民不信谣、不传谣。`
);

async function startServer(): Promise<{ server: AppServer; db: postgres.Sql }> {
	const server = await serveApp({
		databaseUrl: database.url,
		port: await freePort(),
		// E2E_BUILD_DIR: a build of one's own while others rebuild ./build on the same machine
		buildDir: process.env.E2E_BUILD_DIR,
		quiet: true,
		env: { SHUTDOWN_TIMEOUT: '1' }
	});
	cleanups.push(() => server.stop());
	const db = postgres(database.url, { max: 1, onnotice: () => {} });
	cleanups.push(() => db.end({ timeout: 1 }));
	await db`delete from passkeys where person_id = (select id from people where username = 'vicemayor')`;
	return { server, db };
}

/** Whether the element can be read where it is: what lies over its middle is the element itself. */
function uncovered(el: Locator): Promise<boolean> {
	return el.evaluate((node) => {
		const r = node.getBoundingClientRect();
		const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
		return hit !== null && node.contains(hit);
	});
}

/** Every paragraph of the text, brought to the middle of the screen in turn, can be read there. */
async function readThrough(paragraphs: Locator): Promise<void> {
	const n = await paragraphs.count();
	expect(n).toBeGreaterThan(1);
	for (let i = 0; i < n; i++) {
		const p = paragraphs.nth(i);
		await p.evaluate((node) => node.scrollIntoView({ block: 'center' }));
		await expect(p).toBeInViewport();
		expect(await uncovered(p), `paragraph ${i + 1} is covered`).toBe(true);
	}
}

/** The closed decision: a bar of at most 15 % of the screen, above the tab bar, and nothing of the decision on the text. */
async function expectTextFirst(page: Page, code: string): Promise<void> {
	const bar = page.getByTestId('sign-bar');
	await expect(bar).toBeInViewport();
	const box = (await bar.boundingBox())!;
	const screen = page.viewportSize()!;
	expect(box.height, 'height of the bar').toBeLessThanOrEqual(screen.height * 0.15);
	const tabs = (await page.getByRole('navigation', { name: '主导航' }).locator('.tabs').boundingBox())!;
	expect(box.y + box.height, 'the bar ends above the tab bar').toBeLessThanOrEqual(tabs.y);
	await expect(bar.getByRole('button', { name: '审签', exact: true })).toHaveAttribute('aria-expanded', 'false');
	expect((await bar.getByRole('button', { name: '审签', exact: true }).boundingBox())!.height).toBeGreaterThanOrEqual(44);
	await expect(page.getByRole('dialog')).toBeHidden();
	await expect(page.getByLabel('登录密码')).toBeHidden();
	await expect(page.getByRole('button', { name: `签发版本 ${code}` })).toBeHidden();
}

/** Scrolled to the end, the bar sits under the text, not on it. */
async function expectBarAfterText(page: Page, text: Locator): Promise<void> {
	await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
	const bar = (await page.getByTestId('sign-bar').boundingBox())!;
	const body = (await text.boundingBox())!;
	expect(bar.y, 'the bar starts below the end of the text').toBeGreaterThanOrEqual(body.y + body.height);
}

/** Opens the decision, tries a wrong password and corrects it: one message, beside the field, gone on the next keystroke. */
async function wrongPasswordOnce(page: Page, code: string): Promise<Locator> {
	await page.getByRole('button', { name: '审签', exact: true }).tap();
	const sheet = page.getByRole('dialog', { name: `签发 版本 ${code}` });
	await expect(sheet).toBeVisible();
	await expect(page.getByTestId('sign-bar').getByRole('button', { name: '审签', exact: true })).toHaveAttribute('aria-expanded', 'true');
	const password = sheet.getByLabel('登录密码');
	await password.fill('not-his-password');
	await sheet.getByRole('button', { name: `签发版本 ${code}` }).tap();
	await expect(sheet.locator('#sign-password-error')).toHaveText(WRONG_PASSWORD);
	await expect(sheet.locator('#sign-password-error')).toBeInViewport();
	// Said once on the whole page, not once beside the field and again above the form.
	await expect(page.getByText(WRONG_PASSWORD)).toHaveCount(1);
	await expect(page.getByRole('alert')).toHaveCount(1);
	await expect(password).toHaveAttribute('aria-invalid', 'true');
	await expect(page.getByTestId('sign-outcome')).toHaveCount(0);

	await password.press('End');
	await password.pressSequentially('x');
	await expect(page.getByText(WRONG_PASSWORD)).toHaveCount(0);
	await expect(password).not.toHaveAttribute('aria-invalid', /.*/);
	return sheet;
}

test('a leader reads the whole release first, opens the decision from the bar, is told a wrong password once, closes it to read again and signs', async ({
	page
}) => {
	test.setTimeout(120_000);
	const { server, db } = await startServer();
	const title = `化工园区周边空气质量监测情况-${randomUUID().slice(0, 8)}`;
	const release = await releaseAwaitingSignoff(cleanups, server, { kind: 'follow_up', title, body: LONG_TEXT.join('\n\n') });
	const [request] = await db<{ id: string; versionHash: string }[]>`
		select id, version_hash as "versionHash" from signoff_requests where release_id = ${release.id} and seat = 'sign' and status = 'open'`;
	const code = request!.versionHash.slice(0, 4).toUpperCase();

	await signInDirectly(page, 'vicemayor', DEMO_PASSWORD, server.url, `/releases/${release.id}/sign/${request!.id}`);

	// ---- the text first: every paragraph readable, the decision a bar under it that says what it is for
	await expectTextFirst(page, code);
	await expect(page.getByTestId('sign-bar')).toContainText(`版本 ${code} · ${title}`);
	const text = page.getByTestId('sign-body');
	await expect(text.locator('p')).toHaveText(LONG_TEXT);
	await readThrough(text.locator('p'));
	await expectBarAfterText(page, text);

	// ---- the decision: a wrong password is said once, beside the field, until he types again
	const sheet = await wrongPasswordOnce(page, code);

	// A refusal without its reason: also said once, and gone once a reason is typed.
	await sheet.locator('summary', { hasText: '驳回' }).tap();
	const rejectForm = sheet.locator('form').filter({ has: page.locator('#reject-reason') });
	await rejectForm.getByRole('button', { name: '驳回' }).tap();
	await expect(rejectForm.locator('#reject-reason-error')).toHaveText(NO_REASON);
	await expect(page.getByText(NO_REASON)).toHaveCount(1);
	await rejectForm.getByLabel('理由').fill('第3段数据来源需核实');
	await expect(page.getByText(NO_REASON)).toHaveCount(0);
	await rejectForm.getByLabel('理由').fill('');

	// ---- closed again, the text is his to read; what he typed is kept for when he comes back
	await sheet.getByRole('button', { name: '返回阅读全文' }).tap();
	await expect(sheet).toBeHidden();
	await expectTextFirst(page, code);
	await readThrough(text.locator('p'));

	await page.getByRole('button', { name: '审签', exact: true }).tap();
	await expect(sheet.getByLabel('登录密码')).toHaveValue('not-his-passwordx');
	await sheet.getByLabel('登录密码').fill(DEMO_PASSWORD);
	await sheet.getByRole('button', { name: `签发版本 ${code}` }).tap();
	const outcome = page.getByTestId('sign-outcome');
	await expect(outcome).toHaveText(/^已由 刘志远 于 .+ 签发$/);
	await expect(outcome).toBeInViewport();
	await expect(page.getByRole('dialog')).toHaveCount(0);
	await expect(page.getByTestId('sign-bar')).toHaveCount(0);
	await expect(page.getByText(WRONG_PASSWORD)).toHaveCount(0);

	// ---- 审签记录 names the phone and its browser; the raw header is at hand as the title
	await page.goto(`${server.url}/releases/${release.id}`);
	await ready(page);
	const record = page.getByRole('region', { name: '审签记录' });
	const device = record.getByTestId('approval-device');
	await expect(device).toHaveText('Linux · Chrome');
	await expect(device).toHaveAttribute('title', /^Mozilla\/5\.0 \(X11; Linux x86_64\)/);
	await expect(record).not.toContainText('Mozilla');
});

test.describe('on a 360 px phone', () => {
	test.use({ viewport: { width: 360, height: 780 } });

	test('the document bundle is read first and the decision opens, says a wrong password once and closes again', async ({ page }) => {
		test.setTimeout(120_000);
		const { server } = await startServer();
		const press = await signInApi(cleanups, server, 'em-press');
		const spokes = await signInApi(cleanups, server, 'em-spokes');
		const call = async <T>(api: typeof press, procedure: string, input: unknown): Promise<T> => {
			const res = await api.post(`${server.url}/api/trpc/${procedure}`, { data: input, headers: { origin: server.url, 'content-type': 'application/json' } });
			expect(res.status(), procedure).toBe(200);
			return ((await res.json()) as { result: { data: T } }).result.data;
		};
		const title = `江城市危险化学品安全专项整治实施方案-${randomUUID().slice(0, 8)}`;
		const created = await call<{ id: string }>(press, 'document.create', {
			clientKey: randomUUID(),
			title,
			docNumber: '江应急〔2026〕12号',
			body: LONG_TEXT.join('\n'),
			disclosure: 'proactive',
			exemptionReason: '仅涉及机关内部管理事项，不需要解读'
		});
		const sent = await call<{ version: number }>(press, 'document.submit', { id: created.id });
		const byId = await spokes.get(`${server.url}/api/trpc/document.byId?input=${encodeURIComponent(JSON.stringify({ id: created.id }))}`);
		expect(byId.status(), 'document.byId').toBe(200);
		const seen = ((await byId.json()) as { result: { data: { bundleHash: string } } }).result.data;
		await call(spokes, 'signoff.review', { kind: 'document', id: created.id, version: sent.version, versionHash: seen.bundleHash, decision: 'passed' });

		await signIn(page, 'vicemayor', DEMO_PASSWORD, server.url);
		await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '发布', exact: true }).tap();
		await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '文件' }).tap();
		await ready(page);
		await page.getByRole('region', { name: '待我签发' }).getByRole('link', { name: new RegExp(title) }).tap();
		await expect(page).toHaveURL(new RegExp(`/documents/${created.id}/sign/[0-9a-f-]{36}$`));
		await ready(page);
		const code = seen.bundleHash.slice(0, 4).toUpperCase();
		await expect(page.getByTestId('sign-code')).toHaveText(`版本 ${code}`);

		await expectTextFirst(page, code);
		const text = page.getByTestId('sign-body');
		await expect(text.locator('p')).toHaveText(LONG_TEXT);
		await readThrough(text.locator('p'));
		expect(await page.evaluate(() => document.documentElement.scrollWidth), 'nothing spills sideways').toBeLessThanOrEqual(360);

		const sheet = await wrongPasswordOnce(page, code);
		expect((await sheet.boundingBox())!.width).toBeLessThanOrEqual(360);
		// Escape, or the back gesture, closes it as the button does.
		await page.keyboard.press('Escape');
		await expect(sheet).toBeHidden();
		await expectTextFirst(page, code);
		await readThrough(text.locator('p'));
	});

	test('the conference forms say each error once, beside its field, until it is corrected; the held time fits the screen', async ({ page }) => {
		test.setTimeout(120_000);
		const { server } = await startServer();
		await signIn(page, 'em-press', DEMO_PASSWORD, server.url);

		// ---- planning: two missing fields, each said once beside itself; the first one gets the focus
		await page.goto(`${server.url}/conferences/new`);
		await ready(page);
		await page.getByRole('button', { name: '保存安排' }).tap();
		const title = page.getByLabel('标题');
		await expect(page.locator('#conference-title-error')).toHaveText('「标题」必须填写');
		await expect(page.locator('#conference-planned-error')).toHaveText('「计划时间」必须填写');
		await expect(page.getByText('「标题」必须填写')).toHaveCount(1);
		await expect(page.getByRole('alert')).toHaveCount(2);
		await expect(title).toBeFocused();
		await expect(title).toHaveAttribute('aria-invalid', 'true');
		await title.fill('化工园区储罐泄漏处置情况新闻发布会');
		await expect(page.getByText('「标题」必须填写')).toHaveCount(0);
		await expect(title).not.toHaveAttribute('aria-invalid', /.*/);
		await expect(page.locator('#conference-planned-error')).toBeVisible();
		// The same error again on the next try, while it still applies.
		await page.getByRole('button', { name: '保存安排' }).tap();
		await expect(page.getByText('「计划时间」必须填写')).toHaveCount(1);
		await expect(page.getByLabel('计划时间')).toBeFocused();
		await page.getByLabel('计划时间').fill(cstInput(7));
		await expect(page.getByText('「计划时间」必须填写')).toHaveCount(0);
		await page.getByLabel('地点').fill('市政府新闻发布厅');
		await page.getByRole('button', { name: '保存安排' }).tap();
		await expect(page).toHaveURL(new RegExp(`${server.url}/conferences/[0-9a-f-]{36}$`));
		await ready(page);
		await expect(page.getByRole('heading', { level: 1, name: '化工园区储罐泄漏处置情况新闻发布会' })).toBeVisible();

		// ---- the held time and its 现在 button stay inside the card on 360 px
		const held = page.getByRole('region', { name: '记录已召开' });
		const row = held.locator('.row');
		const card = (await held.boundingBox())!;
		const rowBox = (await row.boundingBox())!;
		expect(rowBox.x + rowBox.width, 'the held-time row ends inside its card').toBeLessThanOrEqual(card.x + card.width);
		const now = (await held.getByRole('button', { name: '现在' }).boundingBox())!;
		expect(now.x + now.width).toBeLessThanOrEqual(card.x + card.width);
		expect(await page.evaluate(() => document.documentElement.scrollWidth), 'nothing spills sideways').toBeLessThanOrEqual(360);

		// ---- a time in the future is refused once, beside the field, and the message goes once it is changed
		page.on('dialog', (d) => void d.accept());
		const heldAt = held.getByLabel('实际召开时间');
		await heldAt.fill(cstInput(2));
		await held.getByRole('button', { name: '记录已召开' }).tap();
		const refused = held.locator('#held-at-error');
		await expect(refused).toHaveText(/^「实际召开时间」不能晚于现在 5 分钟以上/);
		await expect(page.getByText(/不能晚于现在 5 分钟以上/)).toHaveCount(1);
		await heldAt.fill(cstInput(1));
		await expect(refused).toHaveCount(0);
		await expect(page.getByText(/不能晚于现在 5 分钟以上/)).toHaveCount(0);
	});
});

test('the sign-out question dims and blurs the page behind it, in the dark theme too', async ({ page }) => {
	await page.emulateMedia({ colorScheme: 'dark' });
	await signInDirectly(page, 'em-press', DEMO_PASSWORD, '', '/me');
	// Opened as it is when entries still wait on the device (SignOutButton.svelte).
	const dialog = page.getByRole('dialog', { name: '退出登录？' });
	await page.locator('dialog[aria-labelledby="signout-title"]').evaluate((d: HTMLDialogElement) => d.showModal());
	await expect(dialog).toBeVisible();
	const backdrop = await dialog.evaluate((d) => {
		const s = getComputedStyle(d, '::backdrop');
		return { color: s.backgroundColor, filter: s.backdropFilter };
	});
	const alpha = Number(/rgba?\([^)]*?,\s*([\d.]+)\)$/.exec(backdrop.color)?.[1] ?? 1);
	expect(alpha, backdrop.color).toBeGreaterThanOrEqual(0.6);
	expect(backdrop.filter).toMatch(/^blur\(/);
	// A tap on the page behind lands on the backdrop, not on what is under it.
	expect(await dialog.evaluate((d) => document.elementFromPoint(20, 20) === d)).toBe(true);
	await page.keyboard.press('Escape');
	await expect(dialog).toBeHidden();
});
