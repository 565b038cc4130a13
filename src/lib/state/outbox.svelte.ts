import { TRPCClientError } from '@trpc/client';
import { allEntries, deleteEntry, getEntry, putEntry, type OutboxEntry, type OutboxKind } from '$lib/outbox/store.ts';
import { trpc } from '$lib/trpc.ts';

export type SubmitResult =
	| { state: 'sent'; id: string }
	| { state: 'queued' }
	| { state: 'conflict'; entry: OutboxEntry }
	| { state: 'rejected'; clientKey: string; error: unknown };

const RETRY_MS = 30_000;

/** Server answers that will never change by sending again: keep the entry, show it, let the person decide. */
function isFinal(error: unknown): error is TRPCClientError<never> {
	if (!(error instanceof TRPCClientError)) return false;
	const status = (error.data as { httpStatus?: number } | undefined)?.httpStatus;
	return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

async function send(entry: OutboxEntry): Promise<string> {
	switch (entry.kind) {
		case 'incident.create': {
			const created = await trpc.incident.create.mutate({
				...(entry.input as Parameters<typeof trpc.incident.create.mutate>[0]),
				clientKey: entry.clientKey,
				deviceRecordedAt: entry.enteredAt
			});
			return created.id;
		}
	}
}

/** The outbox as the screens see it: how many wait, and which need the person's decision. */
class Outbox {
	entries = $state<OutboxEntry[]>([]);
	pending = $derived(this.entries.filter((e) => e.status === 'pending').length);
	#replaying: Promise<void> | null = null;
	#timer: ReturnType<typeof setInterval> | null = null;

	async refresh() {
		this.entries = await allEntries();
	}

	/** Written to the outbox first, then sent; it leaves the outbox only once the server accepted it. */
	async submit(kind: OutboxKind, input: Record<string, unknown>, clientKey = crypto.randomUUID()): Promise<SubmitResult> {
		const entry: OutboxEntry = {
			clientKey,
			kind,
			input,
			enteredAt: new Date().toISOString(),
			status: 'pending',
			attempts: 0,
			lastError: null,
			existing: null
		};
		await putEntry(entry);
		await this.refresh();
		if (this.#replaying) await this.#replaying;
		const result = await this.#attempt(entry);
		await this.refresh();
		return result;
	}

	async #attempt(entry: OutboxEntry): Promise<SubmitResult> {
		try {
			const id = await send(entry);
			await deleteEntry(entry.clientKey);
			return { state: 'sent', id };
		} catch (error) {
			const fresh = (await getEntry(entry.clientKey)) ?? entry;
			fresh.attempts += 1;
			fresh.lastError = error instanceof Error ? error.message : String(error);
			if (error instanceof TRPCClientError && error.data?.code === 'CONFLICT') {
				fresh.status = 'conflict';
				fresh.existing = (error.data as { existing?: Record<string, unknown> }).existing ?? null;
				await putEntry(fresh);
				return { state: 'conflict', entry: fresh };
			}
			if (isFinal(error)) {
				fresh.status = 'rejected';
				await putEntry(fresh);
				return { state: 'rejected', clientKey: entry.clientKey, error };
			}
			await putEntry(fresh);
			return { state: 'queued' };
		}
	}

	/** Sends what waits, oldest first, one at a time; also when another call is already replaying. */
	replay(): Promise<void> {
		this.#replaying ??= (async () => {
			try {
				for (const entry of await allEntries()) {
					if (entry.status !== 'pending') continue;
					const result = await this.#attempt(entry);
					if (result.state === 'queued') break;
				}
			} finally {
				await this.refresh();
				this.#replaying = null;
			}
		})();
		return this.#replaying;
	}

	/** Replays when the app starts, when the connection returns, and every half minute while anything waits. */
	start() {
		if (this.#timer) return;
		void this.replay();
		window.addEventListener('online', () => void this.replay());
		this.#timer = setInterval(() => {
			if (this.pending > 0 && navigator.onLine) void this.replay();
		}, RETRY_MS);
	}

	async discard(clientKey: string) {
		await deleteEntry(clientKey);
		await this.refresh();
	}

	/** After a conflict: send the person's version as a new submission, under a new key. */
	async resendAsNew(entry: OutboxEntry): Promise<SubmitResult> {
		await deleteEntry(entry.clientKey);
		return this.submit(entry.kind, entry.input);
	}
}

export const outbox = new Outbox();
