// The delivery pipeline end to end: a clock's inbox notice goes out through the real Web Push sender to
// the fake push service (which decrypts as a browser would), then on to WeCom or DingTalk as the person's
// order says. No pg-boss worker runs here: the tests call deliver() and fallback() as the jobs would.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakePushService, type FakePushService, type Step } from '../../../../tests/support/fake-push-service.ts';
import { runClock } from '../clocks/flows.ts';
import { sql } from '../db.ts';
import type { PersonRow } from '../people/queries.ts';
import { anonymousCaller, logMajorIncident, makePerson, makeProvince, makeUnit, signInAs } from '../test-helpers.ts';
import type { OutgoingMessage, SendOutcome } from './channel.ts';
import { upsertDevice, type DeviceRow } from './devices.ts';
import { deliver, fallback } from './dispatch.ts';
import { sendNotice, settleNotices } from './notices.ts';
import type { ClockNotice as Notice, ExternalChannel, Senders } from './pipeline.ts';
import { tokenMatches } from './tokens.ts';
import { vapidKeys } from './vapid.ts';
import { createWebPushSender, withRetries, type PushPayload } from './webpush.ts';

let fake: FakePushService;
let city: Awaited<ReturnType<typeof makeProvince>>;

beforeAll(async () => {
	fake = await startFakePushService();
	// The one local origin the sender may reach, named explicitly as the test harnesses do.
	process.env.HUIYING_TEST_PUSH_ORIGIN = fake.origin;
	city = await makeProvince();
	await sql`insert into channel_settings (channel, enabled) values ('wecom', true), ('dingtalk', true)`;
});
afterAll(() => fake.close());
afterEach(() => {
	// Every push in every test carried a valid VAPID token and a body the phone could decrypt.
	expect(fake.rejected).toEqual([]);
});

/** Web Push as appSenders wires it (three quick tries per device), through the fake service's agent and without real waits. */
async function webPush(timeoutMs?: number): Promise<NonNullable<Senders['webPush']>> {
	const push = createWebPushSender({ vapid: await vapidKeys(sql), agent: fake.agent, ...(timeoutMs ? { timeoutMs } : {}) });
	return async (device, message) =>
		(
			await withRetries(() => push.send({ endpoint: device.endpoint, keys: { p256dh: device.p256dh, auth: device.auth } }, message), {
				attempts: 3,
				sleep: async () => {}
			})
		).outcome;
}

/** A WeCom or DingTalk stand-in: records what it was asked to send and answers as told. */
function chat(answer: SendOutcome = { ok: true, providerMessageId: 'msg-1' }) {
	const calls: { to: string; message: OutgoingMessage }[] = [];
	return {
		calls,
		send: async (to: string, message: OutgoingMessage): Promise<SendOutcome> => {
			calls.push({ to, message });
			return answer;
		}
	};
}

async function wiring(opts: { timeoutMs?: number; wecom?: SendOutcome; dingtalk?: SendOutcome } = {}) {
	const wecom = chat(opts.wecom);
	const dingtalk = chat(opts.dingtalk);
	const senders: Senders = { webPush: await webPush(opts.timeoutMs), wecom: wecom.send, dingtalk: dingtalk.send };
	return { senders, wecom, dingtalk };
}

let unitSerial = 0;

/**
 * A department of its own with `count` press officers, a level II incident it leads, and the first
 * step of the 5-hour clock in their inboxes: each test's people and notices are its own.
 */
async function told(count = 1) {
	unitSerial += 1;
	const unit = await makeUnit(`江城市测试局${unitSerial}`, city.government.id);
	const duty = await makePerson(unit.id, ['duty']);
	const people: PersonRow[] = [];
	for (let i = 0; i < count; i++) people.push(await makePerson(unit.id, ['press_officer']));
	const occurred = new Date(Date.now() - 60_000);
	const { fiveHour } = await logMajorIncident(duty, unit.id, occurred);
	const clockId = fiveHour!.id;
	await runClock(clockId, occurred);
	return { clockId, occurred, people, notice: (p: PersonRow, stepIndex = 0): Notice => ({ clockId, stepIndex, recipientId: p.id }) };
}

/** A browser subscription on the fake service, registered for `person` as the device router does. */
async function phone(person: PersonRow, script?: { replies?: Step[]; otherwise?: Step }): Promise<DeviceRow> {
	const key = (await vapidKeys(sql)).publicKey;
	const sub = fake.createSubscription({ applicationServerKey: key });
	if (script) fake.script(sub.endpoint, script);
	return upsertDevice(sql, {
		personId: person.id,
		endpoint: sub.endpoint,
		p256dh: sub.keys.p256dh,
		auth: sub.keys.auth,
		vapidPublicKey: key,
		name: 'Android Chrome',
		platform: 'Android',
		userAgent: null
	});
}

async function linkChannel(person: PersonRow, channel: Exclude<ExternalChannel, 'web_push'>, externalId: string) {
	await sql`insert into person_channels (person_id, channel, external_id) values (${person.id}, ${channel}, ${externalId})`;
}

interface DeliveryState {
	id: string;
	channel: string;
	status: string;
	attempts: number;
	sentAt: Date | null;
	failure: string | null;
}

/** The notice's deliveries beyond the inbox, keyed by channel. */
async function deliveries(n: Notice): Promise<Record<string, DeliveryState>> {
	const rows = await sql<DeliveryState[]>`
		select id::text, channel, status, attempts, sent_at, failure from deliveries
		where clock_id = ${n.clockId} and step_index = ${n.stepIndex} and recipient_id = ${n.recipientId} and channel <> 'inbox'`;
	return Object.fromEntries(rows.map((r) => [r.channel, r]));
}

async function inboxNote(n: Notice) {
	const [note] = await sql<{ title: string; body: string; url: string; urgency: string }[]>`
		select n.title, n.body, n.url, n.urgency from deliveries d join notifications n on n.id = d.notification_id
		where d.clock_id = ${n.clockId} and d.step_index = ${n.stepIndex} and d.recipient_id = ${n.recipientId} and d.channel = 'inbox'`;
	return note!;
}

async function fallbackJobs(deliveryId: string) {
	return sql<{ data: { deliveryId: string }; startAfter: Date }[]>`
		select data, start_after from pgboss.job where name = 'delivery-fallback' and data->>'deliveryId' = ${deliveryId}`;
}

const payloadOf = (device: DeviceRow, nth = 0) => fake.receivedBy(device.endpoint)[nth]?.payload as PushPayload;

describe('Web Push to every phone', () => {
	it('reaches both of a person’s phones with the inbox notice and its token, and waits for the receipt', async () => {
		const { notice, people } = await told();
		const [chen] = people as [PersonRow];
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
		const { notice, people } = await told();
		const [chen] = people as [PersonRow];
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
		const { notice, people } = await told();
		const [chen] = people as [PersonRow];
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
		const { clockId, notice, people } = await told();
		const [chen] = people as [PersonRow];
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
		const { notice, people } = await told();
		const [chen] = people as [PersonRow];
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
		const { notice, people } = await told();
		const [chen] = people as [PersonRow];
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
		const { notice, people } = await told();
		const [chen] = people as [PersonRow];
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
		const { notice, people } = await told();
		const [chen] = people as [PersonRow];
		const [a, b] = [await phone(chen, { otherwise: answer }), await phone(chen, { otherwise: answer })];
		await linkChannel(chen, 'wecom', 'chen.xuanchuan');
		const { senders, wecom } = await wiring();

		await deliver(notice(chen), senders);

		expect(fake.receivedBy(a.endpoint)).toHaveLength(tries);
		expect(fake.receivedBy(b.endpoint)).toHaveLength(tries);
		const rows = await deliveries(notice(chen));
		expect(rows.web_push).toMatchObject({ status: 'failed', attempts: 1, sentAt: null });
		expect(rows.web_push!.failure).toContain(`（${answer.status}）`);
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
		const { notice, people } = await told();
		const [chen] = people as [PersonRow];
		await phone(chen, { otherwise: { status: 400 } });
		const { senders } = await wiring();

		await deliver(notice(chen), senders);

		const rows = await deliveries(notice(chen));
		expect(Object.keys(rows)).toEqual(['web_push']);
		expect(rows.web_push).toMatchObject({ status: 'failed' });
		expect(await fallbackJobs(rows.web_push!.id)).toEqual([]);
	});
});

describe('收到 on any channel stops the rest of the step', () => {
	it('after 收到 from the notification, the receipt check sends nothing, for this person or the others told', async () => {
		const { notice, people } = await told(2);
		const [chen, lin] = people as [PersonRow, PersonRow];
		const a = await phone(chen);
		await linkChannel(chen, 'wecom', 'chen.xuanchuan');
		await linkChannel(lin, 'wecom', 'lin.xuanchuan');
		const { senders, wecom } = await wiring();

		await deliver(notice(chen), senders);
		const { id, token } = payloadOf(a);
		const me = await signInAs(chen.username!);
		expect(await me.caller.delivery.acknowledge({ deliveryId: id, token: token! })).toEqual({ acknowledged: true });

		await fallback({ ...notice(chen), deliveryId: id }, senders);
		await deliver(notice(lin), senders);
		expect(wecom.calls).toEqual([]);
		expect(await deliveries(notice(lin))).toEqual({});
		expect((await deliveries(notice(chen))).web_push).toMatchObject({ status: 'acknowledged' });
	});

	it('after 收到 in the app, nothing goes out at all for that step, but the next step still does', async () => {
		const { clockId, occurred, notice, people } = await told();
		const [chen] = people as [PersonRow];
		const a = await phone(chen);
		await linkChannel(chen, 'wecom', 'chen.xuanchuan');
		const { senders, wecom } = await wiring();

		const me = await signInAs(chen.username!);
		expect(await me.caller.clock.acknowledge({ clockId, stepIndex: 0, channel: 'inbox' })).toMatchObject({ acknowledged: true });
		await deliver(notice(chen), senders);
		expect(fake.receivedBy(a.endpoint)).toEqual([]);
		expect(wecom.calls).toEqual([]);
		expect(await deliveries(notice(chen))).toEqual({});

		// "2 hours left" is a new step: it is told again.
		await runClock(clockId, new Date(occurred.getTime() + 3 * 3_600_000));
		await deliver(notice(chen, 1), senders);
		expect(fake.receivedBy(a.endpoint)).toHaveLength(1);
		expect((await deliveries(notice(chen, 1))).web_push).toMatchObject({ status: 'sent' });
	});

	it('after 收到 from one person’s WeCom card, another’s unreported push does not fall back', async () => {
		const { clockId, notice, people } = await told(2);
		const [chen, lin] = people as [PersonRow, PersonRow];
		await linkChannel(chen, 'wecom', 'chen.xuanchuan');
		const b = await phone(lin);
		await linkChannel(lin, 'wecom', 'lin.xuanchuan');
		const { senders, wecom } = await wiring();

		await deliver(notice(chen), senders);
		await deliver(notice(lin), senders);
		expect(wecom.calls.map((c) => c.to)).toEqual(['chen.xuanchuan']);
		expect(fake.receivedBy(b.endpoint)).toHaveLength(1);

		// The card's link opens the app, where 收到 is recorded as coming from WeCom.
		const me = await signInAs(chen.username!);
		expect(await me.caller.clock.acknowledge({ clockId, stepIndex: 0, channel: 'wecom' })).toMatchObject({ acknowledged: true });
		await fallback({ ...notice(lin), deliveryId: (await deliveries(notice(lin))).web_push!.id }, senders);
		expect(wecom.calls.map((c) => c.to)).toEqual(['chen.xuanchuan']);
		const [ack] = await sql<{ channel: string }[]>`select channel from clock_acknowledgements where clock_id = ${clockId}`;
		expect(ack!.channel).toBe('wecom');
	});
});

describe('one send per channel', () => {
	it('sends once when the same notice is delivered twice at the same moment', async () => {
		const { notice, people } = await told();
		const [chen] = people as [PersonRow];
		const [a, b] = [await phone(chen), await phone(chen)];
		await linkChannel(chen, 'wecom', 'chen.xuanchuan');
		const { senders, wecom } = await wiring();

		await Promise.all([deliver(notice(chen), senders), deliver(notice(chen), senders)]);

		expect(fake.receivedBy(a.endpoint)).toHaveLength(1);
		expect(fake.receivedBy(b.endpoint)).toHaveLength(1);
		expect(wecom.calls).toEqual([]);
		const rows = await deliveries(notice(chen));
		expect(Object.keys(rows)).toEqual(['web_push']);
		expect(await fallbackJobs(rows.web_push!.id)).toHaveLength(1);

		// Two receipt checks at once: one WeCom card.
		const check = { ...notice(chen), deliveryId: rows.web_push!.id };
		await Promise.all([fallback(check, senders), fallback(check, senders)]);
		expect(wecom.calls).toHaveLength(1);
	});

	it('does not jump to WeCom while the first delivery is still pushing to the phone', async () => {
		const { notice, people } = await told();
		const [chen] = people as [PersonRow];
		const a = await phone(chen);
		await linkChannel(chen, 'wecom', 'chen.xuanchuan');
		const { senders, wecom } = await wiring();
		let release!: () => void;
		const held = new Promise<void>((r) => (release = r));
		let started!: () => void;
		const inFlight = new Promise<void>((r) => (started = r));
		const slow: Senders = {
			...senders,
			webPush: async (device, message) => {
				started();
				await held;
				return senders.webPush!(device, message);
			}
		};

		const first = deliver(notice(chen), slow);
		await inFlight;
		await deliver(notice(chen), senders);
		release();
		await first;

		expect(wecom.calls).toEqual([]);
		expect(fake.receivedBy(a.endpoint)).toHaveLength(1);
		expect(Object.keys(await deliveries(notice(chen)))).toEqual(['web_push']);
	});
	it('lets the job’s retry move on after a send that broke off, or a worker that died mid-send', async () => {
		const { notice, people } = await told(2);
		const [chen, lin] = people as [PersonRow, PersonRow];
		await phone(chen);
		await linkChannel(chen, 'wecom', 'chen.xuanchuan');
		const { senders, wecom } = await wiring();
		const broken: Senders = {
			...senders,
			webPush: async () => {
				throw new Error('connection terminated');
			}
		};

		await expect(deliver(notice(chen), broken)).rejects.toThrow('connection terminated');
		expect((await deliveries(notice(chen))).web_push).toMatchObject({ status: 'failed', failure: '发送中断（服务器内部错误）' });
		await deliver(notice(chen), senders);
		expect(wecom.calls.map((c) => c.to)).toEqual(['chen.xuanchuan']);

		// A worker that died leaves its row unfinished; two minutes on, nobody is sending it any more.
		await phone(lin);
		await linkChannel(lin, 'wecom', 'lin.xuanchuan');
		await sql`
			insert into deliveries (clock_id, step_index, tier, recipient_id, channel, status, due_at, created_at)
			select clock_id, step_index, tier, recipient_id, 'web_push', 'queued', due_at, now() - interval '3 minutes'
			from deliveries where clock_id = ${notice(lin).clockId} and recipient_id = ${lin.id} and channel = 'inbox'`;
		await deliver(notice(lin), senders);
		expect(wecom.calls.map((c) => c.to)).toEqual(['chen.xuanchuan', 'lin.xuanchuan']);
	});
});

describe('the person’s order', () => {
	it('tries DingTalk first for someone who put it before Web Push', async () => {
		const { notice, people } = await told();
		const [chen] = people as [PersonRow];
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
		const { notice, people } = await told();
		const [chen] = people as [PersonRow];
		const a = await phone(chen);
		await linkChannel(chen, 'dingtalk', 'chen-dd');
		await sql`update people set channel_order = array['dingtalk', 'web_push'] where id = ${chen.id}`;
		const { senders } = await wiring({ dingtalk: { ok: false, retryable: false, reason: '钉钉：用户 ID 不存在（60111）' } });

		await deliver(notice(chen), senders);
		const rows = await deliveries(notice(chen));
		expect(rows.dingtalk).toMatchObject({ status: 'failed', failure: '钉钉：用户 ID 不存在（60111）' });
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
		expect(rows.web_push!.failure).toContain('超时');
		expect(wecom.calls.map((c) => c.to)).toEqual(['stuck.xuanchuan']);
	});
});

describe('a chat platform’s pace per person', () => {
	it('holds a card WeCom would drop, and sends it again when the pace allows', async () => {
		const { notice, people } = await told();
		const [chen] = people as [PersonRow];
		await linkChannel(chen, 'wecom', 'chen.paced');
		const { senders, wecom, dingtalk } = await wiring({ wecom: { ok: false, retryable: true, retryAfterMs: 30_000, reason: '企业微信：该成员一分钟内消息已达上限' } });

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
		const { clockId, occurred, notice, people } = await told();
		const [chen] = people as [PersonRow];
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
		unitSerial += 1;
		const unit = await makeUnit(`江城市测试局${unitSerial}`, city.government.id);
		const leader = await makePerson(unit.id, ['leader']);
		const releaseId = crypto.randomUUID();
		const sent = await sql.begin((tx) =>
			sendNotice(tx, [leader.id, leader.id], {
				kind: 'signoff',
				urgency: 'critical',
				title: '待签发：暴雨情况通报',
				body: '版本 7F3A',
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
