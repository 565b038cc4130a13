// The WeCom client against a local stand-in for qyapi.weixin.qq.com that checks every request the way the
// real API does (path, query, method, JSON shape, field limits) and answers with WeCom's own shapes and codes.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OutgoingMessage } from './channel.ts';
import { absoluteUrl } from './text.ts';
import { createWeComClient, type WeComOptions } from './wecom.ts';

const CORP_ID = 'ww5f1c0ffee0d15ea5';
const SECRET = 'app-secret-for-tests';
const AGENT_ID = 1000002;
const ORIGIN = 'https://huiying.example.gov.cn';

interface Textcard {
	title: string;
	description: string;
	url: string;
	btntxt: string;
}
interface SentCard {
	touser: string;
	textcard: Textcard;
}

/** What the stand-in remembers between requests; reset before each test. */
const state = {
	tokenFetches: 0,
	validTokens: new Set<string>(),
	/** cards WeCom accepted, in order */
	sent: [] as SentCard[],
	/** msgid → when it was sent (the stand-in's clock), for recall's 24-hour rule */
	msgids: new Map<string, number>(),
	recalled: [] as string[],
	/** requests the real API would refuse or silently mangle: every test expects none */
	problems: [] as string[],
	expireNext: false,
	/** answers never sent, so the client's timeout is what ends the wait */
	hanging: [] as ServerResponse[]
};

const hint = () => `hint: [${Date.now()}${Math.floor(Math.random() * 1e9)}], from ip: 127.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query`;
const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
// A lone surrogate is what a careless cut leaves behind; JSON.stringify turns it into \udxxx and the phone shows �.
const brokenText = (text: string) => /\p{Cs}/u.test(text) || text.includes('\uFFFD');

async function readBody(req: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

function checkTextcard(body: Record<string, unknown>): string[] {
	const problems: string[] = [];
	const card = body.textcard as Partial<Textcard> | undefined;
	if (typeof body.touser !== 'string' || !body.touser || body.touser.includes('|')) problems.push('touser must name one member');
	if (body.msgtype !== 'textcard') problems.push(`msgtype ${String(body.msgtype)}`);
	if (body.agentid !== AGENT_ID) problems.push(`agentid ${String(body.agentid)} is not the app's integer AgentId`);
	if (body.enable_duplicate_check !== 1) problems.push('enable_duplicate_check');
	if (body.duplicate_check_interval !== 1800) problems.push('duplicate_check_interval');
	if (!card || typeof card !== 'object') return [...problems, 'textcard missing'];
	const { title, description, url, btntxt } = card;
	if (typeof title !== 'string' || !title || bytes(title) > 128 || brokenText(title)) problems.push(`title (${bytes(String(title))} bytes)`);
	if (typeof description !== 'string' || !description || bytes(description) > 512 || brokenText(description)) {
		problems.push(`description (${bytes(String(description))} bytes)`);
	}
	if (typeof url !== 'string' || bytes(url) > 2048 || !/^https?:\/\//.test(url) || new URL(url).origin !== ORIGIN) problems.push(`url ${String(url)}`);
	if (btntxt !== '查看') problems.push(`btntxt ${String(btntxt)}`);
	return problems;
}

const server = createServer(async (req, res) => {
	const url = new URL(req.url ?? '/', 'http://stand-in');
	const raw = await readBody(req);
	const answer = (body: object) => {
		res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
		res.end(JSON.stringify(body));
	};

	if (url.pathname === '/cgi-bin/gettoken') {
		if (req.method !== 'GET') state.problems.push(`gettoken by ${req.method}`);
		state.tokenFetches += 1;
		// A real round trip, long enough for concurrent sends to overlap while it is under way.
		await delay(30);
		if (url.searchParams.get('corpid') !== CORP_ID) return answer({ errcode: 40013, errmsg: `invalid corpid, ${hint()}` });
		if (url.searchParams.get('corpsecret') !== SECRET) return answer({ errcode: 40001, errmsg: `invalid credential, ${hint()}` });
		const token = `tok-${state.tokenFetches}-${randomUUID()}`;
		state.validTokens.add(token);
		return answer({ errcode: 0, errmsg: 'ok', access_token: token, expires_in: 7200 });
	}

	if (url.pathname === '/cgi-bin/message/send') {
		if (req.method !== 'POST') state.problems.push(`message/send by ${req.method}`);
		const token = url.searchParams.get('access_token') ?? '';
		if (!state.validTokens.has(token)) return answer({ errcode: 40014, errmsg: `invalid access_token, ${hint()}` });
		if (state.expireNext) {
			state.expireNext = false;
			state.validTokens.delete(token);
			return answer({ errcode: 42001, errmsg: `access_token expired, ${hint()}` });
		}
		if (!(req.headers['content-type'] ?? '').startsWith('application/json')) state.problems.push('content-type');
		let body: Record<string, unknown>;
		try {
			body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw)) as Record<string, unknown>;
		} catch {
			state.problems.push('body is not UTF-8 JSON');
			return answer({ errcode: 47001, errmsg: `data format error, ${hint()}` });
		}
		const problems = checkTextcard(body);
		if (problems.length) {
			state.problems.push(...problems);
			return answer({ errcode: 40035, errmsg: `invalid param, ${hint()}` });
		}
		const touser = body.touser as string;
		if (touser === 'hang') return void state.hanging.push(res);
		if (touser === 'ghost') return answer({ errcode: 81013, errmsg: `user & party & tag all invalid, ${hint()}`, invaliduser: 'ghost' });
		if (touser === 'busy') return answer({ errcode: 45009, errmsg: `api freq out of limit, ${hint()}` });
		state.sent.push({ touser, textcard: body.textcard as Textcard });
		const msgid = `msg-${state.sent.length}-${randomUUID()}`;
		state.msgids.set(msgid, Date.now());
		return answer({ errcode: 0, errmsg: 'ok', msgid });
	}

	// 撤回应用消息: POST {msgid}; only a message of this app, sent within 24 hours, and only once.
	if (url.pathname === '/cgi-bin/message/recall') {
		if (req.method !== 'POST') state.problems.push(`message/recall by ${req.method}`);
		const token = url.searchParams.get('access_token') ?? '';
		if (!state.validTokens.has(token)) return answer({ errcode: 40014, errmsg: `invalid access_token, ${hint()}` });
		const body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
		if (Object.keys(body).join() !== 'msgid' || typeof body.msgid !== 'string') state.problems.push(`recall body ${raw.toString('utf8')}`);
		const sentAt = state.msgids.get(String(body.msgid));
		// unknown, already recalled or older than a day: refused as a bad parameter
		if (sentAt === undefined || Date.now() - sentAt > 24 * 3_600_000) return answer({ errcode: 40035, errmsg: `invalid msgid, ${hint()}` });
		state.msgids.delete(String(body.msgid));
		state.recalled.push(String(body.msgid));
		return answer({ errcode: 0, errmsg: 'ok' });
	}

	state.problems.push(`unknown path ${url.pathname}`);
	res.writeHead(404).end();
});

let baseUrl = '';
beforeAll(async () => {
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
	for (const res of state.hanging) res.destroy();
	server.closeAllConnections();
	await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
	Object.assign(state, { tokenFetches: 0, validTokens: new Set(), sent: [], msgids: new Map(), recalled: [], problems: [], expireNext: false });
});
afterEach(() => {
	expect(state.problems).toEqual([]);
});

/** An address where nothing listens: a port the system just handed out and took back. */
async function closedPort(): Promise<string> {
	const probe = createServer();
	await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
	const { port } = probe.address() as AddressInfo;
	await new Promise((resolve) => probe.close(resolve));
	return `http://127.0.0.1:${port}`;
}

const client = (options: Partial<WeComOptions> = {}) =>
	createWeComClient({ corpId: CORP_ID, agentId: AGENT_ID, secret: SECRET, publicOrigin: ORIGIN, baseUrl, ...options });

let next = 1;
const message = (overrides: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
	deliveryId: String(next++),
	title: '【特别重大】某县山体滑坡：权威信息还剩 2 小时',
	body: '5 小时内须发布权威信息，请分管领导尽快审签。',
	url: '/incidents/42',
	urgency: 'high',
	...overrides
});

describe('access token', () => {
	it('is fetched once and reused by later sends and by sends made at the same moment', async () => {
		const wecom = client();
		const first = await Promise.all(['zhangsan', 'lisi', 'wangwu', 'zhaoliu'].map((id) => wecom.send(id, message())));
		const later = [await wecom.send('zhangsan', message()), await wecom.send('lisi', message())];

		expect([...first, ...later].every((outcome) => outcome.ok)).toBe(true);
		// gettoken is rate limited: a herd of fetches would lock the whole office out of WeCom
		expect(state.tokenFetches).toBe(1);
		expect(state.sent.map((card) => card.touser)).toEqual(['zhangsan', 'lisi', 'wangwu', 'zhaoliu', 'zhangsan', 'lisi']);
	});

	it('is renewed shortly before expires_in runs out', async () => {
		let clock = Date.UTC(2026, 10, 22, 9);
		const wecom = client({ now: () => clock });
		await wecom.send('zhangsan', message());
		clock += 7_200_000 - 4 * 60_000;
		const outcome = await wecom.send('zhangsan', message());

		expect(outcome.ok).toBe(true);
		expect(state.tokenFetches).toBe(2);
	});

	it('that WeCom has expired (42001) is fetched again and the message still arrives, once', async () => {
		const wecom = client();
		await wecom.send('zhangsan', message());
		state.expireNext = true;
		const outcome = await wecom.send('lisi', message({ title: '新闻发布会还剩 1 小时' }));

		expect(outcome).toMatchObject({ ok: true, providerMessageId: expect.stringMatching(/^msg-2-/) });
		expect(state.tokenFetches).toBe(2);
		expect(state.sent.filter((card) => card.touser === 'lisi').map((card) => card.textcard.title)).toEqual(['新闻发布会还剩 1 小时']);
	});

	it('refused for a wrong Secret tells the admin what to fix and is not retried', async () => {
		const outcome = await client({ secret: 'typo' }).send('zhangsan', message());

		expect(outcome).toEqual({ ok: false, retryable: false, reason: '企业微信：应用 Secret 不正确，请检查渠道设置（40001）' });
		expect(state.sent).toEqual([]);
	});
});

describe('message/send', () => {
	it('posts a textcard with the absolute link, the button and duplicate check, and returns the msgid', async () => {
		const outcome = await client().send('zhangsan', message({ url: '/incidents/42?step=3', urgency: 'critical' }));

		expect(outcome).toMatchObject({ ok: true, providerMessageId: expect.stringMatching(/^msg-1-/) });
		expect(state.sent).toEqual([
			{
				touser: 'zhangsan',
				textcard: {
					title: '【特别重大】某县山体滑坡：权威信息还剩 2 小时',
					description: '<div class="highlight">特急</div><div class="normal">5 小时内须发布权威信息，请分管领导尽快审签。</div>',
					url: 'https://huiying.example.gov.cn/incidents/42?step=3',
					btntxt: '查看'
				}
			}
		]);
	});

	it('a frequency limit (45009) comes back retryable after WeCom\'s 60-second block', async () => {
		const outcome = await client().send('busy', message());

		expect(outcome).toEqual({ ok: false, retryable: true, retryAfterMs: 60_000, reason: '企业微信：接口调用频率超限（45009）' });
	});

	it('an unknown member (81013) is not retried and the admin reads why in Chinese', async () => {
		const outcome = await client().send('ghost', message());

		expect(outcome).toEqual({ ok: false, retryable: false, reason: '企业微信：成员不存在或不在应用可见范围内（81013）' });
	});

	it('a server that never answers times out without holding up other members\' messages', async () => {
		const wecom = client({ timeoutMs: 200 });
		const finished: string[] = [];
		const started = performance.now();
		const [hung, other] = await Promise.all(
			['hang', 'lisi'].map(async (id) => {
				const outcome = await wecom.send(id, message());
				finished.push(id);
				return { outcome, ms: performance.now() - started };
			})
		);

		expect(other?.outcome.ok).toBe(true);
		expect(finished).toEqual(['lisi', 'hang']);
		expect(hung?.outcome).toEqual({ ok: false, retryable: true, reason: '企业微信：服务器 0.2 秒内无响应（超时）' });
		expect(hung?.ms).toBeGreaterThanOrEqual(190);
		expect(hung?.ms).toBeLessThan(2_000);
	});

	it('an unreachable server is retryable', async () => {
		const outcome = await client({ baseUrl: await closedPort() }).send('zhangsan', message());

		expect(outcome).toMatchObject({ ok: false, retryable: true, reason: expect.stringMatching(/^企业微信：无法连接服务器（ECONNREFUSED）$/) });
	});
});

describe('message/recall (a notice settled: its card is taken back)', () => {
	it('recalls a card it sent, with the same token, and a second recall is refused without retrying', async () => {
		const wecom = client();
		const sent = await wecom.send('zhangsan', message());
		expect(sent.ok).toBe(true);
		const msgid = sent.ok ? sent.providerMessageId! : '';
		expect(await wecom.recall(msgid)).toEqual({ ok: true });
		expect(state.recalled).toEqual([msgid]);
		expect(state.tokenFetches).toBe(1);
		const again = await wecom.recall(msgid);
		expect(again).toMatchObject({ ok: false, retryable: false });
	});

	it('fetches a token again when WeCom revoked it early', async () => {
		const wecom = client();
		const sent = await wecom.send('zhangsan', message());
		state.validTokens.clear();
		expect(await wecom.recall(sent.ok ? sent.providerMessageId! : '')).toEqual({ ok: true });
		expect(state.tokenFetches).toBe(2);
	});
});

describe('per-member pacing (WeCom drops the 31st message a minute without a word)', () => {
	it('holds the 31st card within a minute, leaves other members alone, and sends again once the window frees', async () => {
		const t0 = Date.UTC(2026, 10, 22, 9);
		let clock = t0;
		const wecom = client({ now: () => clock });
		for (let i = 0; i < 30; i += 1) {
			const outcome = await wecom.send('zhangsan', message());
			expect(outcome.ok).toBe(true);
			clock += 1_000;
		}
		const held = await wecom.send('zhangsan', message({ title: '第 31 条' }));
		const other = await wecom.send('lisi', message());

		expect(held).toEqual({
			ok: false,
			retryable: true,
			retryAfterMs: 30_000,
			reason: '企业微信：一分钟内已向该成员发送 30 条，暂缓发送（超出的会被企业微信丢弃）'
		});
		expect(other.ok).toBe(true);
		expect(state.sent.filter((card) => card.touser === 'zhangsan')).toHaveLength(30);

		clock = t0 + 60_000;
		const again = await wecom.send('zhangsan', message({ title: '窗口空出后' }));
		expect(again.ok).toBe(true);
		expect(state.sent.at(-1)?.textcard.title).toBe('窗口空出后');
	});

	it('also holds a member\'s 1,001st card within an hour', async () => {
		const t0 = Date.UTC(2026, 10, 22, 9);
		let clock = t0;
		const wecom = client({ now: () => clock });
		for (let minute = 0; minute < 34; minute += 1) {
			clock = t0 + minute * 60_000;
			const batch = await Promise.all(Array.from({ length: minute < 33 ? 30 : 10 }, () => wecom.send('zhangsan', message())));
			expect(batch.every((outcome) => outcome.ok)).toBe(true);
		}
		clock = t0 + 40 * 60_000;
		const held = await wecom.send('zhangsan', message());

		expect(state.sent).toHaveLength(1_000);
		expect(held).toMatchObject({ ok: false, retryable: true, retryAfterMs: 20 * 60_000, reason: expect.stringContaining('一小时内已向该成员发送 1000 条') });
	});
});

describe('text limits', () => {
	it('cuts the title to 128 bytes and the description to 512 between whole characters, keeping the text as text', async () => {
		const family = '👨‍👩‍👧‍👦';
		const title = `${'a'.repeat(120)}${family}标题`;
		const body = `<script>alert("x")</script> A & B\n${'突发事件权威信息'.repeat(40)}`;
		await client().send('zhangsan', message({ title, body, urgency: 'normal' }));
		const [card] = state.sent;

		// a cut inside the emoji family would leave a stray joiner or half a character on the phone
		expect(card?.textcard.title).toBe(`${'a'.repeat(120)}…`);
		const description = card?.textcard.description ?? '';
		expect(bytes(description)).toBeLessThanOrEqual(512);
		expect(description.startsWith('<div class="gray">一般</div><div class="normal">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; A &amp; B<br>突发事件')).toBe(true);
		expect(description.endsWith('…</div>')).toBe(true);
		// every & starts a whole entity: no escape sequence was cut in half
		expect(description).not.toMatch(/&(?!(amp|lt|gt|quot|#39);)/);

		const chineseTitle = '关于某县山体滑坡的权威信息'.repeat(10);
		await client().send('lisi', message({ title: chineseTitle }));
		const cut = state.sent[1]?.textcard.title ?? '';
		expect(bytes(cut)).toBeLessThanOrEqual(128);
		expect(chineseTitle.startsWith(cut.slice(0, -1))).toBe(true);
	});

	it('never links outside the app, whatever the message URL says', () => {
		expect(absoluteUrl(ORIGIN, '/incidents/7')).toBe('https://huiying.example.gov.cn/incidents/7');
		expect(absoluteUrl(ORIGIN, 'https://elsewhere.example/login')).toBe('https://huiying.example.gov.cn/');
		expect(absoluteUrl(ORIGIN, '//elsewhere.example/login')).toBe('https://huiying.example.gov.cn/');
	});
});
