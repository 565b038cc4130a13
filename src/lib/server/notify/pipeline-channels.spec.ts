// The delivery pipeline, continued: the person's order of channels, a push service that never answers, a chat
// platform's pace, and notices outside any clock. deliver() and fallback() are called as the jobs would.
import { render, text } from '../../i18n/index.ts';
import { describe, expect, it } from 'vitest';
import { runClock } from '../clocks/flows.ts';
import { sql } from '../db.ts';
import type { PersonRow } from '../people/queries.ts';
import { makePerson } from '../test-helpers.ts';
import { deliver, fallback } from './dispatch.ts';
import { sendNotice, settleNotices } from './notices.ts';
import { tokenMatches } from './tokens.ts';
import type { PushPayload } from './webpush.ts';
import { deliveries, failureInChinese, fake, freshUnit, linkChannel, phone, told, unitSerial, usePipelineWorld, wiring } from './test-pipeline.ts';

usePipelineWorld();

describe('the person’s order', () => {
	it('tries DingTalk first for someone who put it before Web Push', async () => {
		const { notice, person: chen } = await told();
		const a = await phone(chen);
		await linkChannel(chen, 'dingtalk', 'chen-dd');
		await linkChannel(chen, 'wecom', 'chen.xuanchuan');
		await sql`update people set channel_order = array['dingtalk', 'web_push'] where id = ${chen.id}`;
		const { senders, wecom, dingtalk } = await wiring();

		await deliver(notice(chen), senders);
		const rows = await deliveries(notice(chen));
		expect(Object.keys(rows)).toEqual(['dingtalk']);
		expect(dingtalk.calls.map((c) => c.to)).toEqual(['chen-dd']);
		expect(fake.receivedBy(a.endpoint)).toEqual([]);

		// DingTalk reports no receipt: its acceptance stands, and WeCom, not in this order, is never used.
		await fallback({ ...notice(chen), deliveryId: rows.dingtalk!.id }, senders);
		expect(fake.receivedBy(a.endpoint)).toEqual([]);
		expect(wecom.calls).toEqual([]);
	});

	it('falls to Web Push, second in that order, when DingTalk cannot reach the person', async () => {
		const { notice, person: chen } = await told();
		const a = await phone(chen);
		await linkChannel(chen, 'dingtalk', 'chen-dd');
		await sql`update people set channel_order = array['dingtalk', 'web_push'] where id = ${chen.id}`;
		const refused = text('notify.reason.coded', { platform: text('channel.dingtalk'), what: text('notify.what.user_missing'), code: '60111' });
		const { senders } = await wiring({ dingtalk: { ok: false, retryable: false, reason: refused } });

		await deliver(notice(chen), senders);
		const rows = await deliveries(notice(chen));
		// stored as its key and parameters, read in each reader's language
		expect(rows.dingtalk).toMatchObject({ status: 'failed', failure: refused });
		expect(render(rows.dingtalk!.failure!, 'zh-CN')).toBe('钉钉：用户 ID 不存在（60111）');
		expect(render(rows.dingtalk!.failure!, 'en')).toBe('DingTalk: the user ID does not exist (60111)');
		expect(rows.web_push).toMatchObject({ status: 'sent' });
		expect(fake.receivedBy(a.endpoint)).toHaveLength(1);
	});
});

describe('a push service that never answers', () => {
	it('times out without holding up another person’s delivery', async () => {
		const { notice, people } = await told(2);
		const [stuck, lin] = people as [PersonRow, PersonRow];
		const hanging = await phone(stuck, { otherwise: 'hang' });
		const fine = await phone(lin);
		await linkChannel(stuck, 'wecom', 'stuck.xuanchuan');
		const timeoutMs = 1_000;
		const { senders, wecom } = await wiring({ timeoutMs });

		const start = Date.now();
		let linDone = 0;
		await Promise.all([
			deliver(notice(stuck), senders),
			deliver(notice(lin), senders).then(() => (linDone = Date.now() - start))
		]);
		const stuckDone = Date.now() - start;

		expect(linDone).toBeLessThan(timeoutMs);
		expect(fake.receivedBy(fine.endpoint)).toHaveLength(1);
		expect((await deliveries(notice(lin))).web_push).toMatchObject({ status: 'sent' });
		// Three tries of a second each, then WeCom.
		expect(stuckDone).toBeGreaterThanOrEqual(3 * timeoutMs);
		expect(fake.receivedBy(hanging.endpoint)).toHaveLength(3);
		const rows = await deliveries(notice(stuck));
		expect(rows.web_push).toMatchObject({ status: 'failed' });
		expect(failureInChinese(rows.web_push!.failure)).toContain('超时');
		expect(wecom.calls.map((c) => c.to)).toEqual(['stuck.xuanchuan']);
	});
});

describe('a chat platform’s pace per person', () => {
	it('holds a card WeCom would drop, and sends it again when the pace allows', async () => {
		const { notice, person: chen } = await told();
		await linkChannel(chen, 'wecom', 'chen.paced');
		const { senders, wecom, dingtalk } = await wiring({ wecom: { ok: false, retryable: true, retryAfterMs: 30_000, reason: text('notify.wecom.paced', { window: text('notify.window.minute'), max: 30 }) } });

		const before = Date.now();
		await deliver(notice(chen), senders);

		// Not failed, not passed on to DingTalk: waiting for WeCom's window.
		expect(wecom.calls).toHaveLength(1);
		expect(dingtalk.calls).toEqual([]);
		expect(await deliveries(notice(chen))).toEqual({});
		const jobs = await sql<{ startAfter: Date }[]>`
			select start_after from pgboss.job where name = 'deliver' and data->>'recipientId' = ${chen.id} and start_after > now()`;
		expect(jobs).toHaveLength(1);
		expect(jobs[0]!.startAfter.getTime()).toBeGreaterThanOrEqual(before + 29_000);
	});

	it('collapses a held notice into the newer step of the same clock: one card, the latest', async () => {
		const { clockId, occurred, notice, person: chen } = await told();
		await linkChannel(chen, 'wecom', 'chen.collapse');
		// The clock moves on to its next step before the held card's turn comes.
		await runClock(clockId, new Date(occurred.getTime() + 3 * 3_600_000));
		const { senders, wecom } = await wiring();

		await deliver(notice(chen, 0), senders);
		expect(wecom.calls).toEqual([]);
		await deliver(notice(chen, 1), senders);
		expect(wecom.calls).toHaveLength(1);
		expect(wecom.calls[0]!.message.title).toContain('发布权威信息');
	});
});

describe('notices outside any clock (a sign-off request, an alert)', () => {
	async function signoffNotice() {
		const unit = await freshUnit();
		const leader = await makePerson(unit.id, ['leader']);
		const releaseId = crypto.randomUUID();
		const sent = await sql.begin((tx) =>
			sendNotice(tx, [leader.id, leader.id], {
				kind: 'signoff',
				urgency: 'critical',
				title: text('signoff.notice_title', { title: '暴雨情况通报' }),
				body: text('common.verbatim', { text: '版本 7F3A' }),
				url: `/releases/${releaseId}/sign/x`,
				subject: { type: 'release', id: releaseId }
			})
		);
		return { leader, releaseId, notificationId: sent.get(leader.id)!, sent };
	}

	it('tells each person once, in the inbox and on their phone, without a 收到 button', async () => {
		const { leader, releaseId, notificationId, sent } = await signoffNotice();
		expect(sent.size).toBe(1);
		const device = await phone(leader);
		const { senders } = await wiring();
		await deliver({ notificationId, recipientId: leader.id }, senders);
		const [push] = fake.receivedBy(device.endpoint);
		const payload = push!.payload as PushPayload;
		expect(payload).toMatchObject({ title: '待签发：暴雨情况通报', url: `/releases/${releaseId}/sign/x`, urgency: 'critical', ack: false });
		expect(await tokenMatches(sql, payload.id, payload.token!)).toBe(true);
		const rows = await sql<{ channel: string; status: string }[]>`
			select channel, status from deliveries where notification_id = ${notificationId} order by channel`;
		expect(rows).toEqual([
			{ channel: 'inbox', status: 'sent' },
			{ channel: 'web_push', status: 'sent' }
		]);
		// The release's own timeline says which channel reached whom.
		const events = await sql<{ kind: string; data: { channel: string } }[]>`
			select kind, data from timeline_events where subject = 'release' and subject_id = ${releaseId}`;
		expect(events).toEqual([{ kind: 'delivery.sent', data: expect.objectContaining({ channel: 'web_push', person: leader.name }) }]);
		// A second run of the same job sends nothing more.
		await deliver({ notificationId, recipientId: leader.id }, senders);
		expect(fake.receivedBy(device.endpoint)).toHaveLength(1);
	});

	it('stops trying further channels once the notice is answered', async () => {
		const { leader, releaseId, notificationId } = await signoffNotice();
		await linkChannel(leader, 'wecom', `leader.${unitSerial}`);
		const { senders, wecom } = await wiring();
		await sql.begin((tx) => settleNotices(tx, { subject: { type: 'release', id: releaseId }, kind: 'signoff', url: null }, 'void', null, new Date()));
		await deliver({ notificationId, recipientId: leader.id }, senders);
		expect(wecom.calls).toEqual([]);
	});
});
