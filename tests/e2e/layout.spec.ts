// The phone in the field: every main screen of the press officer and of the office administrator, on a 390 px
// and a 360 px phone, never scrolls sideways and offers no target a thumb can miss (under 44 px), and axe finds
// no serious or critical accessibility fault in the light or the dark theme. Each failure lists every offender.
import { randomUUID } from 'node:crypto';
import AxeBuilder from '@axe-core/playwright';
import axe from 'axe-core';
import { expect, request, test, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { DEMO_PASSWORD, ready, signInRequest } from './support.ts';

test.describe.configure({ mode: 'parallel' });

const PHONE = { width: 390, height: 844 };
const SMALL_PHONE = { width: 360, height: 780 };
const PHONES = [PHONE, SMALL_PHONE];

// A published address as long as the ones government sites hand out: one word with no place to break.
const LONG_URL = `https://www.jiangcheng.gov.cn/zwgk/xwfb/qwfb/${'202611220001'.repeat(6)}/content_${'a1b2c3d4'.repeat(5)}.html`;

interface Screen {
	name: string;
	path: string;
}

interface Seeded {
	incidentId: string;
	opinionId: string;
	publishedReleaseId: string;
	approvedReleaseId: string;
	documentId: string;
	conferenceId: string;
	unitId: string;
	personId: string;
}

type Api = APIRequestContext & { base: string };

async function apiAs(base: string, login: string): Promise<Api> {
	const api = await request.newContext();
	await signInRequest(api, base, login, DEMO_PASSWORD);
	return Object.assign(api, { base });
}

async function call<T>(api: Api, procedure: string, input: unknown): Promise<T> {
	const res = await api.post(`${api.base}/api/trpc/${procedure}`, { data: input, headers: { origin: api.base, 'content-type': 'application/json' } });
	expect(res.status(), `${procedure}: ${await res.text()}`).toBe(200);
	return ((await res.json()) as { result: { data: T } }).result.data;
}

async function query<T>(api: Api, procedure: string, input?: unknown): Promise<T> {
	const q = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
	const res = await api.get(`${api.base}/api/trpc/${procedure}${q}`);
	expect(res.status(), `${procedure}: ${await res.text()}`).toBe(200);
	return ((await res.json()) as { result: { data: T } }).result.data;
}

/** A release of the bureau drafted, reviewed and signed (with the vice-mayor's password) through the API. */
async function approvedRelease(press: Api, spokes: Api, leader: Api, incidentId: string, title: string): Promise<string> {
	const r = await call<{ id: string }>(press, 'release.create', {
		clientKey: randomUUID(),
		kind: 'authoritative',
		incidentId,
		title,
		body: '园区周边 **6 个监测点** 数据均已恢复正常，请市民不信谣、不传谣。',
		channels: ['gov_website', 'gov_weibo']
	});
	await call(press, 'release.submit', { id: r.id });
	await call(spokes, 'signoff.review', { kind: 'release', id: r.id, version: 1, decision: 'passed' });
	const seen = await query<{ can: { sign: string[] }; requests: { id: string; versionHash: string }[] }>(leader, 'release.byId', { id: r.id });
	const requestId = seen.can.sign[0]!;
	const versionHash = seen.requests.find((q) => q.id === requestId)!.versionHash;
	await call(leader, 'signoff.approve', { kind: 'release', id: r.id, requestId, versionHash, proof: { kind: 'password', password: DEMO_PASSWORD } });
	return r.id;
}

async function seed(base: string): Promise<Seeded> {
	const apis = await Promise.all(['em-duty', 'em-press', 'em-spokes', 'vicemayor', 'admin'].map((l) => apiAs(base, l)));
	const [duty, press, spokes, leader, admin] = apis as [Api, Api, Api, Api, Api];
	try {
		const units = await query<{ id: string; name: string }[]>(admin, 'unit.list');
		const bureau = units.find((u) => u.name === '江城市应急管理局')!;
		const chen = await query<{ items: { id: string; name: string }[] }>(admin, 'person.list', { q: '陈静' });
		const incident = await call<{ id: string }>(duty, 'incident.create', {
			clientKey: randomUUID(),
			title: '江城市化工园区储罐泄漏（排版检查）',
			category: 'accident',
			level: 2,
			occurredAt: new Date().toISOString(),
			location: '江城市化工园区东区三号储罐',
			leadUnitId: bureau.id,
			description: ''
		});
		const opinion = await call<{ id: string }>(press, 'opinion.create', {
			clientKey: randomUUID(),
			source: 'weibo',
			url: LONG_URL,
			summary: '网传化工园区储罐爆炸、周边居民需连夜撤离，相关视频转发量较大。',
			firstSeenAt: new Date().toISOString(),
			type: 'rumour',
			unitId: bureau.id
		});
		const publishedReleaseId = await approvedRelease(press, spokes, leader, incident.id, '关于化工园区储罐泄漏处置情况的通报');
		await call(press, 'release.publish', { id: publishedReleaseId, publications: [{ channel: 'gov_website', url: LONG_URL, publishedAt: new Date().toISOString() }] });
		const approvedReleaseId = await approvedRelease(press, spokes, leader, incident.id, '关于化工园区周边空气质量监测结果的通报');
		const document = await call<{ id: string }>(press, 'document.create', {
			clientKey: randomUUID(),
			title: '江城市危险化学品安全专项整治实施方案',
			docNumber: '江应急〔2026〕12号',
			body: '为深入贯彻落实安全生产工作部署，制定本方案。',
			disclosure: 'proactive'
		});
		const conference = await call<{ id: string }>(press, 'conference.create', {
			kind: 'press_conference',
			title: '化工园区储罐泄漏处置情况新闻发布会',
			incidentId: incident.id,
			plannedAt: new Date(Date.now() + 6 * 3_600_000).toISOString(),
			place: '市政府新闻发布厅'
		});
		return {
			incidentId: incident.id,
			opinionId: opinion.id,
			publishedReleaseId,
			approvedReleaseId,
			documentId: document.id,
			conferenceId: conference.id,
			unitId: bureau.id,
			personId: chen.items.find((p) => p.name === '陈静')!.id
		};
	} finally {
		await Promise.all(apis.map((a) => a.dispose()));
	}
}

const pressScreens = (s: Seeded): Screen[] => [
	{ name: '工作台', path: '/' },
	{ name: '事件', path: '/incidents' },
	{ name: '事件详情', path: `/incidents/${s.incidentId}` },
	{ name: '登记事件', path: '/incidents/new' },
	{ name: '舆情', path: '/opinions' },
	{ name: '舆情详情', path: `/opinions/${s.opinionId}` },
	{ name: '登记舆情', path: '/opinions/new' },
	{ name: '发布', path: '/releases' },
	{ name: '发布详情（已发布、长网址）', path: `/releases/${s.publishedReleaseId}` },
	{ name: '发布详情（发布表单）', path: `/releases/${s.approvedReleaseId}` },
	{ name: '新建发布', path: '/releases/new' },
	{ name: '文件', path: '/documents' },
	{ name: '文件详情', path: `/documents/${s.documentId}` },
	{ name: '新建文件', path: '/documents/new' },
	{ name: '发布会', path: '/conferences' },
	{ name: '发布会详情', path: `/conferences/${s.conferenceId}` },
	{ name: '新建发布会', path: '/conferences/new' },
	{ name: '我的', path: '/me' },
	{ name: '消息', path: '/inbox' }
];

const adminScreens = (s: Seeded): Screen[] => [
	{ name: '工作台', path: '/' },
	{ name: '我的', path: '/me' },
	{ name: '消息', path: '/inbox' },
	{ name: '通知设置', path: '/me/notifications' },
	{ name: '单位管理', path: '/admin/units' },
	{ name: '单位详情', path: `/admin/units/${s.unitId}` },
	{ name: '新建单位', path: '/admin/units/new' },
	{ name: '人员管理', path: '/admin/people' },
	{ name: '人员详情', path: `/admin/people/${s.personId}` },
	{ name: '新建人员', path: '/admin/people/new' },
	{ name: '登录与会话设置', path: '/admin/settings' },
	{ name: '时限规则', path: '/admin/rules' },
	{ name: '超时与问责', path: '/admin/breaches' },
	{ name: '企业微信与钉钉', path: '/admin/channels' },
	{ name: '审签流程', path: '/admin/chains' },
	{ name: '工作日日历', path: '/admin/calendar' },
	{ name: '专家库', path: '/admin/experts' },
	{ name: '审计记录', path: '/admin/audit/records' },
	{ name: '审计记录校验', path: '/admin/audit' },
	{ name: '值班表', path: `/units/${s.unitId}/duty` }
];

// The auditor reads what the office reads, with nothing to change on it.
const auditorScreens = (s: Seeded): Screen[] => [
	{ name: '工作台', path: '/' },
	{ name: '我的', path: '/me' },
	{ name: '审计记录', path: '/admin/audit/records' },
	{ name: '人员管理', path: '/admin/people' },
	{ name: '人员详情', path: `/admin/people/${s.personId}` },
	{ name: '时限规则', path: '/admin/rules' },
	{ name: '超时与问责', path: '/admin/breaches' }
];

const ROLES = [
	{ role: '新闻干事', login: 'em-press', screens: pressScreens },
	{ role: '政务公开办管理员', login: 'admin', screens: adminScreens },
	{ role: '审计员', login: 'auditor', screens: auditorScreens }
];

let seeded: Promise<Seeded> | null = null;
// Once per worker: the screens need an incident, a published and an approved release and the rest to show.
const seededData = (base: string) => (seeded ??= seed(base));

// Signing in through the form is checked elsewhere (admin.spec.ts, every signIn): here a session made from a
// terminal, once per worker and person, puts the phone straight on the screens.
const sessions = new Map<string, Promise<Awaited<ReturnType<APIRequestContext['storageState']>>>>();
function session(base: string, login: string) {
	let state = sessions.get(login);
	if (!state) {
		state = apiAs(base, login).then(async (api) => {
			try {
				return await api.storageState();
			} finally {
				await api.dispose();
			}
		});
		sessions.set(login, state);
	}
	return state;
}

async function signedIn(browser: Browser, base: string, login: string): Promise<Page> {
	const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', storageState: await session(base, login) });
	return context.newPage();
}

async function open(page: Page, screen: Screen): Promise<void> {
	const res = await page.goto(screen.path);
	expect(res?.status(), `${screen.name} ${screen.path}`).toBe(200);
	await ready(page);
}

/**
 * Everything on the page that breaks the phone: the page scrolling sideways (with the elements that stick out)
 * and every visible control smaller than 44 × 44 px. A checkbox or radio inside its label counts as the label.
 * Exempt, as WCAG 2.5.8 exempts them: links set inline in running text, i.e. inside a paragraph, list item, table
 * cell or definition (p, li, td, th, dd) that holds words besides the link. A link standing alone is a target.
 */
function measure(page: Page, label: string): Promise<string[]> {
	return page.evaluate((label) => {
		const out: string[] = [];
		const root = document.documentElement;
		const name = (el: Element) => {
			const id = el.id ? `#${el.id}` : '';
			const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).filter((c) => !c.startsWith('svelte-')).join('.')}` : '';
			const type = el instanceof HTMLInputElement ? `[type=${el.type}]` : '';
			const text = (el.textContent || (el as HTMLInputElement).placeholder || el.getAttribute('aria-label') || '').replace(/\s+/g, ' ').trim().slice(0, 24);
			return `${el.tagName.toLowerCase()}${id}${cls.replace(/\.$/, '')}${type}${text ? ` "${text}"` : ''}`;
		};
		if (root.scrollWidth > root.clientWidth) {
			const wide = [...document.querySelectorAll('body *')].filter((el) => {
				const r = el.getBoundingClientRect();
				return r.width > 0 && r.right > root.clientWidth + 0.5 && ![...el.children].some((c) => c.getBoundingClientRect().right > root.clientWidth + 0.5);
			});
			out.push(`${label} · 页面横向溢出 ${root.scrollWidth}px > ${root.clientWidth}px：${wide.slice(0, 4).map(name).join('，')}`);
		}
		const inRunningText = (el: Element) => {
			if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
			let block = el.parentElement;
			while (block && getComputedStyle(block).display === 'inline') block = block.parentElement;
			if (!block?.matches('p, li, td, th, dd')) return false;
			const rest = (block.textContent ?? '').replace(el.textContent ?? '', '');
			return /[\p{L}\p{N}]/u.test(rest);
		};
		const seen = new Set<Element>();
		for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]')) {
			const target = el.matches('input[type=checkbox], input[type=radio]') ? (el.closest('label') ?? el) : el;
			if (seen.has(target)) continue;
			seen.add(target);
			if (!target.checkVisibility({ visibilityProperty: true })) continue;
			const r = target.getBoundingClientRect();
			// the visually-hidden pattern: a control read by screen readers whose label is the target
			if (r.width <= 1 && r.height <= 1) continue;
			if (inRunningText(el)) continue;
			if (r.width < 44 || r.height < 44) out.push(`${label} · ${name(target)} · ${Math.round(r.width)}×${Math.round(r.height)}`);
		}
		return out;
	}, label);
}

/** What the builder injects instead of axe's source: a check that the page has it already. */
const AXE_LOADED = `if (!('axe' in window)) throw new Error('axe-core is not loaded in the page');`;

/**
 * Axe's serious and critical findings; in the dark theme only the colour rules, the ones a theme can change.
 * Target size is measured above at 44 px, stricter than axe's 24 px; axe also counts a control that lies under the
 * fixed tab bar before the page is scrolled as obscured, which is no fault.
 */
async function axeFaults(page: Page, label: string, colorScheme: 'light' | 'dark'): Promise<string[]> {
	// axe-core is loaded into the page once (its half-megabyte source took most of the time when the builder parsed
	// it twice on every run); the builder then only configures and runs it.
	if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
	// Legacy mode runs axe in the page itself: the default opens a blank page for every run, three times slower.
	const builder = new AxeBuilder({ page, axeSource: AXE_LOADED }).setLegacyMode(true).options({ resultTypes: ['violations'] });
	const result = await (colorScheme === 'light'
		? builder.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).disableRules(['target-size'])
		: builder.withRules(['color-contrast', 'link-in-text-block'])
	).analyze();
	return result.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.flatMap((v) => v.nodes.map((n) => `${label} · ${v.id}（${v.impact}）· ${n.target.join(' ')} · ${n.failureSummary?.split('\n').slice(1).join(' ').trim() || v.help}`));
}

// A role's screens in a few parts, each a test of its own: the parts run side by side and each has its own time.
const PARTS = 3;

for (const { role, login, screens } of ROLES) {
	for (let part = 0; part < PARTS; part++) {
		// One visit a screen for both checks: the page loads are most of the time this takes.
		test(`${role}（${part + 1}/${PARTS}）：每个主要页面在 390 与 360 px 手机上不横向溢出、点按目标不小于 44 px，浅色与深色主题下 axe 无严重问题`, async ({ browser, baseURL }) => {
			test.setTimeout(150_000);
			const list = screens(await seededData(baseURL!)).filter((_, i) => i % PARTS === part);
			const page = await signedIn(browser, baseURL!, login);
			const offenders: string[] = [];
			const faults: string[] = [];
			for (const screen of list) {
				await open(page, screen);
				for (const phone of PHONES) {
					await page.setViewportSize(phone);
					await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
					offenders.push(...(await measure(page, `${screen.name} ${screen.path} @${phone.width}`)));
				}
				await page.setViewportSize(PHONE);
				for (const colorScheme of ['light', 'dark'] as const) {
					await page.emulateMedia({ colorScheme });
					faults.push(...(await axeFaults(page, `${screen.name} ${screen.path} ${colorScheme === 'light' ? '浅色' : '深色'}`, colorScheme)));
				}
				await page.emulateMedia({ colorScheme: 'light' });
			}
			await page.context().close();
			expect.soft(offenders, '横向溢出或小于 44 px 的点按目标').toEqual([]);
			expect(faults, 'axe：严重（serious）或致命（critical）的无障碍问题').toEqual([]);
		});
	}
}

test('政务公开办管理员在手机上从「我的」两步进入每个管理页面', async ({ browser, baseURL }) => {
	const page = await signedIn(browser, baseURL!, 'admin');
	await open(page, { name: '工作台', path: '/' });
	await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '我的' }).tap();
	const admin = page.getByRole('navigation', { name: '管理' });
	for (const name of ['单位管理', '人员管理', '登录与会话设置', '时限规则', '超时与问责', '企业微信与钉钉', '审签流程', '工作日日历', '专家库']) {
		await expect(admin.getByRole('link', { name }), name).toBeVisible();
	}
	await admin.getByRole('link', { name: '超时与问责' }).tap();
	await expect(page).toHaveURL(/\/admin\/breaches$/);
	await expect(page.getByRole('heading', { level: 1, name: '超时与问责' })).toBeVisible();
	await page.context().close();

	// A press officer administers nothing: 我的 offers no 管理.
	const press = await signedIn(browser, baseURL!, 'em-press');
	await open(press, { name: '工作台', path: '/' });
	await press.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '我的' }).tap();
	await expect(press.getByRole('heading', { level: 1, name: '我的' })).toBeVisible();
	await expect(press.getByRole('navigation', { name: '管理' })).toHaveCount(0);
	await press.context().close();
});
