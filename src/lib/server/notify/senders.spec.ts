// The senders every job uses: the office's WeCom and DingTalk settings read again each minute, and at once
// after a change, swapped into clients that live on, so an access token is fetched once for its two hours.
import { beforeEach, describe, expect, it } from 'vitest';
import { DINGTALK, useFakeDingTalk } from '../../../../tests/support/fake-dingtalk.ts';
import { useFakeWeCom, WECOM } from '../../../../tests/support/fake-wecom.ts';
import { sql } from '../db.ts';
import type { OutgoingMessage } from './channel.ts';
import { createAppSenders } from './senders.ts';

const wecomIm = useFakeWeCom();
const dingtalkIm = useFakeDingTalk();

async function configure(channel: 'wecom' | 'dingtalk', enabled: boolean, config: Record<string, unknown>) {
	await sql`
		insert into channel_settings (channel, enabled, config) values (${channel}, ${enabled}, ${sql.json(config as never)})
		on conflict (channel) do update set enabled = excluded.enabled, config = excluded.config`;
}
const wecomConfig = { corpId: WECOM.corpId, agentId: WECOM.agentId, secret: WECOM.secret };
const dingtalkConfig = { appKey: DINGTALK.appKey, agentId: DINGTALK.agentId, appSecret: DINGTALK.appSecret };

let clock = Date.UTC(2026, 10, 22, 9);
const app = () =>
	createAppSenders({
		wecom: { baseUrl: wecomIm.baseUrl },
		dingtalk: { baseUrl: dingtalkIm.baseUrl },
		publicOrigin: WECOM.origin,
		now: () => clock
	});

let next = 1;
const message = (): OutgoingMessage => ({
	deliveryId: String(next++),
	title: '【重大】化工厂火灾：新闻发布会还剩 3 小时',
	body: '24 小时内须举行新闻发布会。',
	url: '/incidents/9',
	urgency: 'high'
});

beforeEach(async () => {
	await sql`delete from channel_pace`;
	await configure('wecom', true, wecomConfig);
	await configure('dingtalk', true, dingtalkConfig);
});

describe('the WeCom and DingTalk senders', () => {
	it('fetch each access token once across many sends, minutes of re-reading the settings and a save that changed nothing', async () => {
		const senders = app();
		for (let minute = 0; minute < 5; minute += 1) {
			const now = await senders.get();
			expect((await now.wecom!('zhangsan', message())).ok).toBe(true);
			expect((await now.dingtalk!('manager01', message())).ok).toBe(true);
			clock += 61_000;
		}
		// the office saved the page without changing anything
		senders.forget();
		expect((await (await senders.get()).wecom!('lisi', message())).ok).toBe(true);

		expect(wecomIm.state.tokenFetches).toBe(1);
		expect(dingtalkIm.state.tokenFetches).toBe(1);
		expect(wecomIm.state.sent).toHaveLength(6);
		expect(dingtalkIm.state.accepted).toHaveLength(5);
	});

	it('fetch a new token once the office saves a new Secret, and use the new AgentId at once', async () => {
		const senders = app();
		expect((await (await senders.get()).wecom!('zhangsan', message())).ok).toBe(true);

		wecomIm.state.credentials.corpsecret = 'rotated-secret';
		await configure('wecom', true, { ...wecomConfig, secret: 'rotated-secret' });
		senders.forget();
		expect((await (await senders.get()).wecom!('lisi', message())).ok).toBe(true);
		expect(wecomIm.state.tokenFetches).toBe(2);

		// A new AgentId alone keeps the token (it belongs to the Secret); the stand-in checks the AgentId sent.
		await configure('wecom', true, { ...wecomConfig, secret: 'rotated-secret', agentId: 1000003 });
		senders.forget();
		expect(await (await senders.get()).wecom!('wangwu', message())).toMatchObject({ ok: false, retryable: false });
		expect(wecomIm.state.problems).toEqual(["agentid 1000003 is not the app's integer AgentId"]);
		wecomIm.state.problems.length = 0;
		expect(wecomIm.state.tokenFetches).toBe(2);
	});

	it('go quiet for a channel the office turned off, and come back with the same token when it is turned on again', async () => {
		const senders = app();
		expect((await (await senders.get()).dingtalk!('manager01', message())).ok).toBe(true);

		await configure('dingtalk', false, dingtalkConfig);
		senders.forget();
		const off = await senders.get();
		expect(off.dingtalk).toBeUndefined();
		expect(off.recall?.dingtalk).toBeUndefined();
		expect(off.wecom).toBeDefined();

		await configure('dingtalk', true, dingtalkConfig);
		senders.forget();
		expect((await (await senders.get()).dingtalk!('manager02', message())).ok).toBe(true);
		expect(dingtalkIm.state.tokenFetches).toBe(1);
	});

	it('read the settings at most once a minute, however many jobs ask at once', async () => {
		const senders = app();
		const first = await Promise.all(Array.from({ length: 10 }, () => senders.get()));
		expect(new Set(first).size).toBe(1);
		// changed behind the app's back (another instance saved it): this instance sees it within the minute
		await configure('wecom', false, wecomConfig);
		expect((await senders.get()).wecom).toBeDefined();
		clock += 60_000;
		expect((await senders.get()).wecom).toBeUndefined();
	});
});
