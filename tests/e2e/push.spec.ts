// Web Push from a clock to a phone: the press officer turns notifications on, a level II incident's first
// steps reach her device through the push service, and a notification opens the incident or says "收到".
// No push service is reachable from this Chromium, so PushManager hands out subscriptions of a fake one that
// checks VAPID and decrypts as FCM would; what it decrypted goes to the service worker over CDP, as Chromium
// does with a message from its push service.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, request, test, type APIRequestContext, type BrowserContext, type Page } from '@playwright/test';
import postgres from 'postgres';
import { ROOT, createDatabaseIfMissing } from '../../scripts/lib/database.ts';
import { readE2eState } from '../../scripts/lib/e2e-state.ts';
import { freePort } from '../../scripts/lib/embedded-pg.ts';
import { run, serveApp, type AppServer } from '../../scripts/lib/serve.ts';
import { startFakePushService, type FakePushService } from '../support/fake-push-service.ts';
import { DEMO_PASSWORD, ready, signIn, waitForServiceWorkerControl } from './support.ts';

/** What the service worker gets in a push (src/lib/server/notify/webpush.ts). */
interface Payload {
	id: string;
	token: string;
	title: string;
	url: string;
}

const cleanups: (() => Promise<unknown> | void)[] = [];
test.afterEach(async () => {
	// Last in, first out, and every one of them even when one fails.
	const failures: unknown[] = [];
	for (const cleanup of cleanups.splice(0).reverse()) await Promise.resolve().then(cleanup).catch((error: unknown) => failures.push(error));
	if (failures.length) throw failures[0];
});

let databaseUrl = '';
test.beforeAll(async ({}, workerInfo) => {
	// A database of its own, since the e2e server's delivery workers would send these pushes too; one per
	// parallel worker, so that --repeat-each can run the test side by side.
	const maintenanceUrl = readE2eState().databaseUrl.replace(/\/[^/]+$/, '/postgres');
	const name = `huiying_push_${workerInfo.parallelIndex}`;
	await createDatabaseIfMissing(maintenanceUrl, name);
	databaseUrl = maintenanceUrl.replace(/\/postgres$/, `/${name}`);
	await run(process.execPath, [resolve(ROOT, 'scripts', 'demo-database.ts')], { ...process.env, DATABASE_URL: databaseUrl });
});

/** The app, trusting the fake push service's certificate as it trusts FCM's. */
async function startServer(push: FakePushService): Promise<AppServer> {
	const dir = mkdtempSync(join(tmpdir(), 'huiying-push-'));
	cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
	const ca = join(dir, 'push-service.pem');
	writeFileSync(ca, push.ca);
	const server = await serveApp({ databaseUrl, port: await freePort(), quiet: true, env: { SHUTDOWN_TIMEOUT: '1', NODE_EXTRA_CA_CERTS: ca } });
	cleanups.push(() => server.stop());
	return server;
}

/**
 * PushManager as Chromium has it when its push service is reachable: subscribe() gets a subscription from the
 * fake service bound to the key the app passed (other keys are refused there), and it outlives a reload.
 */
async function stubPushManager(context: BrowserContext, push: FakePushService): Promise<void> {
	await context.exposeBinding('subscribeAtPushService', (_source, applicationServerKey: string) => push.createSubscription({ applicationServerKey }));
	await context.addInitScript(() => {
		interface Stored {
			endpoint: string;
			keys: { p256dh: string; auth: string };
			applicationServerKey: string;
		}
		const STORE = 'stub-push-subscription';
		const encode = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
		const decode = (text: string) => Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)).buffer;
		const bytes = (key: BufferSource | string) =>
			typeof key === 'string' ? new Uint8Array(decode(key)) : ArrayBuffer.isView(key) ? new Uint8Array(key.buffer, key.byteOffset, key.byteLength) : new Uint8Array(key);
		const subscription = (s: Stored) =>
			({
				endpoint: s.endpoint,
				expirationTime: null,
				options: { userVisibleOnly: true, applicationServerKey: decode(s.applicationServerKey) },
				getKey: (name: 'p256dh' | 'auth') => decode(s.keys[name]),
				toJSON: () => ({ endpoint: s.endpoint, expirationTime: null, keys: { ...s.keys } }),
				unsubscribe: async () => {
					localStorage.removeItem(STORE);
					return true;
				}
			}) as unknown as PushSubscription;

		PushManager.prototype.getSubscription = async () => {
			const stored = localStorage.getItem(STORE);
			return stored ? subscription(JSON.parse(stored) as Stored) : null;
		};
		PushManager.prototype.subscribe = async (options?: PushSubscriptionOptionsInit) => {
			if (!options?.applicationServerKey) throw new DOMException('applicationServerKey is required', 'NotSupportedError');
			const applicationServerKey = encode(bytes(options.applicationServerKey));
			const service = (window as unknown as { subscribeAtPushService(key: string): Promise<Omit<Stored, 'applicationServerKey'>> }).subscribeAtPushService;
			const stored: Stored = { ...(await service(applicationServerKey)), applicationServerKey };
			localStorage.setItem(STORE, JSON.stringify(stored));
			return subscription(stored);
		};
	});
}

/** Hands messages to the service worker's push event, as Chromium does with what its push service delivers. */
async function pushChannel(context: BrowserContext, page: Page, origin: string): Promise<(payload: Payload) => Promise<void>> {
	const cdp = await context.newCDPSession(page);
	cleanups.push(() => cdp.detach().catch(() => {}));
	const registrationId = new Promise<string>((found) =>
		cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
			const ours = registrations.find((r) => r.scopeURL === `${origin}/` && !r.isDeleted);
			if (ours) found(ours.registrationId);
		})
	);
	await cdp.send('ServiceWorker.enable');
	return async (payload) => {
		await cdp.send('ServiceWorker.deliverPushMessage', { origin, registrationId: await registrationId, data: JSON.stringify(payload) });
	};
}

/**
 * A tap on the notification (`action` for one of its buttons), as the worker's notificationclick sees it. Chromium
 * offers no way to tap a notification from a test, so the event is built in the worker; built there, it cannot
 * focus a window, which only a real tap allows. Resolves once the handler's work is done.
 */
async function tapNotification(context: BrowserContext, deliveryId: string, action = ''): Promise<void> {
	const [worker] = context.serviceWorkers();
	await worker!.evaluate(
		async ({ tag, action }) => {
			// The worker's globals, which the DOM types of this file do not describe.
			const scope = self as unknown as EventTarget & {
				registration: ServiceWorkerRegistration;
				NotificationEvent: new (type: string, init: { notification: Notification; action: string }) => Event;
			};
			const [notification] = await scope.registration.getNotifications({ tag });
			if (!notification) throw new Error(`no notification ${tag}`);
			const event = new scope.NotificationEvent('notificationclick', { notification, action });
			// waitUntil refuses events built in script: keep what the handler waits for, to wait for it here.
			const work: Promise<unknown>[] = [];
			Object.defineProperty(event, 'waitUntil', { value: (p: Promise<unknown>) => work.push(p) });
			scope.dispatchEvent(event);
			await Promise.allSettled(work);
		},
		{ tag: `delivery-${deliveryId}`, action }
	);
}

/** Signed in from a terminal; the session cookie works on every port of 127.0.0.1. */
async function signInApi(server: AppServer, login: string): Promise<APIRequestContext> {
	const api = await request.newContext();
	cleanups.push(() => api.dispose());
	const res = await api.post(`${server.url}/login`, { form: { login, password: DEMO_PASSWORD }, maxRedirects: 0 });
	expect(res.status(), `sign-in of ${login}`).toBeLessThan(400);
	return api;
}

/** A level II accident led by 江城市应急管理局, logged through the API by the duty officer. */
async function logIncident(server: AppServer, title: string): Promise<{ id: string; clocks: { id: string; ruleKey: string }[] }> {
	const duty = await signInApi(server, 'em-duty');
	const units = (await (await duty.get(`${server.url}/api/trpc/unit.list`)).json()) as { result: { data: { id: string; name: string }[] } };
	const lead = units.result.data.find((u) => u.name === '江城市应急管理局');
	const res = await duty.post(`${server.url}/api/trpc/incident.create`, {
		data: {
			clientKey: randomUUID(),
			title,
			category: 'accident',
			level: 2,
			occurredAt: new Date().toISOString(),
			location: '江城市化工园区',
			leadUnitId: lead!.id,
			description: ''
		},
		headers: { origin: server.url, 'content-type': 'application/json' }
	});
	expect(res.status(), 'incident.create').toBe(200);
	return ((await res.json()) as { result: { data: { id: string; clocks: { id: string; ruleKey: string }[] } } }).result.data;
}

test('a clock step reaches the phone by Web Push; its notification opens the incident, and 收到 on it acknowledges', async ({ context, page }) => {
	test.setTimeout(60_000);
	const push = await startFakePushService();
	cleanups.push(() => push.close());
	const server = await startServer(push);
	const db = postgres(databaseUrl, { max: 1, onnotice: () => {} });
	cleanups.push(() => db.end({ timeout: 1 }));
	const delivery = async (id: string) =>
		(await db<{ status: string; receivedAt: Date | null; openedAt: Date | null }[]>`
			select status, received_at as "receivedAt", opened_at as "openedAt" from deliveries where id = ${id} and channel = 'web_push'`)[0];
	// A phone of hers that never had notifications on; an earlier try's device would be a second "Linux Chrome".
	await db`delete from push_devices where person_id = (select id from people where username = 'em-press')`;
	await context.grantPermissions(['notifications'], { origin: server.url });
	await stubPushManager(context, push);

	await signIn(page, 'em-press', DEMO_PASSWORD, server.url);
	await waitForServiceWorkerControl(page);
	await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '我的' }).tap();
	await page.getByRole('link', { name: '通知设置' }).tap();
	await ready(page);
	await page.getByRole('button', { name: '在本设备开启通知' }).tap();
	await expect(page.getByRole('status')).toHaveText('本设备已开启通知');
	const device = page.getByRole('region', { name: '我的设备' }).getByRole('article', { name: 'Linux Chrome' });
	await expect(device).toContainText('尚未送达过');
	const endpoint = await page.evaluate(async () => (await (await navigator.serviceWorker.ready).pushManager.getSubscription())?.endpoint);
	expect(endpoint).toMatch(new RegExp(`^${push.origin}/push/`));

	// Both clocks of a level II incident tell the press office at once: release (5 h) and press conference (24 h).
	const title = `化工园区爆燃-${randomUUID().slice(0, 8)}`;
	const incident = await logIncident(server, title);
	await expect.poll(() => push.receivedBy(endpoint!).length, { timeout: 15_000 }).toBe(2);
	// Signed with the key the device subscribed with, and decryptable with the device's keys.
	expect(push.rejected).toEqual([]);
	const payloads = push.receivedBy(endpoint!).map((r) => r.payload as Payload);
	const release = payloads.find((p) => p.title === `【发布权威信息】${title}`);
	const conference = payloads.find((p) => p.title === `【召开新闻发布会】${title}`);
	expect(release?.url).toBe(`/incidents/${incident.id}`);
	expect(conference?.url).toBe(`/incidents/${incident.id}`);
	await page.reload();
	await expect(device).toContainText('最近一次送达');

	const deliver = await pushChannel(context, page, server.url);
	// What the phone shows: the notifications, where each leads, and their buttons.
	const shown = () =>
		page.evaluate(async () => {
			const notifications = (await (await navigator.serviceWorker.ready).getNotifications()) as (Notification & { actions: { title: string }[] })[];
			return notifications.map((n) => ({ title: n.title, url: (n.data as Payload).url, buttons: n.actions.map((a) => a.title) }));
		});
	// One at a time, as a push service hands them over. Chromium's test hook now and then loses a message
	// handed over while the worker is busy; a push service redelivers what was not taken, so does this.
	for (const payload of [release!, conference!]) {
		for (let attempt = 0; attempt < 3; attempt++) {
			await deliver(payload);
			const arrived = await expect
				.poll(async () => (await shown()).map((n) => n.title), { timeout: 4_000 })
				.toContain(payload.title)
				.then(() => true, () => false);
			if (arrived) break;
		}
	}
	const byTitle = (a: { title: string }, b: { title: string }) => a.title.localeCompare(b.title);
	await expect
		.poll(async () => (await shown()).sort(byTitle))
		.toEqual([release!, conference!].map((p) => ({ title: p.title, url: p.url, buttons: ['收到', '查看'] })).sort(byTitle));
	// The worker reported both arrivals with the payload's token.
	await expect.poll(() => delivery(release!.id)).toMatchObject({ status: 'received', receivedAt: expect.any(Date), openedAt: null });
	await expect.poll(() => delivery(conference!.id)).toMatchObject({ status: 'received', receivedAt: expect.any(Date) });

	// Opening the release notice lands on the incident, with both clocks still asking for 收到.
	await tapNotification(context, release!.id);
	await expect(page).toHaveURL(`${server.url}/incidents/${incident.id}`);
	await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
	const askedFor = (rule: string) => page.locator('.clock-row', { has: page.getByRole('article', { name: new RegExp(`^${rule}`) }) }).getByRole('button', { name: '收到' });
	await expect(askedFor('发布权威信息')).toBeVisible();
	await expect(askedFor('召开新闻发布会')).toBeVisible();
	await expect.poll(() => delivery(release!.id)).toMatchObject({ status: 'opened', openedAt: expect.any(Date) });
	expect((await shown()).map((n) => n.title)).toEqual([conference!.title]);

	// 收到 on the press conference notice, without opening the app: the clock is acknowledged.
	await tapNotification(context, conference!.id, 'ack');
	const conferenceClock = incident.clocks.find((c) => c.ruleKey === 'incident.press_conference')!;
	await expect
		.poll(
			async () => [
				...(await db`
					select p.username, a.step_index as "stepIndex", a.channel from clock_acknowledgements a join people p on p.id = a.person_id
					where a.clock_id = ${conferenceClock.id}`)
			]
		)
		.toEqual([{ username: 'em-press', stepIndex: 0, channel: 'web_push' }]);
	expect(await delivery(conference!.id)).toMatchObject({ status: 'acknowledged' });
	await expect(page).toHaveURL(`${server.url}/incidents/${incident.id}`);
	expect(await shown()).toEqual([]);
	await page.reload();
	await expect(askedFor('发布权威信息')).toBeVisible();
	await expect(askedFor('召开新闻发布会')).toHaveCount(0);
});
