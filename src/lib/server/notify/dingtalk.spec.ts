// The DingTalk client against a local stand-in for oapi.dingtalk.com that checks every request the way the
// real API does (path, query, method, JSON shape, limits), answers with DingTalk's own shapes and codes, and,
// like DingTalk, silently drops a second message of identical content to the same user.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OutgoingMessage } from './channel.ts';
import { createDingTalkClient, type DingTalkOptions } from './dingtalk.ts';

const APP_KEY = 'dingtestappkey0001';
const APP_SECRET = 'app-secret-for-tests';
const AGENT_ID = 3000001;
const ORIGIN = 'https://huiying.example.gov.cn';
// Past 2^53, where JSON.parse would quietly change the last digit.
const FIRST_TASK_ID = 9_007_199_254_740_993n;

interface ActionCard {
	title: string;
	markdown: string;
	single_title: string;
	single_url: string;
}
interface Notice {
	userid: string;
	card: ActionCard;
	taskId: string;
}

const state = {
	tokenFetches: 0,
	validTokens: new Set<string>(),
	/** notices accepted by the API (errcode 0) */
	accepted: [] as Notice[],
	/** task ids taken back */
	recalled: [] as string[],
	/** of those, the ones the user actually sees: DingTalk shows identical content to a user once a day */
	shown: [] as Notice[],
	seen: new Set<string>(),
	/** requests the real API would refuse: every test expects none */
	problems: [] as string[],
	expireNext: false,
	hanging: [] as ServerResponse[]
};

const requestId = () => randomUUID().replace(/-/g, '').slice(0, 12);
const brokenText = (text: string) => /\p{Cs}/u.test(text) || text.includes('\uFFFD');

async function readBody(req: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

function checkNotice(body: Record<string, unknown>): string[] {
	const problems: string[] = [];
	if (body.agent_id !== AGENT_ID) problems.push(`agent_id ${String(body.agent_id)} is not the app's AgentId`);
	if (typeof body.userid_list !== 'string' || !body.userid_list || body.userid_list.includes(',')) problems.push('userid_list must name one user');
	const msg = body.msg as { msgtype?: unknown; action_card?: Partial<ActionCard> } | undefined;
	if (!msg || msg.msgtype !== 'action_card' || !msg.action_card) return [...problems, 'msg must be an action_card'];
	if (Buffer.byteLength(JSON.stringify(msg)) > 2048) problems.push(`msg is ${Buffer.byteLength(JSON.stringify(msg))} bytes`);
	const { title, markdown, single_title: singleTitle, single_url: singleUrl } = msg.action_card;
	if (typeof title !== 'string' || !title || title.length > 64 || brokenText(title)) problems.push(`title ${String(title)}`);
	if (typeof markdown !== 'string' || !markdown || brokenText(markdown)) problems.push('markdown');
	if (singleTitle !== '查看') problems.push(`single_title ${String(singleTitle)}`);
	if (typeof singleUrl !== 'string' || !/^https?:\/\//.test(singleUrl) || new URL(singleUrl).origin !== ORIGIN) problems.push(`single_url ${String(singleUrl)}`);
	return problems;
}

const server = createServer(async (req, res) => {
	const url = new URL(req.url ?? '/', 'http://stand-in');
	const raw = await readBody(req);
	const answer = (body: object | string) => {
		res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8' });
		res.end(typeof body === 'string' ? body : JSON.stringify(body));
	};

	if (url.pathname === '/gettoken') {
		if (req.method !== 'GET') state.problems.push(`gettoken by ${req.method}`);
		state.tokenFetches += 1;
		await delay(30);
		if (url.searchParams.get('appkey') !== APP_KEY || url.searchParams.get('appsecret') !== APP_SECRET) {
			return answer({ errcode: 40096, errmsg: '不合法的appKey或appSecret' });
		}
		const token = `${randomUUID().replace(/-/g, '')}${state.tokenFetches}`;
		state.validTokens.add(token);
		return answer({ errcode: 0, access_token: token, errmsg: 'ok', expires_in: 7200 });
	}

	if (url.pathname === '/topapi/message/corpconversation/asyncsend_v2') {
		if (req.method !== 'POST') state.problems.push(`asyncsend_v2 by ${req.method}`);
		const token = url.searchParams.get('access_token') ?? '';
		// oapi wraps authentication failures in errcode 88, the cause in sub_code
		if (!state.validTokens.has(token)) {
			return answer({ errcode: 88, sub_code: '40014', sub_msg: '不合法的access_token', errmsg: 'ding talk error[subcode=40014,submsg=不合法的access_token]', request_id: requestId() });
		}
		if (state.expireNext) {
			state.expireNext = false;
			state.validTokens.delete(token);
			return answer({ errcode: 88, sub_code: '42001', sub_msg: 'access_token超时', errmsg: 'ding talk error[subcode=42001,submsg=access_token超时]', request_id: requestId() });
		}
		let body: Record<string, unknown>;
		try {
			body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw)) as Record<string, unknown>;
		} catch {
			state.problems.push('body is not UTF-8 JSON');
			return answer({ errcode: 40035, errmsg: '不合法的参数', request_id: requestId() });
		}
		const problems = checkNotice(body);
		if (problems.length) {
			state.problems.push(...problems);
			return answer({ errcode: 40035, errmsg: '不合法的参数', request_id: requestId() });
		}
		const userid = body.userid_list as string;
		if (userid === 'hang') return void state.hanging.push(res);
		if (userid === 'ghost') return answer({ errcode: 33012, errmsg: '无效的USERID', request_id: requestId() });
		if (userid === 'busy') return answer({ errcode: 90018, errmsg: '每个企业的每个appkey调用单个接口的频率不可超过40次/秒', request_id: requestId() });
		if (userid === 'crowded') return answer({ errcode: 90002, errmsg: '您的服务器调用钉钉开放平台当前接口的所有请求都被暂时禁用了', request_id: requestId() });
		if (userid === 'ip-banned') return answer({ status: 1111, wait: 5, source: 'x5', punish: 'deny', uuid: randomUUID() });

		const card = (body.msg as { action_card: ActionCard }).action_card;
		const taskId = String(FIRST_TASK_ID + BigInt(state.accepted.length));
		const notice = { userid, card, taskId };
		state.accepted.push(notice);
		const content = `${userid}\n${JSON.stringify(body.msg)}`;
		if (!state.seen.has(content)) state.shown.push(notice);
		state.seen.add(content);
		// The raw digits, as DingTalk writes them: a number too long for a double.
		return answer(`{"errcode":0,"task_id":${taskId},"request_id":"${requestId()}"}`);
	}

	// 撤回工作通知消息: agent_id and msg_task_id, the task id digit for digit as send returned it.
	if (url.pathname === '/topapi/message/corpconversation/recall') {
		if (req.method !== 'POST') state.problems.push(`recall by ${req.method}`);
		if (!state.validTokens.has(url.searchParams.get('access_token') ?? '')) {
			return answer({ errcode: 88, sub_code: '40014', sub_msg: '不合法的access_token', errmsg: 'ding talk error[subcode=40014,submsg=不合法的access_token]', request_id: requestId() });
		}
		const text = raw.toString('utf8');
		const taskId = /"msg_task_id"\s*:\s*(\d+)/.exec(text)?.[1];
		const agent = (JSON.parse(text) as { agent_id?: unknown }).agent_id;
		if (agent !== AGENT_ID) state.problems.push(`recall agent_id ${String(agent)}`);
		const accepted = state.accepted.find((n) => n.taskId === taskId);
		if (!taskId || !accepted || state.recalled.includes(taskId)) return answer({ errcode: 40035, errmsg: '不合法的参数', request_id: requestId() });
		state.recalled.push(taskId);
		return answer({ errcode: 0, errmsg: 'ok', request_id: requestId() });
	}

	state.problems.push(`unknown path ${url.pathname}`);
	answer({ errcode: 22, sub_msg: `不合法ApiName，ApiName = dingtalk.oapi${url.pathname.replace(/\//g, '.')}`, errmsg: 'Invalid method' });
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
	Object.assign(state, { tokenFetches: 0, validTokens: new Set(), accepted: [], recalled: [], shown: [], seen: new Set(), problems: [], expireNext: false });
});
afterEach(() => {
	expect(state.problems).toEqual([]);
});

const client = (options: Partial<DingTalkOptions> = {}) =>
	createDingTalkClient({ appKey: APP_KEY, appSecret: APP_SECRET, agentId: AGENT_ID, publicOrigin: ORIGIN, baseUrl, ...options });

let next = 100;
const message = (overrides: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
	deliveryId: String(next++),
	title: '【重大】化工厂火灾：新闻发布会还剩 3 小时',
	body: '24 小时内须举行新闻发布会。\n请确认发言人和发布口径。',
	url: '/incidents/9',
	urgency: 'high',
	...overrides
});

describe('access token', () => {
	it('is fetched once and reused by later sends and by sends made at the same moment', async () => {
		const dingtalk = client();
		const first = await Promise.all(['manager01', 'manager02', 'manager03'].map((id) => dingtalk.send(id, message())));
		const later = await dingtalk.send('manager01', message());

		expect([...first, later].every((outcome) => outcome.ok)).toBe(true);
		// "不能频繁调用gettoken接口，否则会受到频率拦截"
		expect(state.tokenFetches).toBe(1);
		expect(state.accepted).toHaveLength(4);
	});

	it('that DingTalk has expired (88/42001) is fetched again and the notice still arrives, once', async () => {
		const dingtalk = client();
		await dingtalk.send('manager01', message());
		state.expireNext = true;
		const outcome = await dingtalk.send('manager02', message({ title: '权威信息还剩 1 小时' }));

		expect(outcome.ok).toBe(true);
		expect(state.tokenFetches).toBe(2);
		expect(state.shown.filter((notice) => notice.userid === 'manager02').map((notice) => notice.card.title)).toEqual(['权威信息还剩 1 小时']);
	});

	it('that DingTalk no longer knows (88/40014) is fetched again too', async () => {
		const dingtalk = client();
		await dingtalk.send('manager01', message());
		state.validTokens.clear();
		const outcome = await dingtalk.send('manager01', message());

		expect(outcome.ok).toBe(true);
		expect(state.tokenFetches).toBe(2);
	});

	it('refused for a wrong AppSecret tells the admin what to fix and is not retried', async () => {
		const outcome = await client({ appSecret: 'typo' }).send('manager01', message());

		expect(outcome).toEqual({ ok: false, retryable: false, reason: '钉钉：AppKey 或 AppSecret 不正确，请检查渠道设置（40096）' });
	});
});

describe('asyncsend_v2', () => {
	it('posts an action card with the absolute link and returns the exact task_id', async () => {
		const outcome = await client().send('manager01', message({ deliveryId: '4711', url: '/incidents/9?step=2' }));

		expect(outcome).toEqual({ ok: true, providerMessageId: '9007199254740993' });
		expect(state.shown).toEqual([
			{
				userid: 'manager01',
				taskId: '9007199254740993',
				card: {
					title: '【重大】化工厂火灾：新闻发布会还剩 3 小时',
					markdown: '#### 【重大】化工厂火灾：新闻发布会还剩 3 小时\n\n**紧急**\n\n24 小时内须举行新闻发布会。\n\n请确认发言人和发布口径。\n\n通知编号：4711',
					single_title: '查看',
					single_url: 'https://huiying.example.gov.cn/incidents/9?step=2'
				}
			}
		]);
	});

	it('two notices with the same words both reach the user, though DingTalk shows identical content once a day', async () => {
		const dingtalk = client();
		const words = { title: '发布会还剩 1 小时', body: '请确认发言人。' };
		await dingtalk.send('manager01', message(words));
		await dingtalk.send('manager01', message(words));

		expect(state.shown).toHaveLength(2);
	});

	it('a retry of the same delivery is the same content, so the user sees it once', async () => {
		const dingtalk = client();
		const once = message();
		await dingtalk.send('manager01', once);
		await dingtalk.send('manager01', once);

		expect(state.accepted).toHaveLength(2);
		expect(state.shown).toHaveLength(1);
	});

	it.each([
		[90018, 1_000, '钉钉：应用调用该接口过于频繁（90018）', 'busy'],
		[90002, 2_000, '钉钉：钉钉平台该接口全局限流（90002）', 'crowded']
	])('a rate limit (%i) comes back retryable after %i ms', async (_code, retryAfterMs, reason, userid) => {
		const outcome = await client().send(userid, message());

		expect(outcome).toEqual({ ok: false, retryable: true, retryAfterMs, reason });
	});

	it('the IP ban\'s non-standard answer comes back retryable after its five minutes', async () => {
		const outcome = await client().send('ip-banned', message());

		expect(outcome).toEqual({ ok: false, retryable: true, retryAfterMs: 300_000, reason: '钉钉：服务器出口 IP 调用过于频繁，被暂时限流' });
	});

	it('an unknown user is not retried and the admin reads why in Chinese', async () => {
		const outcome = await client().send('ghost', message());

		expect(outcome).toEqual({ ok: false, retryable: false, reason: '钉钉：用户 ID 无效（33012）' });
	});

	it('a server that never answers times out without holding up other users\' notices', async () => {
		const dingtalk = client({ timeoutMs: 200 });
		const finished: string[] = [];
		const started = performance.now();
		const [hung, other] = await Promise.all(
			['hang', 'manager02'].map(async (id) => {
				const outcome = await dingtalk.send(id, message());
				finished.push(id);
				return { outcome, ms: performance.now() - started };
			})
		);

		expect(other?.outcome.ok).toBe(true);
		expect(finished).toEqual(['manager02', 'hang']);
		expect(hung?.outcome).toEqual({ ok: false, retryable: true, reason: '钉钉：服务器 0.2 秒内无响应（超时）' });
		expect(hung?.ms).toBeGreaterThanOrEqual(190);
		expect(hung?.ms).toBeLessThan(2_000);
	});
});

describe('recall (a notice settled: its work notification is taken back)', () => {
	it('recalls by the task id exactly as send returned it, and a second recall is refused without retrying', async () => {
		const dingtalk = client();
		const sent = await dingtalk.send('manager4711', message());
		const taskId = sent.ok ? sent.providerMessageId! : '';
		// beyond a double's exact integers: sent back digit for digit
		expect(BigInt(taskId) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
		expect(await dingtalk.recall(taskId)).toEqual({ ok: true });
		expect(state.recalled).toEqual([taskId]);
		expect(await dingtalk.recall(taskId)).toMatchObject({ ok: false, retryable: false });
	});

	it('refuses an id that is not digits before asking DingTalk', async () => {
		expect(await client().recall('1; drop')).toMatchObject({ ok: false, retryable: false });
		expect(state.tokenFetches).toBe(0);
	});
});

describe('text limits', () => {
	it('keeps the title within 64 characters and the whole message within 2,048 bytes, cut between whole characters', async () => {
		const title = `${'某'.repeat(63)}👨‍👩‍👧‍👦尾`;
		const body = `见[链接](https://elsewhere.example)\n${'政务舆情回应'.repeat(200)}`;
		const outcome = await client().send('manager01', message({ deliveryId: '8080', title, body }));
		const card = state.shown[0]?.card;

		expect(outcome.ok).toBe(true);
		// the emoji family is one character on screen: cutting inside it would leave half a face
		expect(card?.title).toBe(`${'某'.repeat(63)}…`);
		// the delivery id survives the cut: it is what keeps a repeated notice from being dropped
		expect(card?.markdown.endsWith('…\n\n通知编号：8080')).toBe(true);
		// typed text does not become a link of its own
		expect(card?.markdown).toContain('见[链接] (https://elsewhere.example)');
	});
});
