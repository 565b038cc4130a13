import { invalidate } from '$app/navigation';
import { trpc } from '$lib/trpc.ts';

const DEBOUNCE_MS = 250;

/** Listens for changes made anywhere and refreshes the screens that show them. */
class Live {
	connected = $state(false);
	#unsubscribe: (() => void) | null = null;
	#pending = new Set<string>();
	#timer: ReturnType<typeof setTimeout> | null = null;

	#refresh(keys: string[]) {
		for (const k of keys) this.#pending.add(k);
		this.#timer ??= setTimeout(() => {
			const all = [...this.#pending];
			this.#pending.clear();
			this.#timer = null;
			for (const k of all) void invalidate(k);
		}, DEBOUNCE_MS);
	}

	start() {
		if (this.#unsubscribe) return;
		const sub = trpc.live.changes.subscribe(undefined, {
			onStarted: () => (this.connected = true),
			onData: (change) => {
				if (change.kind === 'inbox') this.#refresh(['app:inbox']);
				else this.#refresh(['app:incident', 'app:incidents', 'app:clocks']);
			},
			onError: () => (this.connected = false),
			onConnectionStateChange: (state) => (this.connected = state.state === 'pending')
		});
		this.#unsubscribe = () => sub.unsubscribe();
	}

	stop() {
		this.#unsubscribe?.();
		this.#unsubscribe = null;
	}
}

export const live = new Live();
