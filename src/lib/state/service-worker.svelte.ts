import type { Workbox } from 'workbox-window';

/** The service worker's life as the page sees it: registered, and whether a new version waits. */
class ServiceWorkerState {
	updateWaiting = $state(false);
	#wb: Workbox | null = null;

	async register() {
		if (!('serviceWorker' in navigator) || this.#wb) return;
		const { Workbox } = await import('workbox-window');
		const wb = new Workbox('/service-worker.js', { type: 'classic' });
		this.#wb = wb;
		wb.addEventListener('waiting', () => (this.updateWaiting = true));
		// Reload only when the new worker took over because the person asked for it.
		wb.addEventListener('controlling', (e) => {
			if (e.isUpdate) window.location.reload();
		});
		await wb.register();
	}

	/** Checks the server for a newer worker now (also done by the browser on navigation). */
	async checkForUpdate() {
		await this.#wb?.update();
	}

	activateUpdate() {
		this.#wb?.messageSkipWaiting();
	}
}

export const serviceWorker = new ServiceWorkerState();
