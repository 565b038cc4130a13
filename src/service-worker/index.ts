/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import { build, files, prerendered, version } from '$service-worker';

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

sw.addEventListener('message', (event) => {
	const type = (event.data as { type?: string } | null)?.type;
	if (type === 'SKIP_WAITING') void sw.skipWaiting();
	if (type === 'GET_VERSION') event.ports[0]?.postMessage({ version });
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
