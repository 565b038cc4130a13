import { createECDH, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { m } from '../../paraglide/messages.js';
import { runClock } from '../clocks/flows.ts';
import { sql } from '../db.ts';
import { anonymousCaller, logMajorIncident, makeProvince, refusal, signInAs, type SignedIn } from '../test-helpers.ts';
import { issueDeliveryToken } from './tokens.ts';
import { newVapidKeys, vapidKeys } from './vapid.ts';

// This machine may have no resolver at all: names resolve to what a test says, as the system resolver would answer.
const dns = vi.hoisted(() => ({ answers: new Map<string, string[]>(), asked: [] as string[] }));
vi.mock('node:dns', async (importOriginal) => {
	const real = await importOriginal<typeof import('node:dns')>();
	const lookup = (host: string, _options: unknown, callback: (err: NodeJS.ErrnoException | null, addresses: { address: string; family: number }[]) => void) => {
		dns.asked.push(host);
		const answers = dns.answers.get(host);
		if (!answers) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }), []);
		callback(null, answers.map((address) => ({ address, family: isIP(address) })));
	};
	return { ...real, lookup, default: { ...real, lookup } };
});
dns.answers.set('fcm.googleapis.com', ['142.250.72.10', '2607:f8b0:4005:80b::200a']);
afterEach(() => {
	delete process.env.PUSH_HOSTS;
	delete process.env.HUIYING_TEST_PUSH_ORIGIN;
});

let city: Awaited<ReturnType<typeof makeProvince>>;
let press: SignedIn, spokesperson: SignedIn;

beforeAll(async () => {
	city = await makeProvince();
	[press, spokesperson] = await Promise.all([signInAs('press-a'), signInAs('spokes-a')]);
});

// A browser's subscription keys (a P-256 point and 16 random bytes), so a test push can be encrypted.
const browserKeys = { p256dh: createECDH('prime256v1').generateKeys('base64url'), auth: randomBytes(16).toString('base64url') };
const subscription = (n: number) => ({
	endpoint: `https://fcm.googleapis.com/fcm/send/device-${n}`,
	keys: browserKeys,
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

	it('sends a test notification and says it failed when the push service cannot be reached, without the network’s own words', async () => {
		// Nothing listens on port 9; only the explicit test setting lets the server try a local address at all.
		process.env.HUIYING_TEST_PUSH_ORIGIN = 'https://127.0.0.1:9';
		const unreachable = { ...subscription(6), endpoint: 'https://127.0.0.1:9/push/unreachable' };
		const d = await press.caller.device.register(unreachable);
		const result = await press.caller.device.test({ id: d.id });
		expect(result).toEqual({ sent: false, reason: m['notify.push_unreachable']() });
		const listed = (await press.caller.device.list()).find((x) => x.id === d.id)!;
		expect(listed.lastFailure).toBe(m['notify.push_unreachable']());
		expect(listed.lastFailure).not.toMatch(/ECONN|[A-Z_]{6,}/);
		expect((await refusal(spokesperson.caller.device.test({ id: d.id }))).code).toBe('NOT_FOUND');
	});

	it('refuses an endpoint that is not HTTPS', async () => {
		const e = await refusal(press.caller.device.register({ ...subscription(5), endpoint: 'http://push.example.com/x' }));
		expect(e.code).toBe('BAD_REQUEST');
	});
});

describe('push endpoints the server will connect to', () => {
	const register = (endpoint: string) => press.caller.device.register({ ...subscription(0), endpoint });
	const notAllowed = m['notify.endpoint_not_allowed']({ field: '推送地址' });

	it.each([
		'https://127.0.0.1:9/push/x',
		'https://localhost/push/x',
		'https://10.0.0.5/x',
		'https://[::1]/x',
		'https://push.example.com/send/x',
		'https://fcm.googleapis.com.evil.example/fcm/send/x',
		'https://fcm.googleapis.com:8443/fcm/send/x',
		'https://admin:secret@fcm.googleapis.com/fcm/send/x',
		'https://notify.windows.com/w/?token=x'
	])('refuses %s, naming the field and nothing about the network', async (endpoint) => {
		const e = await refusal(register(endpoint));
		expect(e.code).toBe('BAD_REQUEST');
		expect(e.message).toBe(notAllowed);
		expect(await press.caller.device.list()).not.toContainEqual(expect.objectContaining({ endpoint }));
	});

	it('accepts the push services of Chrome, Firefox, Safari and Edge', async () => {
		dns.answers.set('updates.push.services.mozilla.com', ['34.117.237.239']);
		dns.answers.set('web.push.apple.com', ['17.57.144.10']);
		dns.answers.set('wns2-sg2p.notify.windows.com', ['20.44.232.74']);
		for (const endpoint of [
			'https://fcm.googleapis.com/fcm/send/abc',
			'https://updates.push.services.mozilla.com/wpush/v2/abc',
			'https://web.push.apple.com/QGyz-abc',
			'https://wns2-sg2p.notify.windows.com/w/?token=abc'
		]) {
			expect((await register(endpoint)).endpoint).toBe(endpoint);
		}
	});

	it.each([
		['loopback', ['127.0.0.1']],
		['loopback IPv6', ['::1']],
		['private', ['10.20.0.5']],
		['one private among public ones', ['52.84.10.1', '192.168.1.20']],
		['link-local (cloud metadata)', ['169.254.169.254']],
		['carrier-grade NAT', ['100.64.3.2']],
		['unique-local IPv6', ['fd12:3456::1']],
		['IPv4-mapped IPv6', ['::ffff:10.0.0.1']]
	])('refuses an operator-added push host that resolves to a %s address', async (_what, addresses) => {
		process.env.PUSH_HOSTS = 'push.gov-cloud.example, *.push.example.org';
		dns.answers.set('push.gov-cloud.example', addresses);
		expect((await refusal(register('https://push.gov-cloud.example/p/1'))).message).toBe(notAllowed);
	});

	it('accepts an operator-added host on public addresses, and says so when a name does not resolve', async () => {
		process.env.PUSH_HOSTS = 'push.gov-cloud.example, *.push.example.org';
		dns.answers.set('eu.push.example.org', ['52.84.10.1', '2a05:d014::1']);
		expect((await register('https://eu.push.example.org/p/2')).endpoint).toBe('https://eu.push.example.org/p/2');
		const e = await refusal(register('https://gone.push.example.org/p/3'));
		expect(e.message).toBe(m['notify.endpoint_unresolvable']());
		// Without the operator's setting the same host is no push service.
		delete process.env.PUSH_HOSTS;
		expect((await refusal(register('https://eu.push.example.org/p/4'))).message).toBe(notAllowed);
	});

	it('checks again when sending: a device whose name now points inside the network is not contacted', async () => {
		process.env.PUSH_HOSTS = 'rebind.example.net';
		dns.answers.set('rebind.example.net', ['52.84.10.1']);
		const d = await register('https://rebind.example.net/p/5');
		dns.answers.set('rebind.example.net', ['127.0.0.1']);
		dns.asked.length = 0;
		expect(await press.caller.device.test({ id: d.id })).toEqual({ sent: false, reason: m['notify.push_endpoint_refused']() });
		expect(dns.asked).toContain('rebind.example.net');
	});

	it('never contacts a device stored with an internal endpoint (registered before these checks)', async () => {
		const [row] = await sql<{ id: string }[]>`
			insert into push_devices (person_id, endpoint, p256dh, auth, vapid_public_key, name)
			values (${press.user.id}, 'https://127.0.0.1:9/push/old', 'p', 'a', 'k', '旧手机') returning id`;
		expect(await press.caller.device.test({ id: row!.id })).toEqual({ sent: false, reason: m['notify.push_endpoint_refused']() });
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

	it('puts the first receipt of each kind on the timeline once, however many arrive at the same moment', async () => {
		const { clockId, deliveryId, token } = await told();
		const [clock] = await sql<{ subjectId: string }[]>`select subject_id from clocks where id = ${clockId}`;
		// The phone reports from the push event and again from a retry, or from two tabs: all at once.
		await Promise.all(Array.from({ length: 6 }, (_, i) => anonymousCaller().delivery.receipt({ deliveryId, token, event: i % 2 ? 'opened' : 'received' })));
		const kinds = await sql<{ kind: string }[]>`
			select kind from timeline_events
			where subject_id = ${clock!.subjectId} and kind in ('delivery.received', 'delivery.opened') order by kind`;
		expect(kinds.map((e) => e.kind)).toEqual(['delivery.opened', 'delivery.received']);
		expect((await state(deliveryId)).status).toBe('opened');
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
