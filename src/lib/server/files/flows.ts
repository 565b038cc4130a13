import { createHash } from 'node:crypto';
import type { MessageKey } from '../../i18n/index.ts';
import { m } from '../../paraglide/messages.js';
import { audit, auditRefusal, SYSTEM_ACTOR, type Actor } from '../audit/index.ts';
import type { SessionUser } from '../auth/index.ts';
import { sql } from '../db.ts';
import { FieldError } from '../errors.ts';
import { scopeRoot } from '../units/index.ts';
import { dailyUploadLimits, deleteUnreferencedFiles, insertFile, maxFileBytes, readableFile, uploadsSince, type FileRow } from './queries.ts';
import { checkFile, cleanFileName, type FileRefusalReason } from './sniff.ts';
import { blobStore, newStorageKey, type BlobStore } from './store.ts';

/** Why a file is refused: its bytes (sniff.ts), or no file in the request at all. */
export type UploadRefusalReason = FileRefusalReason | 'missing';

const REFUSAL_KEY: Record<UploadRefusalReason, MessageKey> = {
	missing: 'files.no_file',
	empty: 'files.empty',
	too_large: 'files.too_large',
	type: 'files.bad_type'
};

/** A file that will not be stored, and why, naming the field 「文件」. */
export class FileRefused extends FieldError {
	readonly reason: UploadRefusalReason;
	constructor(reason: UploadRefusalReason, maxBytes: number) {
		super('file', REFUSAL_KEY[reason], { mb: megabytes(maxBytes) });
		this.reason = reason;
	}
}

function megabytes(bytes: number): number {
	return Math.round((bytes / 1024 / 1024) * 10) / 10;
}

export interface Uploader {
	personId: string;
	actor: Actor;
}

/** Checks the bytes (empty, size, sniffed type), puts them in the store and records who uploaded what. */
export async function storeFile(bytes: Uint8Array, name: string, uploader: Uploader, store: BlobStore = blobStore()): Promise<FileRow> {
	const maxBytes = await maxFileBytes(sql);
	const checked = await checkFile(bytes, name, maxBytes);
	if (!checked.ok) throw new FileRefused(checked.reason, maxBytes);
	const { mime, ext } = checked.type;
	const sha256 = createHash('sha256').update(bytes).digest('hex');
	const storageKey = newStorageKey();
	await store.put(storageKey, bytes, mime);
	try {
		return await sql.begin(async (tx) => {
			const row = await insertFile(tx, { sha256, size: bytes.byteLength, mime, name: cleanFileName(name, ext), storageKey, uploadedBy: uploader.personId });
			await audit(tx, { ...uploader.actor, personId: uploader.personId }, {
				action: 'file.uploaded',
				entity: 'file',
				entityId: row.id,
				after: { name: row.name, size: row.size, mime, sha256 }
			});
			return row;
		});
	} catch (e) {
		// No row, no bytes: a blob nobody can reach is not left behind.
		await store.delete(storageKey).catch(() => {});
		throw e;
	}
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The file when this person may download it, else null (the caller answers 404 either way). See readableFile. */
export async function fileAccess(user: Pick<SessionUser, 'id' | 'roles' | 'scopeUnitId'>, fileId: string): Promise<FileRow | null> {
	if (!UUID.test(fileId)) return null;
	return (await readableFile(sql, fileId, user.id, scopeRoot(user))) ?? null;
}

/**
 * The file for `user`'s download, or null; a file out of reach (or none at all) is recorded as a refused read for
 * `request` (who, from where), like any procedure's refusal (trpc/init.ts).
 */
export async function fileForDownload(user: Pick<SessionUser, 'id' | 'roles' | 'scopeUnitId'>, fileId: string, request: Actor): Promise<FileRow | null> {
	const file = await fileAccess(user, fileId);
	if (!file) await auditRefusal(sql, request, { entity: 'file', entityId: fileId.slice(0, 100), code: 'NOT_FOUND' });
	return file;
}

/** The largest file the office allows now, in bytes: an upload longer than this is cut off before it is read. */
export const uploadMaxBytes = (): Promise<number> => maxFileBytes(sql);

/** The stored bytes of a file row; null when the store has lost them. */
export function openFile(file: FileRow, store: BlobStore = blobStore()): Promise<ReadableStream<Uint8Array> | null> {
	return store.get(file.storageKey);
}

const DAY_MS = 24 * 3_600_000;

/** Over the day's allowance: answered 429 with when to try again; the phone's outbox keeps the picture and retries. */
export class UploadLimited extends Error {
	readonly retryAfterSeconds: number;
	constructor(limits: { files: number; bytes: number }, retryAfterSeconds: number) {
		super(m['files.daily_limit']({ files: limits.files, mb: megabytes(limits.bytes), hours: Math.max(1, Math.ceil(retryAfterSeconds / 3_600)) }));
		this.retryAfterSeconds = retryAfterSeconds;
	}
}

/**
 * Refuses an upload of about `incomingBytes` when this person's last 24 hours already hold the allowance (by
 * default 200 files or 1 GB): checked before the body is read, so an over-quota upload costs no storage.
 */
export async function checkUploadAllowance(personId: string, incomingBytes: number, now: Date = new Date()): Promise<void> {
	const limits = await dailyUploadLimits(sql);
	const used = await uploadsSince(sql, personId, new Date(now.getTime() - DAY_MS));
	if (used.files < limits.files && used.bytes + incomingBytes <= limits.bytes) return;
	// Room returns as the earliest of the day's uploads leaves the window.
	const freesAt = (used.earliest?.getTime() ?? now.getTime()) + DAY_MS;
	throw new UploadLimited(limits, Math.max(60, Math.ceil((freesAt - now.getTime()) / 1_000)));
}

/**
 * Removes uploads that no record took up within a day (a form abandoned after its pictures went up, a script
 * filling the store), their rows first and then their bytes. A capture still waiting in a phone's outbox
 * uploads its pictures again when the server no longer has them (src/lib/state/outbox.svelte.ts).
 */
export async function removeUnusedUploads(now: Date = new Date(), store: BlobStore = blobStore()): Promise<{ removed: number }> {
	const BATCH = 200;
	let removed = 0;
	for (;;) {
		const gone = await sql.begin(async (tx) => {
			const rows = await deleteUnreferencedFiles(tx, new Date(now.getTime() - DAY_MS), BATCH);
			for (const f of rows) {
				await audit(tx, SYSTEM_ACTOR, { action: 'file.removed_unused', entity: 'file', entityId: f.id, before: { name: f.name, size: f.size, uploadedBy: f.uploadedBy } });
			}
			return rows;
		});
		// A blob whose delete fails is only wasted space: no row points at it any more.
		await Promise.all(gone.map((f) => store.delete(f.storageKey).catch(() => {})));
		removed += gone.length;
		if (gone.length < BATCH) return { removed };
	}
}
