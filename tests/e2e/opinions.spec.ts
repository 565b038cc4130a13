// A rumour answered within the 48 hours, on phones: the emergency bureau's press officer captures it with
// a screenshot while her phone has no signal; when the signal returns the outbox uploads the screenshot and
// then sends the item; she assesses it as 重大 and needing a response, which starts the 48-hour clock from
// when it was first seen; she drafts a clarification from the item, the bureau's spokesperson passes its
// confidentiality review, the vice-mayor signs it with his password, she records its publication, and the
// item's clock is met.
import { randomUUID } from 'node:crypto';
import { expect, test, type Browser, type Page } from '@playwright/test';
import postgres from 'postgres';
import { freePort } from '../../scripts/lib/embedded-pg.ts';
import { serveApp, type AppServer } from '../../scripts/lib/serve.ts';
import { samplePng } from '../support/sample-files.ts';
import { cleanupsAfterEach, ownDemoDatabase } from './push-support.ts';
import { DEMO_PASSWORD, ready, signIn, signInDirectly } from './support.ts';

const cleanups = cleanupsAfterEach();
// A database of its own: the vice-mayor must sign with his password, so no passkey of another test may be on him.
const database = ownDemoDatabase('huiying_opinions');

/** Another person's phone, closed after the test. */
async function phone(browser: Browser): Promise<Page> {
	const context = await browser.newContext();
	cleanups.push(() => context.close());
	return context.newPage();
}

/** `2026-11-22T14:05`, a datetime-local value in China Standard Time, as a moment. */
const fromCstInput = (input: string) => new Date(`${input}:00+08:00`);
/** The same minute as the app writes it: `2026年11月22日 14:05`. */
function cstShown(d: Date): string {
	const [, y, mo, day, hm] = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2})/.exec(new Date(d.getTime() + 8 * 3_600_000).toISOString())!;
	return `${y}年${Number(mo)}月${Number(day)}日 ${hm}`;
}

test('a rumour captured offline with a screenshot is sent when the signal returns, assessed as major, clarified within 48 hours', async ({ browser, context, page }) => {
	test.setTimeout(150_000);
	const server: AppServer = await serveApp({ databaseUrl: database.url, port: await freePort(), buildDir: process.env.E2E_BUILD_DIR, quiet: true, env: { SHUTDOWN_TIMEOUT: '1' } });
	cleanups.push(() => server.stop());
	const db = postgres(database.url, { max: 1, onnotice: () => {} });
	cleanups.push(() => db.end({ timeout: 1 }));
	await db`delete from passkeys where person_id = (select id from people where username = 'vicemayor')`;

	// ---- the press officer opens the capture screen from 舆情; then the signal goes
	await signIn(page, 'em-press', DEMO_PASSWORD, server.url);
	await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '舆情' }).tap();
	await ready(page);
	await page.getByRole('link', { name: '登记舆情' }).tap();
	await expect(page).toHaveURL(`${server.url}/opinions/new`);
	await ready(page);
	await context.setOffline(true);

	const tag = randomUUID().slice(0, 8);
	const gist = `网传江城长江大桥出现裂缝即将封闭（${tag}）`;
	const summary = `${gist}。帖子配有所谓“裂缝”照片，转发较多。`;
	const link = `https://weibo.com/7654321/${tag}`;
	await page.getByLabel('链接').fill(link);
	// The link says where it was seen.
	await expect(page.getByRole('radio', { name: '微博' })).toBeChecked();
	await page.getByLabel('内容摘要').fill(summary);
	await page.getByRole('radio', { name: '谣言' }).check();
	await page.locator('input[type="file"]').setInputFiles({ name: '微博截图.png', mimeType: 'image/png', buffer: Buffer.from(samplePng()) });
	await expect(page.getByRole('img', { name: '截图 1' })).toBeVisible();
	await expect(page.getByLabel('涉及单位').locator('option:checked')).toHaveText('江城市应急管理局');
	const firstSeen = fromCstInput(await page.getByLabel('首次发现时间').inputValue());
	// A tap on the sticky button can be taken for a scroll on a touch screen; the test presses it as a click.
	await page.getByRole('button', { name: '提交舆情' }).click();
	await expect(page.getByRole('status').filter({ hasText: '已保存，待联网后自动提交' })).toBeVisible();
	const outbox = page.getByRole('region', { name: '待提交' });
	await expect(outbox).toContainText(`谣言：${gist}`);
	await expect(outbox).toContainText('截图 1 张');
	await expect(outbox).toContainText('1 条待提交');
	expect(await db`select id from opinion_items where summary = ${summary}`).toEqual([]);

	// ---- the signal returns: the outbox uploads the screenshot, then sends the item with its id
	await context.setOffline(false);
	await expect(page.getByRole('region', { name: '待提交' })).toHaveCount(0, { timeout: 20_000 });
	// She is told it went, with a way to the item.
	await expect(page.getByRole('status').filter({ hasText: `已提交：${gist}` })).toBeVisible();
	const items = await db<{ id: string; receivedAt: Date; screenshotIds: string[]; source: string; url: string }[]>`
		select o.id, o.received_at as "receivedAt", s.screenshot_ids as "screenshotIds", s.source, s.url
		from opinion_items o join opinion_sightings s on s.item_id = o.id where o.summary = ${summary}`;
	expect(items).toHaveLength(1);
	const item = items[0]!;
	expect(item).toMatchObject({ source: 'weibo', url: link });
	expect(item.screenshotIds).toHaveLength(1);
	const [file] = await db<{ mime: string; name: string; createdAt: Date; uploader: string }[]>`
		select f.mime, f.name, f.created_at as "createdAt", p.username as uploader from files f join people p on p.id = f.uploaded_by
		where f.id = ${item.screenshotIds[0]!}`;
	expect(file).toMatchObject({ mime: 'image/png', name: '微博截图.png', uploader: 'em-press' });
	expect(file!.createdAt.getTime()).toBeLessThanOrEqual(item.receivedAt.getTime());

	// ---- on the board it waits for assessment; its page shows the sighting, the screenshot and the 2-hour rule
	await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '舆情' }).tap();
	await ready(page);
	await expect(page.getByTestId('awaiting-count')).toHaveText(/^\d+ 条待研判$/);
	await page.getByRole('main').getByRole('link', { name: new RegExp(tag) }).tap();
	await expect(page).toHaveURL(`${server.url}/opinions/${item.id}`);
	await ready(page);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(summary);
	await expect(page.getByTestId('opinion-status')).toHaveText('待研判');
	const sightings = page.getByRole('region', { name: '发现记录' });
	await expect(sightings).toContainText('微博');
	await expect(sightings.getByRole('link', { name: link })).toHaveAttribute('href', link);
	const screenshot = sightings.getByRole('img', { name: '截图 1' });
	await expect.poll(() => screenshot.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);
	await expect(sightings.getByRole('link', { name: '截图 1' })).toHaveAttribute('href', `/files/${item.screenshotIds[0]}`);
	await expect(page.getByRole('article', { name: /^研判舆情 剩余 / })).toContainText('计时中');

	// ---- assessed as 重大, needing a response: the 48-hour clock runs from the first sighting
	const assessment = page.getByRole('form', { name: '研判' });
	await assessment.getByRole('radio', { name: '重大' }).check();
	await assessment.getByRole('radio', { name: '需要回应' }).check();
	await assessment.getByLabel('回应方案').fill('会同市交通运输局核实，发布澄清说明：大桥结构安全，照片系外地旧图。');
	await assessment.getByRole('button', { name: '保存研判' }).tap();
	await expect(page.getByTestId('opinion-status')).toHaveText('已研判');
	const responseClock = page.getByRole('article', { name: /^回应政务舆情 / });
	await expect(responseClock.getByRole('timer')).toHaveText(/^剩余 4[78]小时\d+分$/);
	await expect(responseClock).toContainText(`时限 ${cstShown(new Date(firstSeen.getTime() + 48 * 3_600_000))}`);
	await expect(page.getByRole('article', { name: '研判舆情 已按时完成' })).toBeVisible();

	// ---- a clarification drafted from the item, its title suggested from the summary
	await page.getByRole('link', { name: '发布澄清' }).tap();
	await expect(page).toHaveURL(`${server.url}/releases/new?opinion=${item.id}&kind=clarification`);
	await ready(page);
	await expect(page.getByLabel('类型')).toHaveValue('clarification');
	const title = `关于“${gist}”的澄清说明`;
	await expect(page.getByLabel('标题')).toHaveValue(title);
	await page.getByLabel('正文').fill('近日，网传“江城长江大桥出现裂缝即将封闭”。经市交通运输局核实，**大桥结构安全、通行正常**，所传照片系外地旧图。请广大市民不信谣、不传谣。');
	await page.getByRole('button', { name: '保存草稿' }).tap();
	await expect(page).toHaveURL(new RegExp(`^${server.url}/releases/[0-9a-f-]{36}$`));
	const releaseId = new URL(page.url()).pathname.split('/').pop()!;
	await ready(page);
	await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
	await page.getByRole('button', { name: '提交审签' }).tap();
	await expect(page.getByTestId('release-status')).toHaveText('保密审查中');

	// ---- the bureau's spokesperson passes its confidentiality review
	const reviewer = await phone(browser);
	await signInDirectly(reviewer, 'em-spokes', DEMO_PASSWORD, server.url, `/releases/${releaseId}`);
	await reviewer.getByRole('button', { name: '审查通过，送签发' }).tap();
	await expect(reviewer.getByTestId('release-status')).toHaveText('待签发');

	// ---- the vice-mayor signs it from 待我签发 with his password
	const leader = await phone(browser);
	await signIn(leader, 'vicemayor', DEMO_PASSWORD, server.url);
	await leader.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '发布', exact: true }).tap();
	await ready(leader);
	await leader.getByRole('region', { name: '待我签发' }).getByRole('link', { name: new RegExp(tag) }).tap();
	await expect(leader).toHaveURL(new RegExp(`/releases/${releaseId}/sign/[0-9a-f-]{36}$`));
	await ready(leader);
	const [version] = await db<{ hash: string }[]>`
		select v.hash from releases r join release_versions v on v.release_id = r.id and v.number = r.current_version where r.id = ${releaseId}`;
	const code = version!.hash.slice(0, 4).toUpperCase();
	await leader.getByRole('button', { name: '审签', exact: true }).tap();
	await leader.getByLabel('登录密码').fill(DEMO_PASSWORD);
	await leader.getByRole('button', { name: `签发版本 ${code}` }).tap();
	await expect(leader.getByTestId('sign-outcome')).toHaveText(/^已由 刘志远 于 .+ 签发$/);

	// ---- the press officer records its publication on the government website
	await page.reload();
	await ready(page);
	await expect(page.getByTestId('release-status')).toHaveText('已签发');
	const publish = page.getByRole('form', { name: '登记发布' });
	const publishedAt = fromCstInput(await publish.getByLabel('发布时间').inputValue());
	await publish.getByLabel('链接').fill(`https://www.jiangcheng.gov.cn/xxgk/yjgl/2026/${tag}.html`);
	await publish.getByRole('button', { name: '登记发布' }).tap();
	await expect(page.getByTestId('release-status')).toHaveText('已发布');

	// ---- the item's 48-hour clock is met at the publication time, and the item is answered
	await page.goto(`${server.url}/opinions/${item.id}`);
	await ready(page);
	const met = page.getByRole('article', { name: '回应政务舆情 已按时完成' });
	await expect(met).toContainText('已按时完成');
	await expect(met).toContainText(`完成于 ${cstShown(publishedAt)}`);
	await expect(page.getByTestId('opinion-status')).toHaveText('已回应');
	const respond = page.getByRole('region', { name: '回应', exact: true });
	await expect(respond.getByRole('link', { name: `澄清：${title}` })).toBeVisible();
	await expect(respond).toContainText('已发布');
});

test('a screenshot the server refuses holds its entry in the outbox with everything typed; without it the entry is sent', async ({ context, page }) => {
	test.setTimeout(90_000);
	const server: AppServer = await serveApp({ databaseUrl: database.url, port: await freePort(), buildDir: process.env.E2E_BUILD_DIR, quiet: true, env: { SHUTDOWN_TIMEOUT: '1' } });
	cleanups.push(() => server.stop());
	const db = postgres(database.url, { max: 1, onnotice: () => {} });
	cleanups.push(() => db.end({ timeout: 1 }));

	await signInDirectly(page, 'em-press', DEMO_PASSWORD, server.url, '/opinions/new');
	await context.setOffline(true);
	const tag = randomUUID().slice(0, 8);
	const summary = `市民反映12345热线对江城区积水点的投诉无人回复（${tag}）`;
	await page.getByRole('radio', { name: '12345热线' }).check();
	await page.getByLabel('内容摘要').fill(summary);
	await page.getByRole('radio', { name: '投诉' }).check();
	await page.locator('input[type="file"]').setInputFiles({ name: '热线截图.png', mimeType: 'image/png', buffer: Buffer.from(samplePng()) });
	await expect(page.getByRole('img', { name: '截图 1' })).toBeVisible();
	await page.getByRole('button', { name: '提交舆情' }).click();
	await expect(page.getByRole('status').filter({ hasText: '已保存，待联网后自动提交' })).toBeVisible();

	// The office's limit is now below the screenshot's size: the upload is refused when the signal returns.
	await db`update settings set value = '0.00005' where key = 'files.max_mb'`;
	cleanups.push(() => db`update settings set value = '20' where key = 'files.max_mb'`);
	await context.setOffline(false);
	const outbox = page.getByRole('region', { name: '待提交' });
	await expect(outbox.getByText(/^「截图」“热线截图\.png”未被接受：「文件」超过 .+ MB$/)).toBeVisible({ timeout: 20_000 });
	await expect(outbox).toContainText(`投诉：${summary}`);
	await expect(outbox).toContainText('截图 1 张');
	expect(await db`select id from opinion_items where summary = ${summary}`).toEqual([]);

	// Kept across a reload too: the entry, its text and its picture are on the device.
	await page.reload();
	await ready(page);
	await expect(outbox).toContainText(`投诉：${summary}`);
	await outbox.getByRole('button', { name: '移除截图“热线截图.png”' }).tap();
	await expect(outbox).not.toContainText('截图 1 张');
	await outbox.getByRole('button', { name: '重新提交' }).tap();
	await expect(page.getByRole('region', { name: '待提交' })).toHaveCount(0, { timeout: 10_000 });
	const sent = await db<{ source: string; type: string; screenshotIds: string[] }[]>`
		select s.source, o.type, s.screenshot_ids as "screenshotIds" from opinion_items o join opinion_sightings s on s.item_id = o.id where o.summary = ${summary}`;
	expect(sent).toEqual([{ source: 'hotline_12345', type: 'complaint', screenshotIds: [] }]);
});
