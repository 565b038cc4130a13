// The world the delivery pipeline specs share: the fake push service (which decrypts as a browser would), a province
// with WeCom and DingTalk switched on, senders wired as the jobs wire them, and a unit of its own per test with a clock
// notice in its people's inboxes. Test code: imported only by pipeline*.spec.ts files, which call usePipelineWorld().
import { render, type Text } from '../../i18n/index.ts';
import { localeOf } from '../locale.ts';
import { storedText } from './text.ts';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { startFakePushService, type FakePushService, type Step } from '../../../../tests/support/fake-push-service.ts';
import { runClock } from '../clocks/flows.ts';
import { sql } from '../db.ts';
import type { PersonRow } from '../people/queries.ts';
import { logMajorIncident, makePerson, makeProvince, makeUnit } from '../test-helpers.ts';
import type { OutgoingMessage, SendOutcome } from './channel.ts';
import { upsertDevice, type DeviceRow } from './devices.ts';
import type { ClockNotice as Notice, ExternalChannel, Senders } from './pipeline.ts';
import { vapidKeys } from './vapid.ts';
import { createWebPushSender, withRetries, type PushPayload } from './webpush.ts';

export let fake: FakePushService;
export let city: Awaited<ReturnType<typeof makeProvince>>;

/** Starts the fake push service and the province for the spec file, and checks every push after each test. */
export function usePipelineWorld() {
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
}

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

/** Senders as the jobs get them: the real Web Push sender, and WeCom and DingTalk stand-ins answering as told. */
export async function wiring(opts: { timeoutMs?: number; wecom?: SendOutcome; dingtalk?: SendOutcome } = {}) {
	const wecom = chat(opts.wecom);
	const dingtalk = chat(opts.dingtalk);
	const senders: Senders = { webPush: await webPush(opts.timeoutMs), wecom: wecom.send, dingtalk: dingtalk.send };
	return { senders, wecom, dingtalk };
}

export let unitSerial = 0;

/** A department of its own, the next of the test units. */
export async function freshUnit() {
	unitSerial += 1;
	return makeUnit(`江城市测试局${unitSerial}`, city.government.id);
}

/**
 * A department of its own with `count` press officers, a level II incident it leads, and the first
 * step of the 5-hour clock in their inboxes: each test's people and notices are its own. `person` is the first of them.
 */
export async function told(count = 1) {
	const unit = await freshUnit();
	const duty = await makePerson(unit.id, ['duty']);
	const people: PersonRow[] = [];
	for (let i = 0; i < count; i++) people.push(await makePerson(unit.id, ['press_officer']));
	const occurred = new Date(Date.now() - 60_000);
	const { fiveHour } = await logMajorIncident(duty, unit.id, occurred);
	const clockId = fiveHour!.id;
	await runClock(clockId, occurred);
	return { clockId, occurred, people, person: people[0]!, notice: (p: PersonRow, stepIndex = 0): Notice => ({ clockId, stepIndex, recipientId: p.id }) };
}

/** A browser subscription on the fake service, registered for `person` as the device router does. */
export async function phone(person: PersonRow, script?: { replies?: Step[]; otherwise?: Step }): Promise<DeviceRow> {
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

/** The person's account on WeCom or DingTalk, as linking it in the app records it. */
export async function linkChannel(person: PersonRow, channel: Exclude<ExternalChannel, 'web_push'>, externalId: string) {
	await sql`insert into person_channels (person_id, channel, external_id) values (${person.id}, ${channel}, ${externalId})`;
}

interface DeliveryState {
	id: string;
	channel: string;
	status: string;
	attempts: number;
	sentAt: Date | null;
	/** stored as its key and parameters */
	failure: Text | null;
}

/** The notice's deliveries beyond the inbox, keyed by channel. */
export async function deliveries(n: Notice): Promise<Record<string, DeliveryState>> {
	const rows = await sql<DeliveryState[]>`
		select id::text, channel, status, attempts, sent_at, failure from deliveries
		where clock_id = ${n.clockId} and step_index = ${n.stepIndex} and recipient_id = ${n.recipientId} and channel <> 'inbox'`;
	return Object.fromEntries(rows.map((r) => [r.channel, r]));
}

/** The inbox notification the notice became: what every other channel repeats. */
export async function inboxNote(n: Notice) {
	const [note] = await sql<{ title: unknown; body: unknown; url: string; urgency: string; locale: string }[]>`
		select n.title, n.body, n.url, n.urgency, p.locale from deliveries d join notifications n on n.id = d.notification_id
		join people p on p.id = d.recipient_id
		where d.clock_id = ${n.clockId} and d.step_index = ${n.stepIndex} and d.recipient_id = ${n.recipientId} and d.channel = 'inbox'`;
	// stored as texts: read in the recipient's language, as every channel sends it
	const locale = localeOf(note!.locale);
	return { ...note!, title: render(storedText(note!.title), locale), body: render(storedText(note!.body), locale) };
}

/** A stored failure reason as a Chinese-reading office admin reads it. */
export const failureInChinese = (failure: Text | null | undefined) => (failure ? render(storedText(failure), 'zh-CN') : null);

/** The receipt checks queued for a delivery. */
export async function fallbackJobs(deliveryId: string) {
	return sql<{ data: { deliveryId: string }; startAfter: Date }[]>`
		select data, start_after from pgboss.job where name = 'delivery-fallback' and data->>'deliveryId' = ${deliveryId}`;
}

/** What the `nth` push to the device carried, as the phone decrypted it. */
export const payloadOf = (device: DeviceRow, nth = 0) => fake.receivedBy(device.endpoint)[nth]?.payload as PushPayload;
