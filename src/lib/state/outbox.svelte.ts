import { TRPCClientError } from '@trpc/client';
import { belongsTo, OWNER_HEADER, outcomeOf } from '$lib/outbox/owner.ts';
import {
	deleteDraft,
	deleteEntry,
	entriesOf,
	getDraft,
	getEntry,
	putDraft,
	putEntry,
	type Draft,
	type OutboxEntry,
	type OutboxFile,
	type OutboxKind
} from '$lib/outbox/store.ts';
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

/** A sent entry, told to its author once: "已提交：…" with a link to the record. */
export interface SentNotice {
	clientKey: string;
	kind: OutboxKind;
	id: string;
	input: Record<string, unknown>;
}

/** An upload answered with a status another try will not change, unless it is about the session. */
class UploadFailed extends Error {
	readonly status: number;
	constructor(message: string, status: number) {
		super(message);
		this.status = status;
	}
}

/** POST /api/files, one file, with the session of the entry's author: the stored file's id. */
async function upload(file: OutboxFile, ownerId: string): Promise<string> {
	const form = new FormData();
	form.append('file', file.blob, file.name);
	const res = await fetch('/api/files', { method: 'POST', body: form, credentials: 'same-origin', headers: { [OWNER_HEADER]: ownerId } });
	const body = (await res.json().catch(() => null)) as { id?: string; message?: string } | null;
	if (res.status === 201 && body?.id) return body.id;
	if (outcomeOf({ status: res.status }) === 'rejected') throw new UploadRefused(body?.message ?? String(res.status), file);
	// A server error, a proxy's page or a session that is not the author's: another try may work.
	throw new UploadFailed(body?.message ?? `HTTP ${res.status}`, res.status);
}

function outcomeOfError(error: unknown) {
	if (error instanceof UploadRefused) return outcomeOf({ refusedFile: true });
	if (error instanceof UploadFailed) return outcomeOf({ status: error.status });
	if (error instanceof TRPCClientError) {
		const data = error.data as { httpStatus?: number; code?: string } | undefined;
		return outcomeOf({ status: data?.httpStatus, code: data?.code });
	}
	return outcomeOf({});
}

/** The server no longer has a picture this entry uploaded: it removes uploads no record took up within a day. */
function screenshotsGone(error: unknown): boolean {
	if (!(error instanceof TRPCClientError)) return false;
	const data = error.data as { code?: string; fieldErrors?: Record<string, string> } | undefined;
	return data?.code === 'BAD_REQUEST' && !!data.fieldErrors?.screenshotIds;
}

/** Sends one entry under its author's session; the server refuses it under anyone else's (OWNER_HEADER). */
async function send(entry: OutboxEntry & { ownerId: string }, uploadedAgain = false): Promise<{ id: string; duplicates: PossibleDuplicate[] }> {
	const context = { ownerId: entry.ownerId };
	switch (entry.kind) {
		case 'incident.create': {
			const created = await trpc.incident.create.mutate(
				{
					...(entry.input as Parameters<typeof trpc.incident.create.mutate>[0]),
					clientKey: entry.clientKey,
					deviceRecordedAt: entry.enteredAt
				},
				{ context }
			);
			return { id: created.id, duplicates: [] };
		}
		case 'opinion.create': {
			// The screenshots first, each once: their ids then go with the item.
			const files = entry.files ?? [];
			for (const file of files) {
				if (file.id) continue;
				file.id = await upload(file, entry.ownerId);
				file.error = null;
				await putEntry(entry);
			}
			let created;
			try {
				created = await trpc.opinion.create.mutate(
					{
						...(entry.input as Omit<Parameters<typeof trpc.opinion.create.mutate>[0], 'clientKey'>),
						clientKey: entry.clientKey,
						screenshotIds: files.map((f) => f.id!),
						deviceRecordedAt: entry.enteredAt
					},
					{ context }
				);
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

/** The outbox as the screens see it: the signed-in person's entries, how many wait, which need their decision. */
class Outbox {
	entries = $state<OutboxEntry[]>([]);
	pending = $derived(this.entries.filter((e) => e.status === 'pending').length);
	/** waiting for the person's decision (refused, or a conflict) */
	undecided = $derived(this.entries.length - this.pending);
	/** entries the outbox sent on its own since the person last looked, newest last */
	sent = $state<SentNotice[]>([]);
	/** bumped when an entry went back into its form's draft, so an open form reads it again */
	draftsChanged = $state(0);
	#owner: string | null = null;
	#replaying: Promise<void> | null = null;
	#inFlight = new Set<string>();
	#timer: ReturnType<typeof setInterval> | null = null;

	/** Set by the app layout: whose entries are read, shown and sent; null once they left (nothing is then sent). */
	ownedBy(personId: string | null) {
		if (personId === this.#owner) return;
		this.#owner = personId;
		this.entries = [];
		this.sent = [];
		void this.refresh();
	}

	async refresh() {
		const owner = this.#owner;
		const entries = owner ? await entriesOf(owner) : [];
		// Another person may have signed in while the device was read.
		if (owner === this.#owner) this.entries = entries;
	}

	/** Written to the outbox first, then sent; it leaves the outbox only once the server accepted it. */
	submit(kind: OutboxKind, input: Record<string, unknown>, files: OutboxFile[] = [], clientKey = crypto.randomUUID()): Promise<SubmitResult> {
		// The form that submits shows what happened itself (it opens the new record).
		return this.#enter(kind, input, files, clientKey, false);
	}

	async #enter(kind: OutboxKind, input: Record<string, unknown>, files: OutboxFile[], clientKey: string, announce: boolean): Promise<SubmitResult> {
		if (!this.#owner) throw new Error('outbox: nobody signed in');
		const entry: OutboxEntry = {
			clientKey,
			ownerId: this.#owner,
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
		return this.#send(entry, announce);
	}

	async #send(entry: OutboxEntry, announce: boolean): Promise<SubmitResult> {
		if (this.#replaying) await this.#replaying;
		const result = await this.#attempt(entry, announce);
		await this.refresh();
		return result;
	}

	async #attempt(entry: OutboxEntry, announce: boolean): Promise<SubmitResult> {
		// Never under someone else's session: it waits on the device for its author.
		if (!belongsTo(entry, this.#owner)) return { state: 'queued' };
		// A submit and a replay may reach the same entry at once: one send is enough.
		if (this.#inFlight.has(entry.clientKey)) return { state: 'queued' };
		this.#inFlight.add(entry.clientKey);
		try {
			const { id, duplicates } = await send(entry as OutboxEntry & { ownerId: string });
			await deleteEntry(entry.clientKey);
			if (announce) this.sent = [...this.sent, { clientKey: entry.clientKey, kind: entry.kind, id, input: entry.input }];
			return { state: 'sent', id, duplicates };
		} catch (error) {
			const fresh = (await getEntry(entry.clientKey)) ?? entry;
			fresh.attempts += 1;
			fresh.lastError = error instanceof Error ? error.message : String(error);
			const outcome = outcomeOfError(error);
			if (outcome === 'conflict') {
				fresh.status = 'conflict';
				fresh.existing = ((error as TRPCClientError<never>).data as { existing?: Record<string, unknown> } | null)?.existing ?? null;
				await putEntry(fresh);
				return { state: 'conflict', entry: fresh };
			}
			if (outcome === 'rejected') {
				fresh.status = 'rejected';
				// Which picture it was, so the person can take just that one out.
				if (error instanceof UploadRefused) fresh.files = fresh.files?.map((f) => (f.key === error.fileKey ? { ...f, error: error.message } : f));
				await putEntry(fresh);
				return { state: 'rejected', clientKey: entry.clientKey, error, entry: fresh };
			}
			await putEntry(fresh);
			return { state: 'queued' };
		} finally {
			this.#inFlight.delete(entry.clientKey);
		}
	}

	/** Sends what waits of the signed-in person's, oldest first, one at a time; also when another call is already replaying. */
	replay(): Promise<void> {
		this.#replaying ??= (async () => {
			try {
				const owner = this.#owner;
				if (!owner) return;
				for (const entry of await entriesOf(owner)) {
					if (entry.status !== 'pending') continue;
					// Signed out or another person signed in meanwhile: the rest waits for its author.
					if (owner !== this.#owner) break;
					const result = await this.#attempt(entry, true);
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
		void this.replay();
		if (this.#timer) return;
		window.addEventListener('online', () => void this.replay());
		this.#timer = setInterval(() => {
			if (this.pending > 0 && navigator.onLine) void this.replay();
		}, RETRY_MS);
	}

	/** The person saw the notice (or closed it). */
	dismiss(clientKey: string) {
		this.sent = this.sent.filter((n) => n.clientKey !== clientKey);
	}

	async discard(clientKey: string) {
		const entry = await getEntry(clientKey);
		if (entry && belongsTo(entry, this.#owner)) await deleteEntry(clientKey);
		await this.refresh();
	}

	/** After a conflict: send the person's version as a new submission, under a new key. */
	async resendAsNew(entry: OutboxEntry): Promise<SubmitResult | null> {
		// Read back from the device: what the screen holds is a reactive copy, which IndexedDB cannot store.
		const stored = await getEntry(entry.clientKey);
		if (!stored || !belongsTo(stored, this.#owner)) return null;
		await deleteEntry(stored.clientKey);
		return this.#enter(stored.kind, stored.input, (stored.files ?? []).map((f) => ({ ...f, error: null })), crypto.randomUUID(), true);
	}

	/** Takes a refused picture out of an entry; everything else in it stays as typed. */
	async dropFile(clientKey: string, fileKey: string) {
		const entry = await getEntry(clientKey);
		if (!entry || !belongsTo(entry, this.#owner)) return;
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
		if (!entry || !belongsTo(entry, this.#owner)) return null;
		entry.status = 'pending';
		entry.lastError = null;
		entry.files = entry.files?.map((f) => ({ ...f, error: null }));
		await putEntry(entry);
		await this.refresh();
		return this.#send(entry, true);
	}

	/** The signed-in person's draft of a form, pictures included. */
	async draft(form: OutboxKind): Promise<Draft | undefined> {
		return this.#owner ? getDraft(this.#owner, form) : undefined;
	}

	async saveDraft(form: OutboxKind, fields: Record<string, unknown>, files: OutboxFile[]): Promise<void> {
		if (this.#owner) await putDraft({ ownerId: this.#owner, form, fields, files, savedAt: new Date().toISOString() });
	}

	async dropDraft(form: OutboxKind): Promise<void> {
		if (this.#owner) await deleteDraft(this.#owner, form);
	}

	/** Puts an entry back into its form's draft, pictures and all, to be changed and sent again. */
	async backToForm(clientKey: string): Promise<boolean> {
		const entry = await getEntry(clientKey);
		if (!entry || !belongsTo(entry, this.#owner)) return false;
		// The draft is written before the entry goes: at no moment is the text only in memory.
		await this.saveDraft(entry.kind, entry.input, entry.files ?? []);
		await deleteEntry(clientKey);
		await this.refresh();
		this.draftsChanged++;
		return true;
	}
}

export const outbox = new Outbox();
