// The DingTalk client against a local stand-in for oapi.dingtalk.com (tests/support/fake-dingtalk.ts) that
// checks every request the way the real API does, answers with DingTalk's own shapes and codes, and, like
// DingTalk, silently drops a second message of identical content to the same user.
import { describe, expect, it } from 'vitest';
import { DINGTALK, useFakeDingTalk } from '../../../../tests/support/fake-dingtalk.ts';
import type { OutgoingMessage } from './channel.ts';
import { createDingTalkClient, type DingTalkOptions } from './dingtalk.ts';
import { render, type Text } from '../../i18n/index.ts';

/** An outcome with its reason read as an office admin in Chinese reads it (the reason is stored as a text). */
const zh = <T,>(o: T): T =>
	o && typeof o === 'object' && 'reason' in o && typeof o.reason === 'object' ? { ...o, reason: render(o.reason as Text, 'zh-CN') } : o;

const im = useFakeDingTalk();
const { state } = im;

const client = (options: Partial<DingTalkOptions> = {}) =>
	createDingTalkClient({
		appKey: DINGTALK.appKey,
		appSecret: DINGTALK.appSecret,
		agentId: DINGTALK.agentId,
		publicOrigin: DINGTALK.origin,
		baseUrl: im.baseUrl,
		...options
	});

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

	it('is kept when the settings are read again with the same AppKey and AppSecret, and fetched anew for a new AppSecret', async () => {
		const dingtalk = client();
		const settings = { appKey: DINGTALK.appKey, appSecret: DINGTALK.appSecret, agentId: DINGTALK.agentId, publicOrigin: DINGTALK.origin };
		for (let minute = 0; minute < 5; minute += 1) {
			dingtalk.configure({ ...settings });
			expect((await dingtalk.send('manager01', message())).ok).toBe(true);
		}
		expect(state.tokenFetches).toBe(1);

		state.credentials.appsecret = 'rotated-secret';
		dingtalk.configure({ ...settings, appSecret: 'rotated-secret' });
		expect((await dingtalk.send('manager02', message())).ok).toBe(true);
		expect(state.tokenFetches).toBe(2);
		expect(state.shown.map((notice) => notice.userid)).toEqual(['manager01', 'manager01', 'manager01', 'manager01', 'manager01', 'manager02']);
	});

	it('refused for a wrong AppSecret tells the admin what to fix and is not retried', async () => {
		const outcome = await client({ appSecret: 'typo' }).send('manager01', message());

		expect(zh(outcome)).toEqual({ ok: false, retryable: false, reason: '钉钉：AppKey 或 AppSecret 不正确，请检查渠道设置（40096）' });
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

		expect(zh(outcome)).toEqual({ ok: false, retryable: true, retryAfterMs, reason });
	});

	it('the IP ban\'s non-standard answer comes back retryable after its five minutes', async () => {
		const outcome = await client().send('ip-banned', message());

		expect(zh(outcome)).toEqual({ ok: false, retryable: true, retryAfterMs: 300_000, reason: '钉钉：服务器出口 IP 调用过于频繁，被暂时限流' });
	});

	it('an unknown user is not retried and the admin reads why in Chinese', async () => {
		const outcome = await client().send('ghost', message());

		expect(zh(outcome)).toEqual({ ok: false, retryable: false, reason: '钉钉：用户 ID 无效（33012）' });
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
		expect(zh(hung?.outcome)).toEqual({ ok: false, retryable: true, reason: '钉钉：服务器 0.2 秒内无响应（超时）' });
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
