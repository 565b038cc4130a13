// The records a press officer reads on a phone in the field: a document names its two version codes, a
// submitted release or document says whom it waits for (and never 尚未提交审签 beside 保密审查中), the 全过程记录
// lists 送审签 before the 发布文件 entered for the same minute, the incident's 发布与发布会 box shows the conference
// held and offers a 续报 once the authoritative release is out, and a unit's page has a way back and its
// spokespersons' phones; its 送达情况 counts each step and lists the failed and unanswered first, a page at a time.
// SHOTS_DIR=/some/dir also saves each screen at 390 and 360 px, light and dark.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import postgres from 'postgres';
import { freePort } from '../../scripts/lib/embedded-pg.ts';
import { serveApp, type AppServer } from '../../scripts/lib/serve.ts';
import { cleanupsAfterEach, logIncident, ownDemoDatabase, signInApi } from './push-support.ts';
import { DEMO_PASSWORD, ready, signInDirectly } from './support.ts';

const cleanups = cleanupsAfterEach();
// A database of its own: the vice-mayor signs with his password here, so no passkey of another test may be on him.
const database = ownDemoDatabase('huiying_records');
// Saving screenshots on a shared machine takes its time.
test.beforeEach(() => test.setTimeout(process.env.SHOTS_DIR ? 300_000 : 90_000));

// One server on that database for the file's tests in a worker (none of them stops it or changes what another reads),
// started by the first test and stopped after the last.
let started: Promise<{ server: AppServer; db: ReturnType<typeof postgres> }> | null = null;
test.afterAll(async () => {
	if (!started) return;
	const { server, db } = await started.finally(() => (started = null));
	await Promise.allSettled([server.stop(), db.end({ timeout: 1 })]);
});

function startServer(): Promise<{ server: AppServer; db: ReturnType<typeof postgres> }> {
	started ??= (async () => {
		const server = await serveApp({ databaseUrl: database.url, port: await freePort(), buildDir: process.env.E2E_BUILD_DIR, quiet: true, env: { SHUTDOWN_TIMEOUT: '1' } });
		const db = postgres(database.url, { max: 1, onnotice: () => {} });
		await db`delete from passkeys where person_id = (select id from people where username = 'vicemayor')`;
		return { server, db };
	})();
	return started;
}

/** A tRPC call from a terminal signed in as someone. */
function caller(server: AppServer, api: APIRequestContext) {
	return async <T>(procedure: string, input: unknown): Promise<T> => {
		const res = await api.post(`${server.url}/api/trpc/${procedure}`, { data: input, headers: { origin: server.url, 'content-type': 'application/json' } });
		expect(res.status(), `${procedure}: ${await res.text()}`).toBe(200);
		return ((await res.json()) as { result: { data: T } }).result.data;
	};
}
async function query<T>(server: AppServer, api: APIRequestContext, procedure: string, input: unknown): Promise<T> {
	const res = await api.get(`${server.url}/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`);
	expect(res.status(), procedure).toBe(200);
	return ((await res.json()) as { result: { data: T } }).result.data;
}

/** The current minute, as a person enters a time: no seconds. */
const thisMinute = () => new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();

/**
 * With SHOTS_DIR set, the screen as it stands at 390 and 360 px, light and dark, and `part` of it on its own (the
 * tab bar covers part of a full-page shot); the test's own settings return after.
 */
async function shoot(page: Page, name: string, part?: Locator) {
	const dir = process.env.SHOTS_DIR;
	if (!dir) return;
	mkdirSync(dir, { recursive: true });
	for (const scheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme: scheme });
		for (const size of [
			{ width: 390, height: 844 },
			{ width: 360, height: 780 }
		]) {
			await page.setViewportSize(size);
			await page.screenshot({ path: join(dir, `${name}-${size.width}-${scheme}.png`), fullPage: true });
			if (part) await part.screenshot({ path: join(dir, `${name}-part-${size.width}-${scheme}.png`) });
		}
	}
	await page.emulateMedia({ colorScheme: 'light' });
	await page.setViewportSize({ width: 390, height: 844 });
}

test('a document names its two versions, confirms 送审签 without a contradiction, and records 送审签 before its publication', async ({ page }) => {
	const { server } = await startServer();
	const press = caller(server, await signInApi(cleanups, server, 'em-press'));
	const title = `江城市防汛应急预案-${randomUUID().slice(0, 6)}`;
	const created = await press<{ id: string }>('document.create', {
		clientKey: randomUUID(),
		title,
		body: '第一条　为做好防汛应急工作，制定本预案。',
		disclosure: 'proactive',
		planInterpreter: '赵磊',
		planApproach: '文字解读与图解同步发布'
	});
	await press('document.attachMaterial', { id: created.id, kind: 'text', title: '《江城市防汛应急预案》解读', body: '看点一：分级响应。' });

	await signInDirectly(page, 'em-press', DEMO_PASSWORD, server.url, `/documents/${created.id}`);
	// ---- two codes, each named for what it covers, and one line that tells them apart
	await expect(page.getByTestId('document-code')).toHaveText(/^正文版本 [0-9A-F]{4}$/);
	await expect(page.getByTestId('document-bundle-code')).toHaveText(/^签发版本（正文\+解读）[0-9A-F]{4}$/);
	await expect(page.getByTestId('document-codes-hint')).toContainText('领导签发的就是它');
	await expect(page.getByText('整体版本')).toHaveCount(0);
	await expect(page.getByRole('region', { name: '审签记录' })).toContainText('尚未提交审签');

	// ---- 送审签: the confirmation names the reviewer; nothing says it was not submitted
	await page.getByRole('button', { name: '送审签（文件与解读材料一并）' }).tap();
	await expect(page.getByTestId('document-status')).toHaveText('保密审查中');
	await expect(page.getByTestId('signoff-waiting')).toHaveText('已提交审签，等待赵磊保密审查');
	await expect(page.getByText('尚未提交审签')).toHaveCount(0);
	await shoot(page, 'document-submitted', page.getByRole('main').locator('header'));

	// ---- reviewed and signed; published "at this minute", as the form offers it, with no seconds
	const spokesApi = await signInApi(cleanups, server, 'em-spokes');
	const seen = await query<{ version: number; bundleHash: string }>(server, spokesApi, 'document.byId', { id: created.id });
	await caller(server, spokesApi)('signoff.review', { kind: 'document', id: created.id, version: seen.version, versionHash: seen.bundleHash, decision: 'passed' });
	const leaderApi = await signInApi(cleanups, server, 'vicemayor');
	const forLeader = await query<{ can: { sign: string[] } }>(server, leaderApi, 'document.byId', { id: created.id });
	await page.reload();
	await ready(page);
	await expect(page.getByTestId('signoff-waiting')).toHaveText('已提交审签，等待刘志远签发');
	await caller(server, leaderApi)('signoff.approve', {
		kind: 'document',
		id: created.id,
		requestId: forLeader.can.sign[0],
		versionHash: seen.bundleHash,
		proof: { kind: 'password', password: DEMO_PASSWORD }
	});
	await press('document.publish', { id: created.id, publishedAt: thisMinute(), url: null, withMaterials: true });

	await page.reload();
	await ready(page);
	await expect(page.getByTestId('document-status')).toHaveText('已发布');
	await expect(page.getByTestId('signoff-waiting')).toHaveCount(0);
	// ---- the record in the order it happened: 发布文件 (entered to the minute) last
	const lines = await page.getByRole('region', { name: '全过程记录' }).locator('li .what').allTextContents();
	const at = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
	const steps = [
		new RegExp(`^起草文件“${title}”（正文版本 [0-9A-F]{4}）$`),
		/^添加文字解读“《江城市防汛应急预案》解读”（材料版本 [0-9A-F]{4}）$/,
		/^文件与 1 份解读材料一并送审签（签发版本 [0-9A-F]{4}）$/,
		/^保密审查通过/,
		/^签发版本 [0-9A-F]{4}$/,
		/^发布文件（签发版本 [0-9A-F]{4}）$/
	].map(at);
	expect(steps.every((i) => i >= 0), lines.join('\n')).toBe(true);
	expect(steps, lines.join('\n')).toEqual([...steps].sort((a, b) => a - b));
	await shoot(page, 'document-published');
});

test('a release says whom it waits for after 提交审签, and the incident box shows the held conference and offers a 续报', async ({ page }) => {
	const { server } = await startServer();
	const incident = await logIncident(cleanups, server, `化工园区储罐泄漏-${randomUUID().slice(0, 6)}`);
	const pressApi = await signInApi(cleanups, server, 'em-press');
	const press = caller(server, pressApi);
	const release = await press<{ id: string }>('release.create', {
		clientKey: randomUUID(),
		kind: 'authoritative',
		incidentId: incident.id,
		title: '关于化工园区储罐泄漏的情况通报',
		body: '泄漏已于当日控制，周边监测数据正常。',
		channels: ['gov_website']
	});

	await signInDirectly(page, 'em-press', DEMO_PASSWORD, server.url, `/incidents/${incident.id}`);
	const box = page.getByRole('region', { name: '发布与发布会' });
	await expect(box.getByRole('link', { name: '起草权威信息' })).toBeVisible();

	// ---- the release: 提交审签, then the confirmation, never 尚未提交审签 beside 保密审查中
	await page.goto(`${server.url}/releases/${release.id}`);
	await ready(page);
	await expect(page.getByRole('region', { name: '审签记录' })).toContainText('尚未提交审签');
	await page.getByRole('button', { name: '提交审签' }).tap();
	await expect(page.getByTestId('release-status')).toHaveText('保密审查中');
	await expect(page.getByTestId('signoff-waiting')).toHaveText('已提交审签，等待赵磊保密审查');
	await expect(page.getByRole('button', { name: '提交审签' })).toHaveCount(0);
	await expect(page.getByText('尚未提交审签')).toHaveCount(0);
	await expect(page.getByRole('region', { name: '审签记录' })).toContainText('已送保密审查');
	await shoot(page, 'release-submitted', page.getByTestId('signoff-waiting'));

	// ---- reviewed, signed and published from terminals; a press conference held on the incident
	await caller(server, await signInApi(cleanups, server, 'em-spokes'))('signoff.review', { kind: 'release', id: release.id, version: 1, decision: 'passed' });
	await page.reload();
	await ready(page);
	await expect(page.getByTestId('release-status')).toHaveText('待签发');
	await expect(page.getByTestId('signoff-waiting')).toHaveText('已提交审签，等待刘志远签发');
	const leaderApi = await signInApi(cleanups, server, 'vicemayor');
	const forLeader = await query<{ hash: string; can: { sign: string[] } }>(server, leaderApi, 'release.byId', { id: release.id });
	await caller(server, leaderApi)('signoff.approve', {
		kind: 'release',
		id: release.id,
		requestId: forLeader.can.sign[0],
		versionHash: forLeader.hash,
		proof: { kind: 'password', password: DEMO_PASSWORD }
	});
	await press('release.publish', { id: release.id, publications: [{ channel: 'gov_website', url: null, publishedAt: new Date().toISOString() }] });
	const conference = await press<{ id: string }>('conference.create', {
		kind: 'press_conference',
		title: '化工园区储罐泄漏事件新闻发布会',
		incidentId: incident.id,
		plannedAt: new Date().toISOString(),
		place: '市政府新闻发布厅'
	});
	const heldAt = new Date();
	await press('conference.markHeld', { id: conference.id, heldAt: heldAt.toISOString() });

	// ---- the incident's box: the release published, the conference held with its time, a 续报 offered instead
	await page.goto(`${server.url}/incidents/${incident.id}`);
	await ready(page);
	await expect(box.getByRole('link', { name: /关于化工园区储罐泄漏的情况通报/ })).toContainText('已发布');
	const held = box.getByTestId('incident-conference');
	await expect(held).toHaveCount(1);
	await expect(held).toContainText('已召开');
	await expect(held).toContainText('新闻发布会：化工园区储罐泄漏事件新闻发布会');
	await expect(held).toContainText(/\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2} 召开 · 江城市应急管理局/);
	await expect(held.getByRole('link')).toHaveAttribute('href', `/conferences/${conference.id}`);
	await expect(box.getByTestId('authoritative-published')).toContainText('权威信息已于');
	await expect(box.getByRole('link', { name: '起草权威信息' })).toHaveCount(0);
	await expect(box.getByRole('link', { name: '起草续报' })).toHaveAttribute('href', `/releases/new?incident=${incident.id}&kind=follow_up`);
	await shoot(page, 'incident', box);
});

test('送达情况 counts each step, lists who failed and who has not answered first, reads on with 加载更多, and keeps what was read through a live refresh', async ({ page }) => {
	const { server, db } = await startServer();
	const incident = await logIncident(cleanups, server, `港区油罐起火-${randomUUID().slice(0, 6)}`);
	// Step 2 of the 5-hour clock told everyone of the demo organisation on every channel: a few failed, some answered.
	const [clock] = await db<{ id: string }[]>`select id from clocks where subject_id = ${incident.id} and rule_key = 'incident.authoritative_release'`;
	await db`
		insert into deliveries (clock_id, step_index, tier, recipient_id, channel, status, failure, due_at, sent_at)
		select ${clock!.id}, 1, 0, t.id, t.channel,
			case when t.n % 13 = 0 then 'failed' when t.n % 3 = 0 then 'acknowledged' else 'sent' end,
			case when t.n % 13 = 0 then ${db.json({ key: 'notify.reason.refused', params: { platform: { key: 'channel.sms' }, code: 'E1' } })}::jsonb end,
			now(), now()
		from (
			select p.id, c.channel, row_number() over (order by p.id, c.channel) as n
			from people p cross join unnest(array['inbox', 'web_push', 'sms', 'wecom', 'dingtalk']) as c(channel)
		) t`;
	const counted = async () =>
		(
			await db<{ total: number; failed: number; unanswered: number }[]>`
				select count(*)::int as total, count(*) filter (where status = 'failed')::int as failed,
					count(*) filter (where status <> 'acknowledged')::int as unanswered
				from deliveries where clock_id = ${clock!.id} and step_index = 1`
		)[0]!;
	const { total, failed } = await counted();
	expect(total).toBeGreaterThan(60);
	expect(failed).toBeGreaterThan(0);

	await signInDirectly(page, 'em-press', DEMO_PASSWORD, server.url, `/incidents/${incident.id}`);
	const section = page.getByTestId('deliveries');
	// closed, it still says how many failed and how many wait for 收到
	await expect(section.locator('summary')).toContainText(/送达情况\s*失败 \d+\s*未确认 \d+/);
	await section.locator('summary').tap();
	const step = section.getByRole('region', { name: '发布权威信息 · 第 2 步' });
	await expect(step).toContainText(`共 ${total} 条`);
	await expect(step).toContainText(`发送失败 ${failed}`);
	const rows = step.getByRole('row');
	// a page's worth of names with the incident (after the table's heading), the failed on top with their reason
	await expect(rows).toHaveCount(11);
	await expect(rows.nth(1)).toContainText('发送失败');
	await expect(rows.nth(1)).toContainText('短信：发送被拒绝（错误码 E1）');
	await expect(rows.nth(failed + 1)).not.toContainText('发送失败');
	await expect(rows.nth(failed + 1)).not.toContainText('已确认收到');
	await expect(step).toContainText(`已列出 10 条，共 ${total} 条`);
	await shoot(page, 'deliveries', section);

	// every name is a 加载更多 or two away
	const more = step.getByRole('button', { name: '加载更多' });
	for (let shown = 10; shown < total; shown += 50) {
		await more.tap();
		await expect(rows).toHaveCount(Math.min(total, shown + 50) + 1);
	}
	await expect(more).toHaveCount(0);
	await expect(rows.last()).toContainText('已确认收到');

	// Someone answers 收到 for the step elsewhere: the page refreshes by itself and keeps every name it had read.
	const spokes = await signInApi(cleanups, server, 'em-spokes');
	const answered = await spokes.post(`${server.url}/api/trpc/clock.acknowledge`, {
		data: { clockId: clock!.id, stepIndex: 1 },
		headers: { origin: server.url, 'content-type': 'application/json' }
	});
	expect(answered.status()).toBe(200);
	const spokesRows = rows.filter({ hasText: '赵磊' });
	await expect(spokesRows).toHaveCount(5);
	await expect(spokesRows.filter({ hasNotText: '已确认收到' })).toHaveCount(0);
	await expect(rows).toHaveCount(total + 1);

	// Only the failed: the filter is in the address, the section open on it.
	const now = await counted();
	await section.getByRole('link', { name: '发送失败' }).tap();
	await expect(page).toHaveURL(`${server.url}/incidents/${incident.id}?deliveries=failed`);
	await expect(rows).toHaveCount(now.failed + 1);
	await expect(step).toContainText(`共 ${total} 条`);
	await section.getByRole('link', { name: '未确认' }).tap();
	await expect(page).toHaveURL(/deliveries=unacknowledged/);
	await expect(rows.nth(1)).toContainText('发送失败');
	await expect(step.getByRole('cell', { name: /已确认收到/ })).toHaveCount(0);
	await expect(step).toContainText(`已列出 10 条，共 ${now.unanswered} 条`);
	await shoot(page, 'deliveries-unacknowledged', section);
	await page.reload();
	await expect(section).toHaveAttribute('open', '');
});

test('a unit’s page leads back where the person came from and dials its spokespersons', async ({ page }) => {
	const { server } = await startServer();
	await signInDirectly(page, 'em-press', DEMO_PASSWORD, server.url);
	await page.getByRole('link', { name: '所在单位：江城市应急管理局' }).tap();
	await expect(page).toHaveURL(/\/units\/[0-9a-f-]{36}$/);
	await ready(page);
	await expect(page.getByRole('heading', { level: 1, name: '江城市应急管理局' })).toBeVisible();

	// ---- the spokesperson, and the principal as the first spokesperson, each one tap from a call
	const people = page.getByRole('region', { name: '新闻发言人' });
	await expect(people.getByRole('link', { name: '赵磊 手机号 13900000006' })).toHaveAttribute('href', 'tel:13900000006');
	await expect(people.getByTestId('unit-spokesperson').filter({ hasText: '周涛' })).toContainText('第一新闻发言人');
	await shoot(page, 'unit');

	// ---- back: a 44 px target to 工作台, where the person came from
	const back = page.getByTestId('unit-back');
	await expect(back).toHaveText('← 工作台');
	expect((await back.boundingBox())!.height).toBeGreaterThanOrEqual(44);
	await back.tap();
	await expect(page).toHaveURL(`${server.url}/`);

	// ---- opened directly (a shared link), it still leads somewhere: 工作台
	await page.goBack();
	await page.reload();
	await ready(page);
	await expect(page.getByTestId('unit-back')).toHaveAttribute('href', '/');
});
