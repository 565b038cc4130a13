// Web Push in the end-to-end tests: a database and an app server of the test's own, a PushManager that
// subscribes at the fake push service (tests/support/fake-push-service.ts), and the two things Chromium
// cannot be asked to do from a test — hand a message from the push service to the service worker (CDP
// ServiceWorker.deliverPushMessage) and tap a notification (an event built in the worker).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, request, test, type APIRequestContext, type BrowserContext, type Page } from '@playwright/test';
import { ROOT, recreateDatabase } from '../../scripts/lib/database.ts';
import { readE2eState } from '../../scripts/lib/e2e-state.ts';
import { freePort } from '../../scripts/lib/embedded-pg.ts';
import { run, serveApp, type AppServer } from '../../scripts/lib/serve.ts';
import type { FakePushService } from '../support/fake-push-service.ts';
import { DEMO_PASSWORD, signInRequest } from './support.ts';

/** What the service worker gets in a push (src/lib/server/notify/webpush.ts). */
export interface Payload {
	id: string;
	token: string;
	title: string;
	body?: string;
	url: string;
	urgency?: string;
	/** false: answered on its own screen, so no 收到 button */
	ack?: boolean;
}

/** What the test must undo, last in first out: servers, sessions, files. */
export type Cleanups = (() => Promise<unknown> | void)[];

/**
 * A list of cleanups run after each test of the calling spec, every one of them even when one fails.
 * Call it at the top level of the spec file.
 */
export function cleanupsAfterEach(): Cleanups {
	const cleanups: Cleanups = [];
	test.afterEach(async () => {
		const failures: unknown[] = [];
		for (const cleanup of cleanups.splice(0).reverse()) await Promise.resolve().then(cleanup).catch((error: unknown) => failures.push(error));
		if (failures.length) throw failures[0];
	});
	return cleanups;
}

/**
 * A demo database of the spec's own (`<prefix>_<parallel index>`), made before its tests: the e2e server's
 * delivery workers would otherwise send these pushes too, and one per parallel worker lets --repeat-each
 * run the test side by side. Call at the top level; read the URL inside the tests.
 */
export function ownDemoDatabase(prefix: string): { readonly url: string } {
	let url = '';
	test.beforeAll(async ({}, workerInfo) => {
		const maintenanceUrl = readE2eState().databaseUrl.replace(/\/[^/]+$/, '/postgres');
		const name = `${prefix}_${workerInfo.parallelIndex}`;
		await recreateDatabase(maintenanceUrl, name);
		url = maintenanceUrl.replace(/\/postgres$/, `/${name}`);
		await run(process.execPath, [resolve(ROOT, 'scripts', 'demo-database.ts')], { ...process.env, DATABASE_URL: url });
	});
	return {
		get url() {
			return url;
		}
	};
}

/**
 * The app on `databaseUrl`, trusting the fake push service's certificate as it trusts FCM's and allowed to
 * send to its local origin (HUIYING_TEST_PUSH_ORIGIN, src/lib/server/notify/endpoints.ts). `host:
 * 'localhost'` when the test needs passkeys: WebAuthn refuses IP addresses as relying-party ids.
 */
export async function startPushServer(cleanups: Cleanups, databaseUrl: string, push: FakePushService, opts: { host?: 'localhost' } = {}): Promise<AppServer> {
	const dir = mkdtempSync(join(tmpdir(), 'huiying-push-'));
	cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
	const ca = join(dir, 'push-service.pem');
	writeFileSync(ca, push.ca);
	const port = await freePort();
	const server = await serveApp({
		databaseUrl,
		port,
		origin: opts.host ? `http://${opts.host}:${port}` : undefined,
		quiet: true,
		// The fake service lives on 127.0.0.1, which the server refuses to contact unless told this is a test.
		env: { SHUTDOWN_TIMEOUT: '1', NODE_EXTRA_CA_CERTS: ca, HUIYING_TEST_PUSH_ORIGIN: push.origin }
	});
	cleanups.push(() => server.stop());
	return server;
}

/**
 * PushManager as Chromium has it when its push service is reachable: subscribe() gets a subscription from the
 * fake service bound to the key the app passed (other keys are refused there), and it outlives a reload.
 */
export async function stubPushManager(context: BrowserContext, push: FakePushService): Promise<void> {
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

/** A notification on the phone, as the service worker shows it. */
export interface Shown {
	title: string;
	url: string;
	buttons: string[];
}

/** The notifications the page's service worker shows now. */
export function shownNotifications(page: Page): Promise<Shown[]> {
	return page.evaluate(async () => {
		const notifications = (await (await navigator.serviceWorker.ready).getNotifications()) as (Notification & { actions: { title: string }[] })[];
		return notifications.map((n) => ({ title: n.title, url: (n.data as { url: string }).url, buttons: n.actions.map((a) => a.title) }));
	});
}

/**
 * Hands messages to the service worker's push event, as Chromium does with what its push service delivers,
 * and resolves once the phone shows the notification. Chromium's test hook now and then loses a message
 * handed over while the worker is busy; a push service redelivers what was not taken, so does this.
 */
export async function pushChannel(cleanups: Cleanups, context: BrowserContext, page: Page, origin: string): Promise<(payload: Payload) => Promise<void>> {
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
		for (let attempt = 0; attempt < 3; attempt++) {
			await cdp.send('ServiceWorker.deliverPushMessage', { origin, registrationId: await registrationId, data: JSON.stringify(payload) });
			const arrived = await expect
				.poll(async () => (await shownNotifications(page)).map((n) => n.title), { timeout: 4_000 })
				.toContain(payload.title)
				.then(
					() => true,
					() => false
				);
			if (arrived) return;
		}
		throw new Error(`the service worker never showed “${payload.title}”`);
	};
}

/**
 * A tap on the notification (`action` for one of its buttons), as the worker's notificationclick sees it. Chromium
 * offers no way to tap a notification from a test, so the event is built in the worker; built there, it cannot
 * focus a window, which only a real tap allows. Resolves once the handler's work is done.
 */
export async function tapNotification(context: BrowserContext, deliveryId: string, action = ''): Promise<void> {
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

/** Signed in from a terminal; the session cookie works on every port of the server's host. */
export async function signInApi(cleanups: Cleanups, server: AppServer, login: string): Promise<APIRequestContext> {
	const api = await request.newContext();
	cleanups.push(() => api.dispose());
	await signInRequest(api, server.url, login, DEMO_PASSWORD);
	return api;
}

/**
 * A release drafted by the bureau's press officer and passed by its spokesperson's review, from a terminal: it now
 * waits for the leader's signature.
 */
export async function releaseAwaitingSignoff(
	cleanups: Cleanups,
	server: AppServer,
	fields: { kind: string; title: string; incidentId?: string; body?: string }
): Promise<{ id: string }> {
	const call = async (api: APIRequestContext, procedure: string, input: unknown) => {
		const res = await api.post(`${server.url}/api/trpc/${procedure}`, { data: input, headers: { origin: server.url, 'content-type': 'application/json' } });
		expect(res.status(), procedure).toBe(200);
		return ((await res.json()) as { result: { data: { id: string; status: string } } }).result.data;
	};
	const press = await signInApi(cleanups, server, 'em-press');
	const release = await call(press, 'release.create', {
		clientKey: randomUUID(),
		body: '园区周边 **6 个监测点** 数据均已恢复正常。',
		channels: ['gov_website'],
		...fields
	});
	await call(press, 'release.submit', { id: release.id });
	const reviewer = await signInApi(cleanups, server, 'em-spokes');
	expect(await call(reviewer, 'signoff.review', { kind: 'release', id: release.id, version: 1, decision: 'passed' })).toMatchObject({ status: 'awaiting_signoff' });
	return { id: release.id };
}

export interface LoggedIncident {
	id: string;
	clocks: { id: string; ruleKey: string }[];
}

/** A level II accident led by 江城市应急管理局, logged through the API by the duty officer. */
export async function logIncident(cleanups: Cleanups, server: AppServer, title: string): Promise<LoggedIncident> {
	const duty = await signInApi(cleanups, server, 'em-duty');
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
	return ((await res.json()) as { result: { data: LoggedIncident } }).result.data;
}
