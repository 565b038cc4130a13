import { beforeAll, describe, expect, it } from 'vitest';
import { runClock } from '../clocks/flows.ts';
import { sql } from '../db.ts';
import { anonymousCaller, logMajorIncident, makeProvince, refusal, signInAs, type SignedIn } from '../test-helpers.ts';
import { issueDeliveryToken } from './tokens.ts';
import { newVapidKeys, vapidKeys } from './vapid.ts';

let city: Awaited<ReturnType<typeof makeProvince>>;
let press: SignedIn, spokesperson: SignedIn;

beforeAll(async () => {
	city = await makeProvince();
	[press, spokesperson] = await Promise.all([signInAs('press-a'), signInAs('spokes-a')]);
});

const subscription = (n: number) => ({
	endpoint: `https://push.example.com/send/device-${n}`,
	keys: { p256dh: 'BAbcdefghijklmnopqrstuvwxyz0123456789_-ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrs', auth: 'abcdefghijklmnopqrstuv' },
	name: 'iOS Safari',
	platform: 'iOS'
});

describe('VAPID keys', () => {
	it('are made once and kept, so every instance signs with the same key', async () => {
		const first = await vapidKeys(sql);
		const second = await vapidKeys(sql);
		expect(second).toEqual(first);
		// An uncompressed P-256 point is 65 bytes: what PushManager.subscribe expects.
		expect(Buffer.from(first.publicKey, 'base64url')).toHaveLength(65);
	});

	it('makes a new pair every time it is asked to generate', () => {
		expect(newVapidKeys().publicKey).not.toBe(newVapidKeys().publicKey);
	});
});

describe('my devices', () => {
	it('registers this phone, lists only my own devices, renames and removes them', async () => {
		const mine = await press.caller.device.register(subscription(1));
		expect(mine).toMatchObject({ name: 'iOS Safari', platform: 'iOS', stale: false, lastSuccessAt: null });
		await spokesperson.caller.device.register(subscription(2));
		expect((await press.caller.device.list()).map((d) => d.endpoint)).toEqual([subscription(1).endpoint]);

		await press.caller.device.rename({ id: mine.id, name: '值班手机' });
		expect((await press.caller.device.list())[0]!.name).toBe('值班手机');
		expect((await refusal(spokesperson.caller.device.rename({ id: mine.id, name: '别人的' }))).code).toBe('NOT_FOUND');
		expect((await refusal(spokesperson.caller.device.remove({ id: mine.id }))).code).toBe('NOT_FOUND');

		await press.caller.device.remove({ id: mine.id });
		expect(await press.caller.device.list()).toEqual([]);
		const [audited] = await sql`select 1 from audit_log where action = 'device.removed' and entity_id = ${mine.id}`;
		expect(audited).toBeDefined();
	});

	it('moves a shared phone to whoever subscribes on it next', async () => {
		await press.caller.device.register(subscription(3));
		await spokesperson.caller.device.register(subscription(3));
		expect((await press.caller.device.list()).some((d) => d.endpoint === subscription(3).endpoint)).toBe(false);
		expect((await spokesperson.caller.device.list()).some((d) => d.endpoint === subscription(3).endpoint)).toBe(true);
	});

	it('marks a device subscribed with an older key as stale, so it subscribes again on its next visit', async () => {
		const d = await press.caller.device.register(subscription(4));
		await sql`update push_devices set vapid_public_key = 'an-older-key' where id = ${d.id}`;
		expect((await press.caller.device.list()).find((x) => x.id === d.id)!.stale).toBe(true);
	});

	it('sends a test notification and shows why it failed when the push service cannot be reached', async () => {
		const unreachable = { ...subscription(6), endpoint: 'https://127.0.0.1:9/push/unreachable' };
		const d = await press.caller.device.register(unreachable);
		const result = await press.caller.device.test({ id: d.id });
		expect(result.sent).toBe(false);
		const listed = (await press.caller.device.list()).find((x) => x.id === d.id)!;
		expect(listed.lastFailure).toMatch(/Web Push/);
		expect((await refusal(spokesperson.caller.device.test({ id: d.id }))).code).toBe('NOT_FOUND');
	});

	it('refuses an endpoint that is not HTTPS', async () => {
		const e = await refusal(press.caller.device.register({ ...subscription(5), endpoint: 'http://push.example.com/x' }));
		expect(e.code).toBe('BAD_REQUEST');
	});
});

describe('receipts and 收到 from a notification', () => {
	async function told() {
		const occurred = new Date('2026-11-20T23:10:00+08:00');
		const { fiveHour } = await logMajorIncident(city.people.duty, city.deptA.id, occurred);
		const release = fiveHour!;
		await runClock(release.id, occurred);
		const [delivery] = await sql<{ id: string }[]>`
			select id::text from deliveries where clock_id = ${release.id} and recipient_id = ${press.user.id} and step_index = 0`;
		return { clockId: release.id, deliveryId: delivery!.id, token: await issueDeliveryToken(sql, delivery!.id) };
	}
	const state = async (id: string) =>
		(await sql<{ status: string; receivedAt: Date | null; openedAt: Date | null }[]>`
			select status, received_at, opened_at from deliveries where id = ${id}`)[0]!;

	it('records received then opened with the token alone (no session needed), and never moves backwards', async () => {
		const { deliveryId, token } = await told();
		const sw = anonymousCaller();
		await sw.delivery.receipt({ deliveryId, token, event: 'received' });
		expect(await state(deliveryId)).toMatchObject({ status: 'received' });
		await sw.delivery.receipt({ deliveryId, token, event: 'opened' });
		await sw.delivery.receipt({ deliveryId, token, event: 'received' });
		const s = await state(deliveryId);
		expect(s.status).toBe('opened');
		expect(s.receivedAt).not.toBeNull();
		expect(s.openedAt).not.toBeNull();
	});

	it('ignores a receipt with a wrong or another delivery’s token', async () => {
		const a = await told();
		const b = await told();
		expect((await refusal(anonymousCaller().delivery.receipt({ deliveryId: a.deliveryId, token: b.token, event: 'received' }))).code).toBe('NOT_FOUND');
		expect((await state(a.deliveryId)).status).toBe('sent');
	});

	it('acknowledges the step once from the notification, for its own recipient only', async () => {
		const { clockId, deliveryId, token } = await told();
		expect((await refusal(spokesperson.caller.delivery.acknowledge({ deliveryId, token }))).code).toBe('NOT_FOUND');
		expect(await press.caller.delivery.acknowledge({ deliveryId, token })).toEqual({ acknowledged: true });
		// The token is single-use: replaying the tap does nothing more.
		expect(await press.caller.delivery.acknowledge({ deliveryId, token })).toEqual({ acknowledged: false });
		const acks = await sql`select person_id from clock_acknowledgements where clock_id = ${clockId}`;
		expect(acks).toHaveLength(1);
		expect((await state(deliveryId)).status).toBe('acknowledged');
	});
});
