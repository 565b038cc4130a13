/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import { build, files, prerendered, version } from '$service-worker';
import { t } from '$lib/i18n/index.ts';

const sw = self as unknown as ServiceWorkerGlobalScope;

// Both caches carry the build's version: a cached page must match the scripts cached beside it.
const ASSETS = `assets-${version}`;
const PAGES = `pages-${version}`;
const OFFLINE = '/offline';
const PRECACHE = [...build, ...files, ...prerendered];

sw.addEventListener('install', (event) => {
	// No skipWaiting here: a new version waits until the person taps "新版本可用，点击更新".
	event.waitUntil(caches.open(ASSETS).then((cache) => cache.addAll(PRECACHE)));
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			for (const key of await caches.keys()) if (key !== ASSETS && key !== PAGES) await caches.delete(key);
			await sw.clients.claim();
		})()
	);
});

/** Keeps a copy of a screen the person reached inside the app (no navigation request ever passed here). */
async function keepPage(path: string): Promise<void> {
	const url = new URL(path, sw.location.origin);
	if (url.origin !== sw.location.origin || url.pathname.startsWith('/api/')) return;
	const cache = await caches.open(PAGES);
	if (await cache.match(url.href)) return;
	const response = await fetch(url.href, { credentials: 'same-origin', redirect: 'manual' });
	if (response.ok && (response.headers.get('content-type') ?? '').startsWith('text/html')) await cache.put(url.href, response);
}

sw.addEventListener('message', (event) => {
	const data = event.data as { type?: string; path?: string } | null;
	if (data?.type === 'SKIP_WAITING') void sw.skipWaiting();
	if (data?.type === 'GET_VERSION') event.ports[0]?.postMessage({ version });
	if (data?.type === 'KEEP_PAGE' && data.path) event.waitUntil(keepPage(data.path).catch(() => {}));
});

async function fromAssets(request: Request): Promise<Response> {
	const cached = await caches.match(request, { cacheName: ASSETS });
	return cached ?? fetch(request);
}

/** Network first, so a screen is never stale while online; the last copy, or the offline page, when not. */
async function navigate(request: Request): Promise<Response> {
	try {
		const response = await fetch(request);
		const type = response.headers.get('content-type') ?? '';
		if (response.ok && response.type === 'basic' && type.startsWith('text/html')) {
			const cache = await caches.open(PAGES);
			await cache.put(request, response.clone());
		}
		return response;
	} catch {
		const cached = (await caches.match(request, { cacheName: PAGES })) ?? (await caches.match(OFFLINE, { cacheName: ASSETS }));
		return cached ?? Response.error();
	}
}

sw.addEventListener('fetch', (event) => {
	const { request } = event;
	if (request.method !== 'GET') return;
	const url = new URL(request.url);
	if (url.origin !== sw.location.origin) return;
	// Live data is never served from a cache.
	if (url.pathname.startsWith('/api/')) return;
	if (request.mode === 'navigate') {
		event.respondWith(navigate(request));
		return;
	}
	if (PRECACHE.includes(url.pathname)) event.respondWith(fromAssets(request));
});

interface PushPayload {
	id: string;
	token?: string;
	title: string;
	body?: string;
	url?: string;
	urgency?: 'normal' | 'high' | 'critical';
	/** false for a sign-off request or an alert: answered on its own screen, not with "收到" */
	ack?: boolean;
}

/** Tells the server what happened to a delivery; the token in the payload is the proof. */
async function receipt(data: PushPayload, event: 'received' | 'opened'): Promise<void> {
	if (!data.token) return;
	await fetch('/api/trpc/delivery.receipt', {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ deliveryId: data.id, token: data.token, event }),
		credentials: 'same-origin'
	}).catch(() => {});
}

// Every push is shown: iOS revokes a subscription whose pushes show nothing.
sw.addEventListener('push', (event) => {
	let data: PushPayload;
	try {
		data = event.data?.json() as PushPayload;
	} catch {
		data = { id: '', title: t('app.name'), body: event.data?.text() ?? '' };
	}
	const options: NotificationOptions & { actions?: { action: string; title: string }[]; renotify?: boolean } = {
		body: data.body ?? '',
		tag: data.id ? `delivery-${data.id}` : undefined,
		data,
		icon: '/icons/icon-192.png',
		badge: '/icons/icon-192.png',
		requireInteraction: data.urgency === 'critical',
		lang: 'zh-CN'
	};
	// Where the platform offers buttons on notifications, "收到" works without opening the app.
	if ('actions' in Notification.prototype && data.token && data.ack !== false) {
		options.actions = [
			{ action: 'ack', title: t('clock.acknowledge') },
			{ action: 'open', title: t('inbox.open') }
		];
	}
	event.waitUntil(Promise.all([sw.registration.showNotification(data.title || t('app.name'), options), receipt(data, 'received')]));
});

async function openOrFocus(url: string): Promise<void> {
	const target = new URL(url, sw.location.origin).href;
	const windows = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
	const same = windows.find((w) => w.url === target) ?? windows[0];
	// Navigate before focusing: focus() spends the click's one window interaction, which openWindow()
	// needs when navigate() fails (a tab this worker does not control).
	const shown = same && (same.url === target ? same : await same.navigate(target).catch(() => null));
	if (shown) await shown.focus();
	else await sw.clients.openWindow(target);
}

sw.addEventListener('notificationclick', (event) => {
	const data = (event.notification.data ?? {}) as PushPayload;
	event.notification.close();
	if (event.action === 'ack' && data.token) {
		event.waitUntil(
			fetch('/api/trpc/delivery.acknowledge', {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ deliveryId: data.id, token: data.token }),
				credentials: 'same-origin'
			})
				// Without a session on this phone the acknowledgement cannot count: open the app to sign in.
				.then((res) => (res.ok ? undefined : openOrFocus(data.url ?? '/')))
				.catch(() => openOrFocus(data.url ?? '/'))
		);
		return;
	}
	event.waitUntil(Promise.all([receipt(data, 'opened'), openOrFocus(data.url ?? '/')]));
});
