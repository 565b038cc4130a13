import { freshness } from './freshness.svelte.ts';

/** The offset learnt from the last live answer, kept on the device for a start without a connection. */
const OFFSET_KEY = 'huiying.server_offset_ms';

function lastLiveOffset(): number {
	if (typeof window === 'undefined') return 0;
	const value = Number(localStorage.getItem(OFFSET_KEY));
	return Number.isFinite(value) ? value : 0;
}

/**
 * The server's clock is the truth: countdowns tick on the device from the server's deadline,
 * corrected by how far the device's own clock is off.
 */
class ServerTime {
	offsetMs = $state(lastLiveOffset());
	now = $state(Date.now() + this.offsetMs);
	skewMinutes = $derived(Math.round(Math.abs(this.offsetMs) / 60_000));
	#timer: ReturnType<typeof setInterval> | null = null;
	#users = 0;

	sync(serverNowMs: number) {
		// A kept copy shown offline carries the time it was fetched: the offset of the last live answer stays.
		const browser = typeof window !== 'undefined';
		if (browser && freshness.cachedAt(location) !== null) return;
		this.offsetMs = serverNowMs - Date.now();
		this.now = Date.now() + this.offsetMs;
		if (browser) localStorage.setItem(OFFSET_KEY, String(this.offsetMs));
	}

	/** Ticks while at least one countdown is on screen; returns the stop function. */
	use(): () => void {
		this.#users++;
		this.#timer ??= setInterval(() => (this.now = Date.now() + this.offsetMs), 1000);
		return () => {
			if (--this.#users === 0 && this.#timer) {
				clearInterval(this.#timer);
				this.#timer = null;
			}
		};
	}
}

export const serverTime = new ServerTime();
