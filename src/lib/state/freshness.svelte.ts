import { invalidateAll } from '$app/navigation';
import { SvelteMap } from 'svelte/reactivity';
import { CACHED_AT_HEADER, CACHED_AT_META, OFFLINE_HEADER, isDataRequest, screenKey } from '$lib/offline.ts';

/** How often, while a screen shows a kept copy or cannot be shown, the app asks whether the server is back. */
const PROBE_MS = 5_000;

/**
 * Where the data of each screen came from: live, a copy the service worker kept (and when the server gave
 * it), or nowhere (offline, no copy). When the server answers again the screen on show is loaded afresh.
 */
class Freshness {
	/** per screen (screenKey): when its kept copy was fetched, or 'offline'; absent when live */
	#screens = new SvelteMap<string, number | 'offline'>();
	#timer: ReturnType<typeof setInterval> | null = null;
	#started = false;
	#fetch: typeof fetch = (...args) => fetch(...args);

	/** When the data shown for `url` was fetched, when it is a kept copy; null when it is live. */
	cachedAt(url: URL | Location): number | null {
		const value = this.#screens.get(screenKey(url));
		return typeof value === 'number' ? value : null;
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
		const native = window.fetch.bind(window);
		this.#fetch = native;
		window.fetch = async (input, init) => {
			const url = new URL(input instanceof Request ? input.url : String(input), location.href);
			if (!isDataRequest(url)) return native(input, init);
			try {
				const response = await native(input, init);
				const cachedAt = response.headers.get(CACHED_AT_HEADER);
				this.#note(screenKey(url), response.headers.has(OFFLINE_HEADER) ? 'offline' : cachedAt ? Number(cachedAt) : null);
				return response;
			} catch (error) {
				// No service worker in between (not yet installed, or a private window) and no connection.
				this.#note(screenKey(url), 'offline');
				throw error;
			}
		};
		window.addEventListener('online', () => void this.#probe());
	}

	#note(key: string, value: number | 'offline' | null) {
		if (value === null) this.#screens.delete(key);
		else {
			this.#screens.set(key, value);
			this.#timer ??= setInterval(() => void this.#probe(), PROBE_MS);
		}
	}

	#stopProbing() {
		if (this.#timer) clearInterval(this.#timer);
		this.#timer = null;
	}

	async #probe() {
		if (!this.#screens.has(screenKey(location))) return this.#stopProbing();
		try {
			if (!(await this.#fetch('/api/ping', { cache: 'no-store' })).ok) return;
		} catch {
			return;
		}
		this.#stopProbing();
		// Loads the screen afresh through the worker (network first); a copy again would start probing again.
		await invalidateAll();
	}
}

export const freshness = new Freshness();
