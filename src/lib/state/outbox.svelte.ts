import { TRPCClientError } from '@trpc/client';
import { allEntries, deleteEntry, getEntry, putDraft, putEntry, type OutboxEntry, type OutboxFile, type OutboxKind } from '$lib/outbox/store.ts';
import { trpc } from '$lib/trpc.ts';

/** "可能重复": items the server found with the same link or a near-identical summary. */
export type PossibleDuplicate = Awaited<ReturnType<typeof trpc.opinion.create.mutate>>['duplicates'][number];

export type SubmitResult =
	| { state: 'sent'; id: string; duplicates: PossibleDuplicate[] }
	| { state: 'queued' }
	| { state: 'conflict'; entry: OutboxEntry }
	| { state: 'rejected'; clientKey: string; error: unknown; entry: OutboxEntry };

const RETRY_MS = 30_000;

/** A file the server will not store (not an image, too large): its entry waits for the person. */
export class UploadRefused extends Error {
	readonly fileKey: string;
	readonly fileName: string;
	constructor(message: string, file: Pick<OutboxFile, 'key' | 'name'>) {
		super(message);
		this.fileKey = file.key;
		this.fileName = file.name;
	}
}

/** Answers that will never change by sending again: keep the entry, show it, let the person decide. */
const isFinalStatus = (status: number) => status >= 400 && status < 500 && status !== 408 && status !== 429;

function isFinal(error: unknown): error is TRPCClientError<never> {
	if (!(error instanceof TRPCClientError)) return false;
	const status = (error.data as { httpStatus?: number } | undefined)?.httpStatus;
	return status !== undefined && isFinalStatus(status);
}

/** POST /api/files, one file, with the session: the stored file's id. */
async function upload(file: OutboxFile): Promise<string> {
	const form = new FormData();
	form.append('file', file.blob, file.name);
	const res = await fetch('/api/files', { method: 'POST', body: form, credentials: 'same-origin' });
	const body = (await res.json().catch(() => null)) as { id?: string; message?: string } | null;
	if (res.status === 201 && body?.id) return body.id;
	if (isFinalStatus(res.status)) throw new UploadRefused(body?.message ?? String(res.status), file);
	// A server error or a proxy's page: another try may work.
	throw new Error(body?.message ?? `HTTP ${res.status}`);
}

/** The server no longer has a picture this entry uploaded: it removes uploads no record took up within a day. */
function screenshotsGone(error: unknown): boolean {
	if (!(error instanceof TRPCClientError)) return false;
	const data = error.data as { code?: string; fieldErrors?: Record<string, string> } | undefined;
	return data?.code === 'BAD_REQUEST' && !!data.fieldErrors?.screenshotIds;
}

async function send(entry: OutboxEntry, uploadedAgain = false): Promise<{ id: string; duplicates: PossibleDuplicate[] }> {
	switch (entry.kind) {
		case 'incident.create': {
			const created = await trpc.incident.create.mutate({
				...(entry.input as Parameters<typeof trpc.incident.create.mutate>[0]),
				clientKey: entry.clientKey,
				deviceRecordedAt: entry.enteredAt
			});
			return { id: created.id, duplicates: [] };
		}
		case 'opinion.create': {
			// The screenshots first, each once: their ids then go with the item.
			const files = entry.files ?? [];
			for (const file of files) {
				if (file.id) continue;
				file.id = await upload(file);
				file.error = null;
				await putEntry(entry);
			}
			let created;
			try {
				created = await trpc.opinion.create.mutate({
					...(entry.input as Omit<Parameters<typeof trpc.opinion.create.mutate>[0], 'clientKey'>),
					clientKey: entry.clientKey,
					screenshotIds: files.map((f) => f.id!),
					deviceRecordedAt: entry.enteredAt
				});
			} catch (error) {
				// Uploaded long ago and never used, the pictures were cleared away: this device still has them, so once more.
				if (uploadedAgain || !files.some((f) => f.id) || !screenshotsGone(error)) throw error;
				for (const file of files) file.id = null;
				await putEntry(entry);
				return send(entry, true);
			}
			return { id: created.id, duplicates: created.duplicates };
		}
	}
}

/** The outbox as the screens see it: how many wait, and which need the person's decision. */
class Outbox {
	entries = $state<OutboxEntry[]>([]);
	pending = $derived(this.entries.filter((e) => e.status === 'pending').length);
	/** bumped when an entry went back into its form's draft, so an open form reads it again */
	draftsChanged = $state(0);
	#replaying: Promise<void> | null = null;
	#timer: ReturnType<typeof setInterval> | null = null;

	async refresh() {
		this.entries = await allEntries();
	}

	/** Written to the outbox first, then sent; it leaves the outbox only once the server accepted it. */
	async submit(kind: OutboxKind, input: Record<string, unknown>, files: OutboxFile[] = [], clientKey = crypto.randomUUID()): Promise<SubmitResult> {
		const entry: OutboxEntry = {
			clientKey,
			kind,
			input,
			enteredAt: new Date().toISOString(),
			status: 'pending',
			attempts: 0,
			lastError: null,
			existing: null,
			...(files.length ? { files } : {})
		};
		await putEntry(entry);
		await this.refresh();
		return this.#send(entry);
	}

	async #send(entry: OutboxEntry): Promise<SubmitResult> {
		if (this.#replaying) await this.#replaying;
		const result = await this.#attempt(entry);
		await this.refresh();
		return result;
	}

	async #attempt(entry: OutboxEntry): Promise<SubmitResult> {
		try {
			const { id, duplicates } = await send(entry);
			await deleteEntry(entry.clientKey);
			return { state: 'sent', id, duplicates };
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
			if (error instanceof UploadRefused || isFinal(error)) {
				fresh.status = 'rejected';
				// Which picture it was, so the person can take just that one out.
				if (error instanceof UploadRefused) fresh.files = fresh.files?.map((f) => (f.key === error.fileKey ? { ...f, error: error.message } : f));
				await putEntry(fresh);
				return { state: 'rejected', clientKey: entry.clientKey, error, entry: fresh };
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
		// Read back from the device: what the screen holds is a reactive copy, which IndexedDB cannot store.
		const stored = (await getEntry(entry.clientKey)) ?? entry;
		await deleteEntry(stored.clientKey);
		return this.submit(stored.kind, stored.input, (stored.files ?? []).map((f) => ({ ...f, error: null })));
	}

	/** Takes a refused picture out of an entry; everything else in it stays as typed. */
	async dropFile(clientKey: string, fileKey: string) {
		const entry = await getEntry(clientKey);
		if (!entry) return;
		const dropped = entry.files?.find((f) => f.key === fileKey);
		entry.files = (entry.files ?? []).filter((f) => f.key !== fileKey);
		// The refusal was about that picture: it no longer stands.
		if (dropped?.error && !entry.files.some((f) => f.error)) entry.lastError = null;
		await putEntry(entry);
		await this.refresh();
	}

	/** Sends a refused entry again as it now stands (a refused picture taken out). */
	async resend(clientKey: string): Promise<SubmitResult | null> {
		const entry = await getEntry(clientKey);
		if (!entry) return null;
		entry.status = 'pending';
		entry.lastError = null;
		entry.files = entry.files?.map((f) => ({ ...f, error: null }));
		await putEntry(entry);
		await this.refresh();
		return this.#send(entry);
	}

	/** Puts an entry back into its form's draft, pictures and all, to be changed and sent again. */
	async backToForm(clientKey: string): Promise<boolean> {
		const entry = await getEntry(clientKey);
		if (!entry) return false;
		// The draft is written before the entry goes: at no moment is the text only in memory.
		await putDraft({ form: entry.kind, fields: entry.input, files: entry.files ?? [], savedAt: new Date().toISOString() });
		await deleteEntry(clientKey);
		await this.refresh();
		this.draftsChanged++;
		return true;
	}
}

export const outbox = new Outbox();
