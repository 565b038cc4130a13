// A policy document and its interpretation package, on phones: the emergency bureau's press officer drafts
// it with its plan, a text interpretation and a graphic (a PNG picked through the file input), and sends the
// package up; the bureau's spokesperson passes its confidentiality review; the vice-mayor reads the whole
// bundle and signs it off with his password; the officer publishes the document alone, which starts the
// 3-working-day clock for the materials (counted on the working-day calendar), and publishing the materials
// meets it.
import { randomUUID } from 'node:crypto';
import { expect, test, type Browser, type Page } from '@playwright/test';
import postgres from 'postgres';
import { freePort } from '../../scripts/lib/embedded-pg.ts';
import { serveApp, type AppServer } from '../../scripts/lib/serve.ts';
import { samplePng } from '../support/sample-files.ts';
import { cleanupsAfterEach, ownDemoDatabase, signInApi } from './push-support.ts';
import { DEMO_PASSWORD, ready, shootPhone, signIn, signInDirectly } from './support.ts';

const cleanups = cleanupsAfterEach();
// A database of its own: the vice-mayor must sign with his password, so no passkey of another test may be on him.
const database = ownDemoDatabase('huiying_documents');

/** Another person's phone, closed after the test. */
async function phone(browser: Browser): Promise<Page> {
	const context = await browser.newContext();
	cleanups.push(() => context.close());
	return context.newPage();
}

/** The same minute as the app writes it: `2026年11月22日 14:05`. */
function cstShown(input: string): string {
	const [, y, mo, d, hm] = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2})$/.exec(input)!;
	return `${y}年${Number(mo)}月${Number(d)}日 ${hm}`;
}

/** A working-day deadline as the app writes it: the close of the last working day, `…日 24:00`. */
function closeOfDayShown(isoDate: string): string {
	const [y, mo, d] = isoDate.split('-').map(Number);
	return `${y}年${mo}月${d}日 24:00`;
}

test('a document with its interpretation package is reviewed, signed as one bundle, published alone, and its materials meet the 3-working-day clock', async ({ browser, page }) => {
	test.setTimeout(120_000);
	const server: AppServer = await serveApp({ databaseUrl: database.url, port: await freePort(), buildDir: process.env.E2E_BUILD_DIR, quiet: true, env: { SHUTDOWN_TIMEOUT: '1' } });
	cleanups.push(() => server.stop());
	const db = postgres(database.url, { max: 1, onnotice: () => {} });
	cleanups.push(() => db.end({ timeout: 1 }));
	await db`delete from passkeys where person_id = (select id from people where username = 'vicemayor')`;

	// ---- the press officer drafts the document with its interpretation plan
	await signIn(page, 'em-press', DEMO_PASSWORD, server.url);
	// 文件 sits under 发布: the strip of the publishing section leads there.
	await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '发布', exact: true }).tap();
	await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '文件' }).tap();
	await ready(page);
	await page.getByRole('link', { name: '新建文件' }).tap();
	await expect(page).toHaveURL(`${server.url}/documents/new`);
	await ready(page);
	const title = `江城市自然灾害救助办法-${randomUUID().slice(0, 8)}`;
	await page.getByLabel('标题').fill(title);
	await page.getByLabel('文号').fill('江应急发〔2026〕8号');
	// 谁起草、谁解读: the bureau drafts and interprets.
	await expect(page.getByLabel('起草单位')).toHaveValue(/.+/);
	await expect(page.getByLabel('起草单位').locator('option:checked')).toHaveText('江城市应急管理局');
	await expect(page.getByLabel('解读单位').locator('option:checked')).toHaveText('与起草单位相同（谁起草、谁解读）');
	await page.getByLabel('正文或摘要').fill('第一条　为规范自然灾害救助工作，保障受灾人员基本生活，制定本办法。\n第二条　本办法适用于本市行政区域内的自然灾害救助工作。');
	await expect(page.getByRole('radio', { name: '主动公开' })).toBeChecked();
	await page.getByLabel('解读人').fill('市应急管理局局长 周涛');
	await page.getByLabel('解读方式').fill('文字解读、图解');
	await page.getByRole('checkbox', { name: '政府网站' }).check();
	await page.getByRole('checkbox', { name: '政务微信' }).check();
	await page.getByLabel('解读时间').fill('与文件同步发布');
	await page.getByRole('button', { name: '保存文件' }).tap();
	await expect(page).toHaveURL(new RegExp(`^${server.url}/documents/[0-9a-f-]{36}$`));
	const documentId = new URL(page.url()).pathname.split('/').pop()!;
	await ready(page);
	await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
	await expect(page.getByTestId('document-status')).toHaveText('起草中');
	// No package yet: the sign-off waits for a material, and says so.
	await expect(page.getByTestId('document-gate')).toHaveText('送审签前须添加至少一份解读材料，或写明免于解读的理由。');
	await expect(page.getByRole('button', { name: '送审签（文件与解读材料一并）' })).toBeDisabled();

	// ---- a text interpretation
	const textForm = page.getByRole('form', { name: '添加解读材料' });
	await expect(textForm.getByLabel('材料类型')).toHaveValue('text');
	await textForm.getByLabel('标题').fill('一图读懂前的文字解读：救助办法六大看点');
	await textForm.getByLabel('正文').fill('看点一：救助标准随物价动态调整。\n看点二：受灾群众24小时内得到基本生活救助。');
	await textForm.getByRole('button', { name: '保存这份材料' }).tap();
	const text = page.getByRole('article', { name: '一图读懂前的文字解读：救助办法六大看点' });
	await expect(text).toContainText('文字解读');
	await expect(text).toContainText('未发布');

	// ---- a graphic: a PNG picked through the file input, in the same form, emptied once the text was saved
	const graphicForm = page.getByRole('form', { name: '添加解读材料' });
	await expect(graphicForm.getByLabel('标题')).toHaveValue('');
	await graphicForm.getByLabel('材料类型').selectOption({ label: '图解' });
	await graphicForm.getByLabel('标题').fill('一图读懂《江城市自然灾害救助办法》');
	await graphicForm.locator('input[type="file"]').setInputFiles({ name: '一图读懂.png', mimeType: 'image/png', buffer: Buffer.from(samplePng()) });
	await expect(graphicForm.getByRole('link', { name: '打开“一图读懂.png”' })).toBeVisible();
	await graphicForm.getByRole('button', { name: '保存这份材料' }).tap();
	const graphic = page.getByRole('article', { name: '一图读懂《江城市自然灾害救助办法》' });
	await expect(graphic).toContainText('图解');
	await expect(graphic.getByRole('link', { name: '一图读懂.png' })).toHaveAttribute('href', /^\/files\/[0-9a-f-]{36}$/);
	await expect(page.getByRole('heading', { name: '解读材料（2）' })).toBeVisible();

	// ---- the package goes up for review and sign-off together
	await expect(page.getByTestId('document-gate')).toHaveCount(0);
	await page.getByRole('button', { name: '送审签（文件与解读材料一并）' }).tap();
	await expect(page.getByTestId('document-status')).toHaveText('保密审查中');

	// ---- the bureau's spokesperson, its confidentiality reviewer, passes it on to sign-off
	const reviewer = await phone(browser);
	await signInDirectly(reviewer, 'em-spokes', DEMO_PASSWORD, server.url, `/documents/${documentId}`);
	await reviewer.getByRole('button', { name: '审查通过，送签发' }).tap();
	await expect(reviewer.getByTestId('document-status')).toHaveText('待签发');

	// ---- the vice-mayor opens it from 待我签发 and reads the whole bundle
	const [request] = await db<{ id: string; versionHash: string }[]>`
		select id, version_hash as "versionHash" from signoff_requests where document_id = ${documentId} and seat = 'sign' and status = 'open'`;
	expect(request).toBeDefined();
	const code = request!.versionHash.slice(0, 4).toUpperCase();
	const leader = await phone(browser);
	await signIn(leader, 'vicemayor', DEMO_PASSWORD, server.url);
	await leader.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '发布', exact: true }).tap();
	await leader.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '文件' }).tap();
	await ready(leader);
	await leader.getByRole('region', { name: '待我签发' }).getByRole('link', { name: new RegExp(title) }).tap();
	await expect(leader).toHaveURL(`${server.url}/documents/${documentId}/sign/${request!.id}`);
	await ready(leader);
	await expect(leader.getByRole('heading', { level: 1, name: title })).toBeVisible();
	await expect(leader.getByTestId('sign-code')).toHaveText(`版本 ${code}`);
	await expect(leader.getByTestId('sign-body').locator('p')).toHaveText([
		'第一条　为规范自然灾害救助工作，保障受灾人员基本生活，制定本办法。',
		'第二条　本办法适用于本市行政区域内的自然灾害救助工作。'
	]);
	await expect(leader.getByText('本次签发覆盖文件及 2 份解读材料')).toBeVisible();
	const materials = leader.getByTestId('sign-material');
	await expect(materials).toHaveCount(2);
	await expect(materials.nth(0)).toContainText('文字解读');
	await expect(materials.nth(0)).toContainText('看点二：受灾群众24小时内得到基本生活救助。');
	await expect(materials.nth(1)).toContainText('图解');
	await expect(materials.nth(1).getByRole('link', { name: '一图读懂.png' })).toBeVisible();
	await leader.getByRole('button', { name: '审签', exact: true }).tap();
	await leader.getByLabel('登录密码').fill(DEMO_PASSWORD);
	await leader.getByRole('button', { name: `签发版本 ${code}` }).tap();
	await expect(leader.getByTestId('sign-outcome')).toHaveText(/^已由 刘志远 于 \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2} 签发$/);
	const approvals = await db<{ factor: string; versionHash: string; at: Date }[]>`
		select factor, version_hash as "versionHash", at from approvals where document_id = ${documentId} and voided_at is null`;
	expect(approvals).toEqual([{ factor: 'password', versionHash: request!.versionHash, at: expect.any(Date) }]);

	// ---- the press officer publishes the document alone: the materials have 3 working days
	await page.reload();
	await ready(page);
	await expect(page.getByTestId('document-status')).toHaveText('已签发');
	const publish = page.getByRole('form', { name: '登记发布' });
	await publish.getByRole('radio', { name: '仅发布文件（解读材料3个工作日内发布）' }).check();
	const publishedAt = await publish.getByLabel('发布时间').inputValue();
	// The time offered is now, and never before the minute of the approval.
	expect(Date.parse(`${publishedAt}:00+08:00`)).toBeGreaterThanOrEqual(Math.floor(approvals[0]!.at.getTime() / 60_000) * 60_000);
	await publish.getByLabel('链接').fill('https://www.jiangcheng.gov.cn/xxgk/zcwj/2026/jiuzhu.html');
	await publish.getByRole('button', { name: '登记发布' }).tap();
	await expect(page.getByTestId('document-status')).toHaveText('已发布');
	await expect(page.getByText(`文件已于 ${cstShown(publishedAt)} 发布`)).toBeVisible();

	// The deadline is the end of the third working day after publication, on the office's calendar.
	const press = await signInApi(cleanups, server, 'em-press');
	const res = await press.get(`${server.url}/api/trpc/calendar.addWorkingDays?input=${encodeURIComponent(JSON.stringify({ date: publishedAt.slice(0, 10), days: 3 }))}`);
	expect(res.status()).toBe(200);
	const lastDay = ((await res.json()) as { result: { data: { date: string } } }).result.data.date;
	const clock = page.getByRole('article', { name: /^发布政策解读材料 剩余 / });
	await expect(clock).toContainText('计时中');
	await expect(clock).toContainText(`时限 ${closeOfDayShown(lastDay)}`);
	// Its first step tells the press office; 收到 is right here, where the notice leads.
	const acknowledge = page.getByRole('button', { name: '收到', exact: true });
	await expect
		.poll(async () => {
			await page.reload();
			await ready(page);
			return acknowledge.count();
		}, { timeout: 20_000 })
		.toBe(1);
	await acknowledge.tap();
	await expect(acknowledge).toHaveCount(0);
	await expect(clock).toContainText('计时中');

	// ---- the materials follow: the clock is met
	const later = page.getByRole('form', { name: '发布解读材料' });
	await expect(later.getByRole('checkbox', { name: /一图读懂《江城市自然灾害救助办法》/ })).toBeChecked();
	await expect(later.getByRole('checkbox', { name: /救助办法六大看点/ })).toBeChecked();
	const materialsAt = await later.getByLabel('发布时间').inputValue();
	expect(materialsAt >= publishedAt).toBe(true);
	await later.getByLabel('链接').fill('https://www.jiangcheng.gov.cn/xxgk/zcjd/2026/jiuzhu.html');
	await later.getByRole('button', { name: '登记解读材料发布' }).tap();
	const met = page.getByRole('article', { name: '发布政策解读材料 已按时完成' });
	await expect(met).toContainText('已按时完成');
	await expect(met).toContainText(`完成于 ${cstShown(materialsAt)}`);
	await expect(later).toHaveCount(0);
	await expect(page.getByRole('article', { name: '一图读懂《江城市自然灾害救助办法》' })).toContainText(`已发布 ${cstShown(materialsAt)}`);
});

test('the document list reads page after page and finds a document by two Chinese characters of its title', async ({ page }) => {
	test.setTimeout(process.env.SHOTS_DIR ? 180_000 : 60_000);
	const db = postgres(database.url, { max: 1, onnotice: () => {} });
	cleanups.push(() => db.end({ timeout: 1 }));
	// Documents published over the past years by one department: a list longer than a page.
	const mark = randomUUID().slice(0, 6);
	await db`
		with made as (
			insert into documents (unit_id, interpreting_unit_id, drafter_id, status, published_at, current_version, created_by, created_at, updated_at)
			select u.id, u.id, p.id, 'published', now() - n * interval '3 days', 1, p.id, now() - n * interval '3 days', now() - n * interval '3 days'
			from generate_series(1, 60) as n, (select id from units where kind = 'department' order by name limit 1) u, (select id from people where username = 'admin') p
			returning id, created_by, updated_at)
		insert into document_versions (document_id, number, title, doc_number, disclosure, hash, created_by)
		select id, 1, case when k % 12 = 0 then '关于做好防汛抗旱工作的意见-' || ${mark} else '关于加强安全生产工作的通知-' || ${mark} end,
			'江政办发〔2026〕' || k || '号', 'proactive', encode(sha256(convert_to(id::text, 'UTF8')), 'hex'), created_by
		from (select *, row_number() over (order by updated_at) as k from made) m`;
	const server: AppServer = await serveApp({ databaseUrl: database.url, port: await freePort(), buildDir: process.env.E2E_BUILD_DIR, quiet: true, env: { SHUTDOWN_TIMEOUT: '1' } });
	cleanups.push(() => server.stop());

	await signInDirectly(page, 'admin', DEMO_PASSWORD, server.url, '/documents');
	const list = page.getByRole('list', { name: '文件', exact: true });
	await expect(list.getByRole('listitem')).toHaveCount(50);
	await shootPhone(page, process.env.SHOTS_DIR, 'documents-list');
	await page.getByRole('button', { name: '加载更多' }).tap();
	await expect(list.getByRole('listitem')).not.toHaveCount(50);
	expect(await list.getByRole('listitem').count()).toBeGreaterThan(50);
	await expect(page.getByRole('button', { name: '加载更多' })).toHaveCount(0);

	await page.getByLabel('搜索文件').fill(`防汛 ${mark}`);
	await page.getByRole('button', { name: '筛选' }).first().tap();
	await expect(list.getByRole('listitem')).toHaveCount(5);
	await expect(page.getByText('已显示 5 件')).toBeVisible();
	await shootPhone(page, process.env.SHOTS_DIR, 'documents-search');
});
