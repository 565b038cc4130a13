/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import { build, files, prerendered, version } from '$service-worker';
import { m } from '$lib/paraglide/messages.js';
import { CACHED_AT_HEADER, CACHED_AT_META, OFFLINE_HEADER, SESSION_HEADER, isDataRequest } from '$lib/offline.ts';

const sw = self as unknown as ServiceWorkerGlobalScope;

// Both kinds of cache carry the build's version: a cached page must match the scripts cached beside it.
const ASSETS = `assets-${version}`;
// Screens and their data as one signed-in session saw them, one cache per session: pages-<version>-<session>.
// A shared duty phone passes from person to person: nobody is shown another session's copies.
const PAGES = `pages-${version}-`;
const OFFLINE = '/offline';
const PRECACHE = [...build, ...files, ...prerendered];
const INVALIDATED = 'x-sveltekit-invalidated';

sw.addEventListener('install', (event) => {
	// No skipWaiting here: a new version waits until the person taps "新版本可用，点击更新".
	event.waitUntil(caches.open(ASSETS).then((cache) => cache.addAll(PRECACHE)));
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			for (const key of await caches.keys()) if (key !== ASSETS && !key.startsWith(PAGES)) await caches.delete(key);
			await sw.clients.claim();
		})()
	);
});

/** The copies of the session signed in now, as the last live answer named it; null when nobody is. */
async function sessionCache(): Promise<Cache | null> {
	const names = (await caches.keys()).filter((key) => key.startsWith(PAGES));
	// Two would mean a change of person did not finish: show nobody's copies rather than perhaps the wrong ones.
	return names.length === 1 ? caches.open(names[0]!) : null;
}

/**
 * Follows the session a live answer names (hooks.server.ts marks every answer of the app): the copies of
 * any other session, or of all once nobody is signed in, go there and then. Null: keep nothing of this answer.
 */
async function followSession(response: Response): Promise<Cache | null> {
	const key = response.headers.get(SESSION_HEADER);
	// A static file says nothing about who is signed in.
	if (key === null) return null;
	const mine = key === 'none' ? null : PAGES + key;
	for (const name of await caches.keys()) if (name.startsWith('pages-') && name !== mine) await caches.delete(name);
	return mine ? caches.open(mine) : null;
}

/** A copy to keep, marked with when the server answered: its Date header, as the phone's clock may be off. */
async function stamped(response: Response): Promise<Response> {
	const headers = new Headers(response.headers);
	headers.set(CACHED_AT_HEADER, String(Date.parse(response.headers.get('date') ?? '') || Date.now()));
	// The body is read out decoded: these described the bytes on the wire.
	headers.delete('content-length');
	headers.delete('content-encoding');
	return new Response(await response.blob(), { status: response.status, statusText: response.statusText, headers });
}

const isHtml = (response: Response) => (response.headers.get('content-type') ?? '').startsWith('text/html');

async function keepScreen(key: string, response: Response): Promise<void> {
	const cache = await followSession(response);
	if (cache && response.ok && response.type === 'basic' && isHtml(response)) await cache.put(key, await stamped(response));
}

/** Keeps a copy of a screen the person reached inside the app (no navigation request ever passed here). */
async function keepPage(path: string): Promise<void> {
	const url = new URL(path, sw.location.origin);
	if (url.origin !== sw.location.origin || url.pathname.startsWith('/api/')) return;
	if (await (await sessionCache())?.match(url.href)) return;
	await keepScreen(url.href, await fetch(url.href, { credentials: 'same-origin', redirect: 'manual' }));
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

/** A kept page, telling the app when it was fetched (a page cannot read the headers it came with). */
async function withCachedAt(cached: Response): Promise<Response> {
	const meta = `<meta name="${CACHED_AT_META}" content="${Number(cached.headers.get(CACHED_AT_HEADER)) || 0}">`;
	const html = (await cached.text()).replace('<head>', `<head>${meta}`);
	return new Response(html, { status: cached.status, statusText: cached.statusText, headers: cached.headers });
}

/** Network first, so a screen is never stale while online; the last copy, or the offline page, when not. */
async function navigate(event: FetchEvent): Promise<Response> {
	const { request } = event;
	try {
		const response = await fetch(request);
		event.waitUntil(keepScreen(request.url, response.clone()).catch(() => {}));
		return response;
	} catch {
		const cached = await (await sessionCache())?.match(request);
		if (cached) return withCachedAt(cached);
		return (await caches.match(OFFLINE, { cacheName: ASSETS })) ?? Response.error();
	}
}

type DataNode = { type: string } | null;

/**
 * Whether a kept answer holds every node this request asks for (`x-sveltekit-invalidated`, one flag per
 * layout and page): a node the app reused when the copy was made ("skip") cannot be given now.
 */
function covers(body: string, invalid: string): boolean {
	const nodes = (JSON.parse(body.split('\n', 1)[0]!) as { nodes?: DataNode[] }).nodes ?? [];
	return [...invalid].every((flag, i) => flag === '0' || (!!nodes[i] && nodes[i].type !== 'skip'));
}

/**
 * Neither a connection nor a copy: the screen's own error page, inside the app's frame with its tab bar,
 * says so in Chinese (SvelteKit would otherwise show its English "500 Internal Error").
 */
function offlineData(invalid: string): Response {
	const at = Math.max(invalid.indexOf('1'), 0);
	const error = { type: 'error', status: 503, error: { message: m['offline.title'](), offline: true } };
	const nodes = [...invalid].map((_, i) => (i === at ? error : { type: 'skip' }));
	return new Response(`${JSON.stringify({ type: 'data', nodes })}\n`, {
		headers: { 'content-type': 'application/json', 'cache-control': 'no-store', [OFFLINE_HEADER]: '1' }
	});
}

async function keepData(key: string, response: Response): Promise<void> {
	const cache = await followSession(response);
	if (!cache || !response.ok || response.type !== 'basic') return;
	const copy = await stamped(response);
	// A screen's data only: not a redirect (signed out) nor an error.
	if ((await copy.clone().text()).startsWith('{"type":"data"')) await cache.put(key, copy);
}

/** A screen's data (client-side navigation): network first, the session's last copy without a connection. */
async function pageData(event: FetchEvent): Promise<Response> {
	const { request } = event;
	const url = new URL(request.url);
	const invalid = url.searchParams.get(INVALIDATED) ?? '1';
	url.searchParams.delete(INVALIDATED);
	const key = url.href;
	try {
		const response = await fetch(request);
		event.waitUntil(keepData(key, response.clone()).catch(() => {}));
		return response;
	} catch {
		const cached = await (await sessionCache())?.match(key);
		if (cached) {
			const body = await cached.text();
			if (covers(body, invalid)) return new Response(body, { status: cached.status, headers: cached.headers });
		}
		return offlineData(invalid);
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
		event.respondWith(navigate(event));
		return;
	}
	if (isDataRequest(url)) {
		event.respondWith(pageData(event));
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
	/** the notice was settled: this replaces its card, quietly */
	settled?: boolean;
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
		data = { id: '', title: m['app.name'](), body: event.data?.text() ?? '' };
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
	// A notice whose reason has passed replaces its card quietly: done, nothing to answer.
	if (data.settled) {
		event.waitUntil(sw.registration.showNotification(data.title || m['app.name'](), { ...options, requireInteraction: false, silent: true }));
		return;
	}
	// Where the platform offers buttons on notifications, "收到" works without opening the app.
	if ('actions' in Notification.prototype && data.token && data.ack !== false) {
		options.actions = [
			{ action: 'ack', title: m['clock.acknowledge']() },
			{ action: 'open', title: m['inbox.open']() }
		];
	}
	event.waitUntil(Promise.all([sw.registration.showNotification(data.title || m['app.name'](), options), receipt(data, 'received')]));
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
