// The delivery pipeline end to end: a clock's inbox notice goes out through the real Web Push sender to
// the fake push service (which decrypts as a browser would), then on to WeCom or DingTalk as the person's
// order says. No pg-boss worker runs here: the tests call deliver() and fallback() as the jobs would.
// This file: reaching the phones and falling back; pipeline-once.spec.ts (收到, one send per channel) and
// pipeline-channels.spec.ts (the person's order, timeouts, pace, notices outside a clock) go on (test-pipeline.ts).
import { describe, expect, it } from 'vitest';
import { sql } from '../db.ts';
import { anonymousCaller } from '../test-helpers.ts';
import { deliver, fallback } from './dispatch.ts';
import { tokenMatches } from './tokens.ts';
import { deliveries, failureInChinese, fake, fallbackJobs, inboxNote, linkChannel, payloadOf, phone, told, usePipelineWorld, wiring } from './test-pipeline.ts';

usePipelineWorld();

describe('Web Push to every phone', () => {
	it('reaches both of a person’s phones with the inbox notice and its token, and waits for the receipt', async () => {
		const { notice, person: chen } = await told();
		const [a, b] = [await phone(chen), await phone(chen)];
		const { senders } = await wiring();

		const before = Date.now();
		await deliver(notice(chen), senders);

		const { web_push: push, ...others } = await deliveries(notice(chen));
		expect(push).toMatchObject({ status: 'sent', attempts: 1, failure: null });
		expect(push!.sentAt).not.toBeNull();
		expect(others).toEqual({});
		const note = await inboxNote(notice(chen));
		for (const device of [a, b]) {
			expect(fake.receivedBy(device.endpoint)).toHaveLength(1);
			expect(payloadOf(device)).toEqual({ id: push!.id, token: expect.any(String), title: note.title, body: note.body, url: note.url, urgency: note.urgency });
		}
		// One delivery, one token: whichever phone reports first proves it with the same one.
		expect(payloadOf(a).token).toBe(payloadOf(b).token);
		expect(await tokenMatches(sql, push!.id, payloadOf(a).token!)).toBe(true);

		const seen = await sql<{ lastSuccessAt: Date | null; lastFailure: string | null }[]>`
			select last_success_at, last_failure from push_devices where id in (${a.id}, ${b.id})`;
		expect(seen).toHaveLength(2);
		for (const d of seen) expect(d).toMatchObject({ lastSuccessAt: expect.any(Date), lastFailure: null });

		// The receipt check is due after the office's fallback window (60 s by default).
		const [job, ...more] = await fallbackJobs(push!.id);
		expect(more).toEqual([]);
		expect(job!.data).toEqual({ ...notice(chen), deliveryId: push!.id });
		expect(job!.startAfter.getTime()).toBeGreaterThanOrEqual(before + 59_000);
		expect(job!.startAfter.getTime()).toBeLessThanOrEqual(Date.now() + 61_000);
	});

	it('looks for the receipt after the office’s own fallback window', async () => {
		const { notice, person: chen } = await told();
		await phone(chen);
		const { senders } = await wiring();
		await sql`update settings set value = '180' where key = 'notify.fallback_seconds'`;
		try {
			const before = Date.now();
			await deliver(notice(chen), senders);
			const [job] = await fallbackJobs((await deliveries(notice(chen))).web_push!.id);
			expect(job!.startAfter.getTime()).toBeGreaterThanOrEqual(before + 179_000);
			expect(job!.startAfter.getTime()).toBeLessThanOrEqual(Date.now() + 181_000);
		} finally {
			await sql`update settings set value = '60' where key = 'notify.fallback_seconds'`;
		}
	});

	it('forgets a phone the push service says is gone (410) and still reaches the other', async () => {
		const { notice, person: chen } = await told();
		const gone = await phone(chen, { otherwise: { status: 410 } });
		const kept = await phone(chen);
		const { senders, wecom } = await wiring();
		await linkChannel(chen, 'wecom', 'chen.xuanchuan');

		await deliver(notice(chen), senders);

		expect(fake.receivedBy(gone.endpoint)).toHaveLength(1);
		expect(fake.receivedBy(kept.endpoint)).toHaveLength(1);
		const left = await sql<{ id: string }[]>`select id from push_devices where person_id = ${chen.id}`;
		expect(left.map((d) => d.id)).toEqual([kept.id]);
		expect((await deliveries(notice(chen))).web_push).toMatchObject({ status: 'sent' });
		// One phone got it: nothing on WeCom until the receipt window has passed.
		expect(wecom.calls).toEqual([]);
	});

	it('goes straight to WeCom for a person with no phone subscribed', async () => {
		const { clockId, notice, person: chen } = await told();
		await linkChannel(chen, 'wecom', 'chen.xuanchuan');
		const { senders, wecom, dingtalk } = await wiring();

		await deliver(notice(chen), senders);

		const rows = await deliveries(notice(chen));
		expect(Object.keys(rows)).toEqual(['wecom']);
		expect(rows.wecom).toMatchObject({ status: 'sent', attempts: 1 });
		const note = await inboxNote(notice(chen));
		expect(wecom.calls).toEqual([
			{
				to: 'chen.xuanchuan',
				message: { deliveryId: rows.wecom!.id, title: note.title, body: note.body, url: note.url, urgency: note.urgency, topic: clockId, acknowledgeable: true }
			}
		]);
		expect(dingtalk.calls).toEqual([]);
		const [kept] = await sql<{ providerMessageId: string }[]>`select provider_message_id from deliveries where id = ${rows.wecom!.id}`;
		expect(kept!.providerMessageId).toBe('msg-1');
	});
});

describe('falling back to the next channel', () => {
	it('sends on WeCom when the push was sent but no phone reported it within the window', async () => {
		const { notice, person: chen } = await told();
		const a = await phone(chen);
		await linkChannel(chen, 'wecom', 'chen.xuanchuan');
		await linkChannel(chen, 'dingtalk', 'chen-dd');
		const { senders, wecom, dingtalk } = await wiring();

		await deliver(notice(chen), senders);
		const push = (await deliveries(notice(chen))).web_push!;
		await fallback({ ...notice(chen), deliveryId: push.id }, senders);

		const rows = await deliveries(notice(chen));
		expect(rows.wecom).toMatchObject({ status: 'sent', attempts: 1 });
		expect(wecom.calls.map((c) => c.to)).toEqual(['chen.xuanchuan']);
		// WeCom accepted it and reports no receipt: DingTalk, next in the order, is not woken too.
		await fallback({ ...notice(chen), deliveryId: rows.wecom!.id }, senders);
		expect(dingtalk.calls).toEqual([]);
		expect(fake.receivedBy(a.endpoint)).toHaveLength(1);
		expect(Object.keys(await deliveries(notice(chen))).sort()).toEqual(['web_push', 'wecom']);
	});

	it('sends nothing more once a phone reported the push received', async () => {
		const { notice, person: chen } = await told();
		const a = await phone(chen);
		await linkChannel(chen, 'wecom', 'chen.xuanchuan');
		const { senders, wecom } = await wiring();

		await deliver(notice(chen), senders);
		const { id, token } = payloadOf(a);
		// The service worker reports with the payload's token alone, as a locked phone's would.
		await anonymousCaller().delivery.receipt({ deliveryId: id, token: token!, event: 'received' });
		await fallback({ ...notice(chen), deliveryId: id }, senders);

		expect(wecom.calls).toEqual([]);
		const rows = await deliveries(notice(chen));
		expect(Object.keys(rows)).toEqual(['web_push']);
		expect(rows.web_push).toMatchObject({ status: 'received' });
	});

	it('keeps a receipt that arrives while another of the person’s phones is still being tried', async () => {
		const { notice, person: chen } = await told();
		const quick = await phone(chen);
		const slow = await phone(chen, { replies: ['hang'] });
		await linkChannel(chen, 'wecom', 'chen.xuanchuan');
		const { senders, wecom } = await wiring({ timeoutMs: 1_000 });

		const sending = deliver(notice(chen), senders);
		while (fake.receivedBy(quick.endpoint).length === 0) await new Promise((r) => setTimeout(r, 10));
		const { id, token } = payloadOf(quick);
		await anonymousCaller().delivery.receipt({ deliveryId: id, token: token!, event: 'received' });
		await sending;

		// The slow phone timed out once, then took the retry.
		expect(fake.receivedBy(slow.endpoint).map((r) => r.status)).toEqual([null, 201]);
		expect((await deliveries(notice(chen))).web_push).toMatchObject({ status: 'received', attempts: 1 });
		await fallback({ ...notice(chen), deliveryId: id }, senders);
		expect(wecom.calls).toEqual([]);
	});

	it.each([
		['answer 500 to every try', { status: 500 }, 3],
		['refuse the request (400)', { status: 400 }, 1]
	] as const)('moves to WeCom at once when all phones %s', async (_, answer, tries) => {
		const { notice, person: chen } = await told();
		const [a, b] = [await phone(chen, { otherwise: answer }), await phone(chen, { otherwise: answer })];
		await linkChannel(chen, 'wecom', 'chen.xuanchuan');
		const { senders, wecom } = await wiring();

		await deliver(notice(chen), senders);

		expect(fake.receivedBy(a.endpoint)).toHaveLength(tries);
		expect(fake.receivedBy(b.endpoint)).toHaveLength(tries);
		const rows = await deliveries(notice(chen));
		expect(rows.web_push).toMatchObject({ status: 'failed', attempts: 1, sentAt: null });
		expect(failureInChinese(rows.web_push!.failure)).toContain(`（${answer.status}）`);
		expect(rows.wecom).toMatchObject({ status: 'sent' });
		expect(wecom.calls).toHaveLength(1);
		// Both phones are kept (the service may recover) and show why the last push failed.
		const devices = await sql<{ lastFailure: string | null }[]>`select last_failure from push_devices where person_id = ${chen.id}`;
		expect(devices.map((d) => d.lastFailure)).toEqual([rows.web_push!.failure, rows.web_push!.failure]);
		// The receipt check now watches the WeCom delivery, and WeCom's acceptance stands.
		expect(await fallbackJobs(rows.web_push!.id)).toEqual([]);
		expect(await fallbackJobs(rows.wecom!.id)).toHaveLength(1);
	});

	it('leaves the delivery failed when no channel is left to try', async () => {
		const { notice, person: chen } = await told();
		await phone(chen, { otherwise: { status: 400 } });
		const { senders } = await wiring();

		await deliver(notice(chen), senders);

		const rows = await deliveries(notice(chen));
		expect(Object.keys(rows)).toEqual(['web_push']);
		expect(rows.web_push).toMatchObject({ status: 'failed' });
		expect(await fallbackJobs(rows.web_push!.id)).toEqual([]);
	});
});
