// What the service worker and the page tell each other about kept copies of screens (src/service-worker).

/** On every answer of the app: an opaque label of the session it was for, or `none`. */
export const SESSION_HEADER = 'x-huiying-session';
/** On a kept copy: when the server answered it (ms since the epoch). */
export const CACHED_AT_HEADER = 'x-huiying-cached-at';
/** On the worker's own answer for a screen's data when there is neither a connection nor a copy. */
export const OFFLINE_HEADER = 'x-huiying-offline';
/** A kept page, opened without a connection, carries its time here: a page cannot read its own headers. */
export const CACHED_AT_META = 'huiying-cached-at';

const DATA_SUFFIX = '/__data.json';
const KIT_PARAMS = ['x-sveltekit-invalidated', 'x-sveltekit-trailing-slash'];

export const isDataRequest = (url: URL): boolean => url.pathname.endsWith(DATA_SUFFIX);

/** The screen a page or its data request belongs to: path and query, without SvelteKit's own parameters. */
export function screenKey(url: URL | Location): string {
	const path = url.pathname.endsWith(DATA_SUFFIX) ? url.pathname.slice(0, -DATA_SUFFIX.length) || '/' : url.pathname;
	const query = new URLSearchParams(url.search);
	for (const p of KIT_PARAMS) query.delete(p);
	const search = query.toString();
	return search ? `${path}?${search}` : path;
}
