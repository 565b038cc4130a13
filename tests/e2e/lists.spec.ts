// Long lists on a phone: the incident list shows a page, reads the next with 加载更多, finds an incident by two
// Chinese characters of its title, and narrows by level; the opinion board, the missed deadlines, the past
// conferences and the settled notices of the inbox read page after page the same way, with their filters.
import { expect, test } from '@playwright/test';
import postgres from 'postgres';
import { freePort } from '../../scripts/lib/embedded-pg.ts';
import { serveApp } from '../../scripts/lib/serve.ts';
import { cleanupsAfterEach, ownDemoDatabase } from './push-support.ts';
import { DEMO_PASSWORD, ready, shootPhone, signInDirectly } from './support.ts';

const cleanups = cleanupsAfterEach();
// A database of its own: 130 incidents would crowd the lists other specs read.
const database = ownDemoDatabase('huiying_lists');
const SHOTS = process.env.SHOTS_DIR;

test('the incident list reads page after page, searches a Chinese word and filters by level', async ({ page }) => {
	test.setTimeout(SHOTS ? 180_000 : 60_000);
	const db = postgres(database.url, { max: 1, onnotice: () => {} });
	cleanups.push(() => db.end({ timeout: 5 }));
	// Closed incidents of the city's departments, one a day back: old records, as after a few years.
	await db`
		insert into incidents (title, category, level, occurred_at, lead_unit_id, status, closed_at, created_by, client_key, body_hash)
		select case when n % 10 = 0 then '城东仓库火灾' || n else '道路塌陷处置' || n end, 'accident', 3 + n % 2,
			now() - (n + 2) * interval '1 day', u.id, 'closed', now(), p.id, gen_random_uuid(), 'h'
		from generate_series(1, 130) as n,
			(select id from units where kind = 'department' order by name limit 1) u,
			(select id from people where username = 'admin') p`;
	const server = await serveApp({ databaseUrl: database.url, port: await freePort(), buildDir: process.env.E2E_BUILD_DIR, quiet: true, env: { SHUTDOWN_TIMEOUT: '1' } });
	cleanups.push(() => server.stop());

	await signInDirectly(page, 'admin', DEMO_PASSWORD, server.url, '/incidents');
	const list = page.getByRole('list', { name: '突发事件' });
	await expect(list.getByRole('listitem')).toHaveCount(50);
	await shootPhone(page, SHOTS, 'incidents-list');
	await page.getByRole('button', { name: '加载更多' }).tap();
	await expect(list.getByRole('listitem')).toHaveCount(100);
	await expect(page.getByText('已显示 100 件')).toBeVisible();

	await page.getByLabel('搜索事件').fill('火灾');
	await page.getByRole('button', { name: '筛选' }).first().tap();
	await expect(page).toHaveURL(/\?q=%E7%81%AB%E7%81%BE$/);
	await expect(list.getByRole('listitem')).toHaveCount(13);
	for (const title of await list.getByRole('link').allTextContents()) expect(title).toContain('火灾');
	await expect(page.getByRole('button', { name: '加载更多' })).toHaveCount(0);
	await shootPhone(page, SHOTS, 'incidents-search');

	await page.goto(`${server.url}/incidents?q=${encodeURIComponent('火灾')}&level=4`);
	await ready(page);
	await expect(list.getByRole('listitem')).toHaveCount(0);
	await expect(page.getByText('没有符合条件的事件。')).toBeVisible();
	await page.getByRole('link', { name: '清除条件' }).tap();
	await expect(page).toHaveURL(/\/incidents$/);
	await expect(list.getByRole('listitem')).toHaveCount(50);

	// A day the list refuses, from a hand-edited address: said in the list's place, in Chinese; the screen stays.
	await page.goto(`${server.url}/incidents?from=1999-12-31`);
	await ready(page);
	await expect(page.getByRole('alert')).toContainText('2000');
	await expect(page.getByRole('heading', { name: '突发事件' })).toBeVisible();
	await expect(page.getByRole('link', { name: '清除条件' })).toBeVisible();
});

/** The app on this spec's database, stopped after the test. */
async function ownServer() {
	const server = await serveApp({ databaseUrl: database.url, port: await freePort(), buildDir: process.env.E2E_BUILD_DIR, quiet: true, env: { SHUTDOWN_TIMEOUT: '1' } });
	cleanups.push(() => server.stop());
	return server;
}

/** A connection to this spec's database, closed after the test. */
function ownSql() {
	const db = postgres(database.url, { max: 1, onnotice: () => {} });
	cleanups.push(() => db.end({ timeout: 5 }));
	return db;
}

/** The city's first `n` departments by name, as the unit filters offer them. */
async function departments(db: postgres.Sql, n: number): Promise<{ id: string; name: string }[]> {
	return db<{ id: string; name: string }[]>`select id, name from units where kind = 'department' order by name limit ${n}`;
}

test('the opinion board reads page after page, finds a word of the summary and filters by status', async ({ page }) => {
	test.setTimeout(SHOTS ? 180_000 : 60_000);
	const db = ownSql();
	const [unit] = await departments(db, 1);
	// 70 open items (35 waiting for assessment, 35 assessed), one an hour back; every tenth about a tank fire; and
	// 12 closed ones about flooded roads.
	await db`
		insert into opinion_items (unit_id, type, summary, status, first_seen_at, received_at, closed_at, created_by, client_key, body_hash)
		select ${unit!.id}::uuid, 'complaint',
			case when n > 70 then '暴雨后道路积水无人管' || n when n % 10 = 0 then '网传化工园区储罐起火' || n else '市民反映地铁施工噪音扰民' || n end,
			case when n > 70 then 'closed' when n % 2 = 0 then 'awaiting_assessment' else 'assessed' end,
			now() - n * interval '1 hour', now() - n * interval '1 hour', case when n > 70 then now() end,
			p.id, gen_random_uuid(), 'lists-e2e'
		from generate_series(1, 82) as n, (select id from people where username = 'admin') p`;
	await db`
		insert into opinion_sightings (item_id, source, seen_at, captured_by, origin_item_id)
		select id, 'weibo', first_seen_at, created_by, id from opinion_items where body_hash = 'lists-e2e'`;
	const server = await ownServer();

	await signInDirectly(page, 'admin', DEMO_PASSWORD, server.url, '/opinions');
	const list = page.getByRole('list', { name: '政务舆情' });
	await expect(list.getByRole('listitem')).toHaveCount(50);
	await expect(page.getByTestId('awaiting-count')).toHaveText('35 条待研判');
	await expect(page.getByText('已显示 50 条')).toBeVisible();
	// Waiting for assessment first, the longest waiting at the top.
	await expect(list.getByRole('listitem').first()).toContainText('网传化工园区储罐起火70');
	await expect(list.getByRole('listitem').first()).toContainText('待研判');
	await shootPhone(page, SHOTS, 'opinions-list');
	await page.getByRole('button', { name: '加载更多' }).tap();
	await expect(list.getByRole('listitem')).toHaveCount(70);
	await expect(page.getByText('已显示 70 条')).toBeVisible();
	await expect(page.getByRole('button', { name: '加载更多' })).toHaveCount(0);
	const all = await list.locator('.summary').allTextContents();
	expect(new Set(all).size).toBe(70);
	expect(all.some((s) => s.includes('积水'))).toBe(false);
	await page.getByText('已显示 70 条').scrollIntoViewIfNeeded();
	await shootPhone(page, SHOTS, 'opinions-more');

	await page.getByLabel('搜索舆情').fill('储罐');
	await page.getByRole('button', { name: '筛选', exact: true }).tap();
	await expect(page).toHaveURL(/\/opinions\?q=%E5%82%A8%E7%BD%90$/);
	await expect(list.getByRole('listitem')).toHaveCount(7);
	expect((await list.locator('.summary').allTextContents()).sort()).toEqual([10, 20, 30, 40, 50, 60, 70].map((n) => `网传化工园区储罐起火${n}`).sort());
	await expect(page.getByText('已显示 7 条')).toBeVisible();
	await expect(page.getByRole('button', { name: '加载更多' })).toHaveCount(0);
	await shootPhone(page, SHOTS, 'opinions-search');

	await page.getByRole('link', { name: '清除条件' }).tap();
	await expect(page).toHaveURL(/\/opinions$/);
	await expect(list.getByRole('listitem')).toHaveCount(50);
	await expect(page.getByLabel('搜索舆情')).toHaveValue('');

	await page.getByText('更多条件').tap();
	await page.getByLabel('状态').selectOption('closed');
	await expect(page).toHaveURL(/\/opinions\?status=closed$/);
	await expect(list.getByRole('listitem')).toHaveCount(12);
	for (const summary of await list.locator('.summary').allTextContents()) expect(summary).toMatch(/^暴雨后道路积水无人管\d+$/);
	for (const item of await list.getByRole('listitem').all()) await expect(item).toContainText('已结束');
	await expect(page.getByText('已显示 12 条')).toBeVisible();
	await shootPhone(page, SHOTS, 'opinions-closed');
	await page.getByRole('link', { name: '清除条件' }).tap();
	await expect(page).toHaveURL(/\/opinions$/);
	await expect(list.getByRole('listitem')).toHaveCount(50);
	await expect(page.getByLabel('状态')).toHaveValue('open');
});

test('the past conferences read page after page', async ({ page }) => {
	test.setTimeout(SHOTS ? 120_000 : 60_000);
	const db = ownSql();
	const [unit] = await departments(db, 1);
	// 40 held over the last 40 days, and none to come.
	await db`
		insert into conferences (unit_id, kind, title, planned_at, held_at, status, created_by)
		select ${unit!.id}::uuid, 'press_conference', '往期发布会' || n, now() - n * interval '1 day', now() - n * interval '1 day', 'held', p.id
		from generate_series(1, 40) as n, (select id from people where username = 'admin') p`;
	const server = await ownServer();

	await signInDirectly(page, 'admin', DEMO_PASSWORD, server.url, '/conferences');
	await expect(page.getByRole('region', { name: '待召开' })).toContainText('没有待召开的发布会');
	const past = page.getByRole('region', { name: '已召开和取消的' });
	const titles = () => past.getByRole('listitem').locator('.title').allTextContents();
	await expect(past.getByRole('listitem')).toHaveCount(30);
	// Latest first.
	expect(await titles()).toEqual(Array.from({ length: 30 }, (_, n) => `往期发布会${n + 1}`));
	await expect(past.getByRole('listitem').first()).toContainText('已召开');
	await expect(past.getByRole('listitem').first()).toContainText(unit!.name);
	await shootPhone(page, SHOTS, 'conferences-list');
	await past.getByRole('button', { name: '加载更多' }).tap();
	await expect(past.getByRole('listitem')).toHaveCount(40);
	expect(await titles()).toEqual(Array.from({ length: 40 }, (_, n) => `往期发布会${n + 1}`));
	await expect(page.getByRole('button', { name: '加载更多' })).toHaveCount(0);
	await past.getByRole('listitem').last().scrollIntoViewIfNeeded();
	await shootPhone(page, SHOTS, 'conferences-more');
});

test('the settled notices of the inbox read page after page under the open ones', async ({ page }) => {
	test.setTimeout(SHOTS ? 120_000 : 60_000);
	const db = ownSql();
	// For 王敏: 2 open notices and 40 settled ones, settled a minute apart.
	await db`
		insert into notifications (person_id, kind, urgency, title, body, url, created_at, settled_at, settled_as, settled_note)
		select p.id, 'alert', 'normal',
			jsonb_build_object('key', 'common.verbatim', 'params', jsonb_build_object('text', case when n <= 2 then '待办通知' else '已办通知' end || n)),
			jsonb_build_object('key', 'common.verbatim', 'params', jsonb_build_object('text', '请查看。')), '/inbox', now() - n * interval '1 hour',
			case when n > 2 then now() - n * interval '1 minute' end,
			case when n > 2 then 'met' end,
			case when n > 2 then jsonb_build_object('key', 'common.verbatim', 'params', jsonb_build_object('text', '权威信息已发布')) end
		from generate_series(1, 42) as n, (select id from people where username = 'admin') p`;
	const server = await ownServer();

	await signInDirectly(page, 'admin', DEMO_PASSWORD, server.url, '/inbox');
	const open = page.getByTestId('inbox-open');
	await expect(open.getByRole('heading', { level: 2 })).toHaveText('待办 2');
	await expect(open.getByRole('heading', { level: 3 })).toHaveText(['待办通知1', '待办通知2']);
	const done = page.getByTestId('inbox-done');
	const titles = () => done.locator('.title').allTextContents();
	await expect(done.getByRole('article')).toHaveCount(30);
	// Latest settled first.
	expect(await titles()).toEqual(Array.from({ length: 30 }, (_, n) => `已办通知${n + 3}`));
	await expect(done.getByRole('article').first()).toContainText('已按时完成：权威信息已发布');
	await shootPhone(page, SHOTS, 'inbox-list');
	await done.getByRole('button', { name: '加载更多' }).tap();
	await expect(done.getByRole('article')).toHaveCount(40);
	expect(await titles()).toEqual(Array.from({ length: 40 }, (_, n) => `已办通知${n + 3}`));
	await expect(page.getByRole('button', { name: '加载更多' })).toHaveCount(0);
	await done.getByRole('article').last().scrollIntoViewIfNeeded();
	await shootPhone(page, SHOTS, 'inbox-more');
});

// Last: the clock engine of a later server could send notices for its breached clocks, which the inbox test counts.
test('the missed deadlines read page after page and narrow to a unit and a period', async ({ page }) => {
	test.setTimeout(SHOTS ? 180_000 : 60_000);
	const db = ownSql();
	const [a, b] = await departments(db, 2);
	// 40 missed 5-hour release clocks, one a day back from 2026-06-01 (due at 17:00 China time): 30 of A's, 10 of B's.
	await db`
		with made as (
			insert into incidents (title, category, level, occurred_at, lead_unit_id, status, closed_at, created_by, client_key, body_hash)
			select '超时事件' || n, 'accident', 2, '2026-06-01T12:00:00+08:00'::timestamptz - n * interval '1 day',
				case when n < 30 then ${a!.id}::uuid else ${b!.id}::uuid end, 'closed', now(), p.id, gen_random_uuid(), 'lists-e2e'
			from generate_series(0, 39) as n, (select id from people where username = 'admin') p
			returning id, lead_unit_id, occurred_at
		), clocked as (
			insert into clocks (rule_key, subject, subject_id, unit_id, rule_name, satisfied_by, ladder, starts_at, due_at, started_at, status)
			select r.key, 'incident', m.id, m.lead_unit_id, r.name, r.satisfied_by, r.ladder, m.occurred_at, m.occurred_at + interval '5 hours', m.occurred_at, 'breached'
			from made m cross join clock_rules r where r.key = 'incident.authoritative_release'
			returning id, unit_id, due_at
		)
		insert into breaches (clock_id, unit_id, due_at, breached_at) select id, unit_id, due_at, due_at from clocked`;
	const server = await ownServer();
	const titles = async () => (await page.getByRole('article').getByRole('heading', { level: 2 }).allTextContents()).map((h) => h.match(/超时事件\d+/)?.[0]);

	// The demo's own clocks may be missed while the test runs (a breach recorded now sorts first): the spring of 2026 holds
	// only these.
	await signInDirectly(page, 'admin', DEMO_PASSWORD, server.url, '/admin/breaches?from=2026-03-01&to=2026-06-30');
	await expect(page.getByRole('heading', { name: '超时与问责', level: 1 })).toBeVisible();
	await expect(page.getByRole('article')).toHaveCount(30);
	// Newest first.
	expect(await titles()).toEqual(Array.from({ length: 30 }, (_, n) => `超时事件${n}`));
	await expect(page.getByRole('article').first()).toContainText(a!.name);
	await shootPhone(page, SHOTS, 'breaches-list');
	await page.getByRole('button', { name: '加载更多' }).tap();
	await expect(page.getByRole('article')).toHaveCount(40);
	expect(await titles()).toEqual(Array.from({ length: 40 }, (_, n) => `超时事件${n}`));
	await expect(page.getByRole('button', { name: '加载更多' })).toHaveCount(0);

	await page.getByLabel('所属单位').selectOption(b!.id);
	await page.getByRole('button', { name: '筛选', exact: true }).tap();
	await expect(page).toHaveURL(new RegExp(`/admin/breaches\\?unit=${b!.id}&from=2026-03-01&to=2026-06-30$`));
	await expect(page.getByRole('article')).toHaveCount(10);
	expect(await titles()).toEqual(Array.from({ length: 10 }, (_, n) => `超时事件${n + 30}`));
	for (const card of await page.getByRole('article').all()) await expect(card).toContainText(b!.name);
	await expect(page.getByRole('button', { name: '加载更多' })).toHaveCount(0);

	// Due from 25 to 28 April: 34 to 37 days before 1 June.
	await page.getByLabel('超时日期从').fill('2026-04-25');
	await page.getByLabel('至', { exact: true }).fill('2026-04-28');
	await page.getByRole('button', { name: '筛选', exact: true }).tap();
	await expect(page).toHaveURL(new RegExp(`/admin/breaches\\?unit=${b!.id}&from=2026-04-25&to=2026-04-28$`));
	await expect(page.getByRole('article')).toHaveCount(4);
	expect(await titles()).toEqual(['超时事件34', '超时事件35', '超时事件36', '超时事件37']);
	await expect(page.getByRole('article').first()).toContainText('4月28日 17:00');
	await shootPhone(page, SHOTS, 'breaches-filtered');

	await page.getByRole('link', { name: '清除条件' }).tap();
	await expect(page).toHaveURL(/\/admin\/breaches$/);
	await expect(page.getByRole('article')).toHaveCount(30);
});

test('the people of a province read page after page, are found by name, and a unit’s principal is picked by typing', async ({ page }) => {
	test.setTimeout(SHOTS ? 180_000 : 60_000);
	const db = ownSql();
	const [unit] = await departments(db, 1);
	// 90 more people in one department, and three whose surname is searched for: more than a page of 50, and more
	// than a picker may ever load.
	await db`
		insert into people (name, username, unit_id, roles, password_hash)
		select case when n <= 3 then '欧阳明' || n else '同事' || lpad(n::text, 3, '0') end, 'lists-person-' || n, ${unit!.id}::uuid,
			case when n <= 3 then array['principal'] else array['duty'] end, 'not-a-hash'
		from generate_series(1, 93) as n`;
	const [counted] = await db<{ total: number }[]>`select count(*)::int as total from people`;
	const total = counted!.total;
	const server = await ownServer();

	await signInDirectly(page, 'admin', DEMO_PASSWORD, server.url, '/admin/people');
	const list = page.getByRole('list', { name: '人员管理' });
	await expect(list.getByRole('listitem')).toHaveCount(50);
	await expect(page.getByText('已显示 50 人')).toBeVisible();
	await shootPhone(page, SHOTS, 'people-list');
	await page.getByRole('button', { name: '加载更多' }).tap();
	await expect(list.getByRole('listitem')).toHaveCount(Math.min(100, total));
	const names = await list.locator('.title').allTextContents();
	expect(new Set(names).size).toBe(names.length);
	await page.getByText(`已显示 ${Math.min(100, total)} 人`).scrollIntoViewIfNeeded();
	await shootPhone(page, SHOTS, 'people-more');

	await page.getByLabel('搜索人员').fill('欧阳');
	await page.getByRole('button', { name: '筛选', exact: true }).first().tap();
	await expect(page).toHaveURL(/\/admin\/people\?q=%E6%AC%A7%E9%98%B3$/);
	expect(await list.locator('.title').allTextContents()).toEqual(['欧阳明1', '欧阳明2', '欧阳明3']);
	await expect(page.getByRole('button', { name: '加载更多' })).toHaveCount(0);
	await shootPhone(page, SHOTS, 'people-search');

	await page.getByLabel('搜索人员').fill('无此人');
	await page.getByRole('button', { name: '筛选', exact: true }).first().tap();
	await expect(page.getByText('没有符合条件的人员。')).toBeVisible();
	await page.getByRole('link', { name: '清除条件' }).tap();
	await expect(page).toHaveURL(/\/admin\/people$/);
	await expect(list.getByRole('listitem')).toHaveCount(50);

	// The unit's principal: typed, not chosen from every person of the province.
	await page.goto(`${server.url}/admin/units/${unit!.id}`);
	await ready(page);
	const principal = page.getByRole('combobox', { name: '主要负责人' });
	// Only what answers the words typed is offered. The field offers the first people when it takes focus (欧阳明2 is
	// the 8th); once 欧阳明2 is typed they go at once, and nothing is offered until the answer for the typed words
	// comes: a finger reaching for the 8th row would otherwise land below the list when that answer shrank it.
	const offered = page.getByRole('listbox').getByRole('option');
	await principal.tap();
	await expect(offered).toHaveCount(8);
	let answer!: () => void;
	const held = new Promise<void>((ok) => (answer = ok));
	await page.route(
		(url) => url.pathname.endsWith('/person.list') && url.searchParams.get('input')!.includes('欧阳明2'),
		async (route) => {
			await held;
			await route.continue();
		}
	);
	await principal.fill('欧阳明2');
	await expect(page.getByText('正在查找…')).toBeVisible();
	await expect(offered).toHaveCount(0);
	answer();
	await expect(offered).toHaveText([/欧阳明2/]);
	await page.unrouteAll();
	await page.getByRole('option', { name: /欧阳明2/ }).tap();
	await expect(principal).toHaveValue(`欧阳明2（${unit!.name}）`);
	await shootPhone(page, SHOTS, 'unit-principal-picked');
	await page.getByRole('button', { name: '保存' }).tap();
	await expect(page.getByText('已保存')).toBeVisible();
	const [saved] = await db<{ name: string }[]>`select p.name from units u join people p on p.id = u.principal_id where u.id = ${unit!.id}`;
	expect(saved?.name).toBe('欧阳明2');

	// A confidentiality reviewer of the unit's chain: found by typing too, and named by the chain once saved.
	await page.goto(`${server.url}/admin/chains`);
	await ready(page);
	const chain = page.locator('details').filter({ has: page.locator('summary > .grow', { hasText: unit!.name }) });
	await chain.locator('summary').tap();
	const reviewer = chain.getByRole('combobox', { name: '保密审查人' });
	await reviewer.fill('欧阳明3');
	await expect(chain.getByRole('listbox').getByRole('option')).toHaveText([/欧阳明3/]);
	await page.getByRole('option', { name: /欧阳明3/ }).tap();
	await expect(chain.getByRole('checkbox', { name: /欧阳明3/ })).toBeChecked();
	await expect(reviewer).toHaveValue('');
	await shootPhone(page, SHOTS, 'chain-reviewer-added');
	await chain.getByRole('button', { name: '保存' }).tap();
	await expect(chain.getByText('已保存')).toBeVisible();
	await page.reload();
	await ready(page);
	await expect(chain.locator('summary')).toContainText('保密审查：欧阳明3');
});
