// The WeCom client against a local stand-in for qyapi.weixin.qq.com (tests/support/fake-wecom.ts) that checks
// every request the way the real API does and answers with WeCom's own shapes and codes.
import { beforeEach, describe, expect, it } from 'vitest';
import { closedPort, utf8Bytes as bytes } from '../../../../tests/support/fake-im.ts';
import { useFakeWeCom, WECOM } from '../../../../tests/support/fake-wecom.ts';
import { sql } from '../db.ts';
import type { OutgoingMessage } from './channel.ts';
import { absoluteUrl } from './text.ts';
import { createWeComClient, type WeComOptions } from './wecom.ts';
import { render, type Text } from '../../i18n/index.ts';

/** An outcome with its reason read as an office admin in Chinese reads it (the reason is stored as a text). */
const zh = <T,>(o: T): T =>
	o && typeof o === 'object' && 'reason' in o && typeof o.reason === 'object' ? { ...o, reason: render(o.reason as Text, 'zh-CN') } : o;

const im = useFakeWeCom();
const { state } = im;
const ORIGIN = WECOM.origin;

// Each test starts with every member's pace empty.
beforeEach(async () => {
	await sql`delete from channel_pace`;
});

const client = (options: Partial<WeComOptions> = {}) =>
	createWeComClient({ corpId: WECOM.corpId, agentId: WECOM.agentId, secret: WECOM.secret, publicOrigin: ORIGIN, baseUrl: im.baseUrl, ...options });

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
		// the four sent at the same moment arrive in any order
		expect(state.sent.slice(0, 4).map((card) => card.touser).sort()).toEqual(['lisi', 'wangwu', 'zhangsan', 'zhaoliu']);
		expect(state.sent.slice(4).map((card) => card.touser)).toEqual(['zhangsan', 'lisi']);
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

	it('is kept when the settings are read again unchanged or with only the AgentId or link changed, and fetched anew for a new Secret', async () => {
		const wecom = client();
		const settings = { corpId: WECOM.corpId, agentId: WECOM.agentId, secret: WECOM.secret, publicOrigin: ORIGIN };
		for (let minute = 0; minute < 5; minute += 1) {
			// what appSenders does every minute: the same settings, swapped into the same client
			wecom.configure({ ...settings });
			expect((await wecom.send('zhangsan', message())).ok).toBe(true);
		}
		wecom.configure({ ...settings, publicOrigin: `${ORIGIN}/` });
		expect((await wecom.send('lisi', message())).ok).toBe(true);
		expect(state.tokenFetches).toBe(1);

		// The office rotated the app's Secret: the old token belongs to the old one.
		state.credentials.corpsecret = 'rotated-secret';
		wecom.configure({ ...settings, secret: 'rotated-secret' });
		expect((await wecom.send('wangwu', message())).ok).toBe(true);
		expect(state.tokenFetches).toBe(2);
		expect(state.sent.map((card) => card.touser)).toEqual(['zhangsan', 'zhangsan', 'zhangsan', 'zhangsan', 'zhangsan', 'lisi', 'wangwu']);
	});

	it('refused for a wrong Secret tells the admin what to fix and is not retried', async () => {
		const outcome = await client({ secret: 'typo' }).send('zhangsan', message());

		expect(zh(outcome)).toEqual({ ok: false, retryable: false, reason: '企业微信：应用 Secret 不正确，请检查渠道设置（40001）' });
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

		expect(zh(outcome)).toEqual({ ok: false, retryable: true, retryAfterMs: 60_000, reason: '企业微信：接口调用频率超限（45009）' });
	});

	it('an unknown member (81013) is not retried and the admin reads why in Chinese', async () => {
		const outcome = await client().send('ghost', message());

		expect(zh(outcome)).toEqual({ ok: false, retryable: false, reason: '企业微信：成员不存在或不在应用可见范围内（81013）' });
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
		expect(zh(hung?.outcome)).toEqual({ ok: false, retryable: true, reason: '企业微信：服务器 0.2 秒内无响应（超时）' });
		expect(hung?.ms).toBeGreaterThanOrEqual(190);
		expect(hung?.ms).toBeLessThan(2_000);
	});

	it('an unreachable server is retryable', async () => {
		const outcome = await client({ baseUrl: await closedPort() }).send('zhangsan', message());

		expect(zh(outcome)).toMatchObject({ ok: false, retryable: true, reason: expect.stringMatching(/^企业微信：无法连接服务器（ECONNREFUSED）$/) });
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

		expect(zh(held)).toEqual({
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

	it('holds across app instances: two clients sharing the database never send a member a 31st card in a minute', async () => {
		const t0 = Date.UTC(2026, 10, 22, 9);
		let clock = t0;
		const [first, second] = [client({ now: () => clock }), client({ now: () => clock })];
		const outcomes = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? first : second).send('zhangsan', message())));

		expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(30);
		expect(outcomes.filter((outcome) => !outcome.ok)).toEqual(
			Array.from({ length: 10 }, () => expect.objectContaining({ ok: false, retryable: true, retryAfterMs: 60_000 }))
		);
		expect(state.sent).toHaveLength(30);

		clock = t0 + 60_000;
		expect((await second.send('zhangsan', message())).ok).toBe(true);
		expect((await first.send('zhangsan', message())).ok).toBe(true);
	});

	it('gives a slot back when nothing reached WeCom (no token), so it is not counted against the member', async () => {
		const clock = Date.UTC(2026, 10, 22, 9);
		const refused = client({ secret: 'typo', now: () => clock });
		for (let i = 0; i < 31; i += 1) expect(await refused.send('zhangsan', message())).toMatchObject({ ok: false, retryable: false });
		const outcomes = await Promise.all(Array.from({ length: 30 }, () => client({ now: () => clock }).send('zhangsan', message())));

		expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
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
		expect(zh(held)).toMatchObject({ ok: false, retryable: true, retryAfterMs: 20 * 60_000, reason: expect.stringContaining('一小时内已向该成员发送 1000 条') });
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
