import { invalidate } from '$app/navigation';
import { navigating } from '$app/state';
import { isSubjectType, SUBJECTS } from '$lib/subjects.ts';
import { trpc } from '$lib/trpc.ts';

const DEBOUNCE_MS = 250;

/** Listens for changes made anywhere and refreshes the screens that show them. */
class Live {
	connected = $state(false);
	/** the stream was up and went down: what changed until it is back was not heard */
	#dropped = false;
	#unsubscribe: (() => void) | null = null;
	#pending = new Set<string>();
	#timer: ReturnType<typeof setTimeout> | null = null;

	#refresh(keys: string[]) {
		for (const k of keys) this.#pending.add(k);
		this.#timer ??= setTimeout(() => this.#flush(), DEBOUNCE_MS);
	}

	#flush() {
		this.#timer = null;
		// An invalidation while the person is moving to another screen would cancel that move (the form
		// they just sent would stay on screen): wait until the navigation has landed.
		if (navigating.to) {
			this.#timer = setTimeout(() => this.#flush(), DEBOUNCE_MS);
			return;
		}
		const all = [...this.#pending];
		this.#pending.clear();
		for (const k of all) void invalidate(k);
	}

	/**
	 * Back after a drop (a tunnel, a server restarted, an instance gone): changes made meanwhile were not announced
	 * to this screen, so everything a screen can show is read again.
	 */
	#up(up: boolean) {
		if (up && this.#dropped) {
			this.#dropped = false;
			this.#refresh([
				'app:inbox',
				'app:incidents',
				'app:clocks',
				'app:releases',
				'app:documents',
				'app:conferences',
				'app:conference',
				...Object.values(SUBJECTS).map((s) => s.dependency)
			]);
		} else if (!up && this.connected) this.#dropped = true;
		this.connected = up;
	}

	start() {
		if (this.#unsubscribe) return;
		const sub = trpc.live.changes.subscribe(undefined, {
			onStarted: () => (this.connected = true),
			onData: (change) => {
				if (change.kind === 'inbox') this.#refresh(['app:inbox']);
				// The subject's own page, and an incident's page, list and clocks: anything can show on those.
				else
					this.#refresh([
						SUBJECTS.incident.dependency,
						'app:incidents',
						'app:clocks',
						...(isSubjectType(change.subject) ? [SUBJECTS[change.subject].dependency] : [])
					]);
			},
			onError: () => this.#up(false),
			onConnectionStateChange: (state) => this.#up(state.state === 'pending')
		});
		this.#unsubscribe = () => sub.unsubscribe();
	}

	stop() {
		this.#unsubscribe?.();
		this.#unsubscribe = null;
	}
}

export const live = new Live();
