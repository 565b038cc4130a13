/**
 * The server's clock is the truth: countdowns tick on the device from the server's deadline,
 * corrected by how far the device's own clock is off.
 */
class ServerTime {
	offsetMs = $state(0);
	now = $state(Date.now());
	skewMinutes = $derived(Math.round(Math.abs(this.offsetMs) / 60_000));
	#timer: ReturnType<typeof setInterval> | null = null;
	#users = 0;

	sync(serverNowMs: number) {
		this.offsetMs = serverNowMs - Date.now();
		this.now = Date.now() + this.offsetMs;
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
