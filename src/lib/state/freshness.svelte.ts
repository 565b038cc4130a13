import { invalidateAll } from '$app/navigation';
import { navigating } from '$app/state';
import { SvelteMap } from 'svelte/reactivity';
import { CACHED_AT_HEADER, CACHED_AT_META, OFFLINE_HEADER, isDataRequest, screenKey } from '$lib/offline.ts';

/** How often, while the app shows kept copies or cannot show a screen, it asks whether the server is back. */
const PROBE_MS = 5_000;

/**
 * Where the data on screen came from: live, a copy the service worker kept (and when the server gave it),
 * or nowhere (no connection, no copy). When the server answers again the screen on show is loaded afresh.
 */
class Freshness {
	/** per screen (screenKey): when its kept copy was fetched, or 'offline'; absent when its data was live */
	#screens = new SvelteMap<string, number | 'offline'>();
	/** the server did not answer the last time it was asked */
	#offline = $state(false);
	/** when the server last answered with a screen's data (its Date header) */
	#lastLive = $state(Date.now());
	#timer: ReturnType<typeof setInterval> | null = null;
	#started = false;
	#fetch: typeof fetch = (...args) => fetch(...args);

	/** When the data shown for `url` was fetched, when it is not live; null when it is. */
	cachedAt(url: URL | Location): number | null {
		const value = this.#screens.get(screenKey(url));
		if (typeof value === 'number') return value;
		// A screen with no data of its own shows the app frame's, as fresh as the last answer before the connection went.
		return value === undefined && this.#offline ? this.#lastLive : null;
	}

	/** Whether `url` could not be loaded at all: no connection and no copy on this device. */
	unreachable(url: URL | Location): boolean {
		return this.#screens.get(screenKey(url)) === 'offline';
	}

	/** Watches every screen's data as SvelteKit fetches it (it calls window.fetch, patchable by design). */
	start() {
		if (this.#started) return;
		this.#started = true;
		const meta = document.querySelector<HTMLMetaElement>(`meta[name="${CACHED_AT_META}"]`);
		if (meta) this.#note(screenKey(location), Number(meta.content) || 0);
		else if (!navigator.onLine) this.#goOffline();
		const native = window.fetch.bind(window);
		this.#fetch = native;
		window.fetch = async (input, init) => {
			const url = new URL(input instanceof Request ? input.url : String(input), location.href);
			if (!isDataRequest(url)) return native(input, init);
			try {
				const response = await native(input, init);
				const cachedAt = response.headers.get(CACHED_AT_HEADER);
				if (response.headers.has(OFFLINE_HEADER)) this.#note(screenKey(url), 'offline');
				else if (cachedAt) this.#note(screenKey(url), Number(cachedAt));
				else this.#live(screenKey(url), Date.parse(response.headers.get('date') ?? '') || Date.now());
				return response;
			} catch (error) {
				// No service worker in between (not installed yet, a private window) and no connection.
				this.#note(screenKey(url), 'offline');
				throw error;
			}
		};
		window.addEventListener('offline', () => this.#goOffline());
		window.addEventListener('online', () => void this.#probe());
	}

	#live(key: string, at: number) {
		this.#screens.delete(key);
		this.#offline = false;
		this.#lastLive = at;
	}

	#note(key: string, value: number | 'offline') {
		this.#screens.set(key, value);
		this.#goOffline();
	}

	#goOffline() {
		this.#offline = true;
		this.#timer ??= setInterval(() => void this.#probe(), PROBE_MS);
	}

	async #probe() {
		const stale = this.#offline || this.#screens.has(screenKey(location));
		try {
			if (!(await this.#fetch('/api/ping', { cache: 'no-store' })).ok) return;
		} catch {
			return;
		}
		if (this.#timer) clearInterval(this.#timer);
		this.#timer = null;
		this.#offline = false;
		// The screen on show loads afresh through the worker (network first); a copy again starts all over. A move
		// to another screen already in flight fetches afresh by itself, and an invalidation now would cancel it.
		if (stale && !navigating.to) await invalidateAll();
	}
}

export const freshness = new Freshness();
