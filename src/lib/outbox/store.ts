// The IndexedDB outbox: every offline-capable submission is written here first, and leaves only
// after the server answered 2xx. A closed tab, a dropped connection or a restart loses nothing.
// Pictures travel with their entry as Blobs (IndexedDB keeps them), and so do they in a form's draft.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

export type OutboxKind = 'incident.create' | 'opinion.create';
export type OutboxStatus = 'pending' | 'conflict' | 'rejected';

/** A file that goes up before its entry: kept on the device until the server stored it. */
export interface OutboxFile {
	/** stable on the device, to name the file in a refusal */
	key: string;
	name: string;
	blob: Blob;
	/** the server's id once uploaded: an upload done is not done again */
	id: string | null;
	/** why the server refused it, in Chinese */
	error: string | null;
}

export interface OutboxEntry {
	clientKey: string;
	/**
	 * the person who typed it, sent only under their session and shown only to them. Entries written before
	 * owners were kept (version 2) have none: nobody can tell whose they are, so they stay on the device unsent.
	 */
	ownerId?: string;
	kind: OutboxKind;
	input: Record<string, unknown>;
	/** when the person pressed submit, on the device's clock */
	enteredAt: string;
	status: OutboxStatus;
	attempts: number;
	lastError: string | null;
	/** the server's version, when the same key was already used with another body */
	existing: Record<string, unknown> | null;
	/** uploaded first, their ids then go with the input (a screenshot of an opinion item) */
	files?: OutboxFile[];
}

/** What a form holds before it is sent, pictures included: one per form and person. */
export interface Draft {
	ownerId: string;
	form: OutboxKind;
	fields: Record<string, unknown>;
	files: OutboxFile[];
	savedAt: string;
}

interface OutboxDB extends DBSchema {
	outbox: { key: string; value: OutboxEntry; indexes: { enteredAt: string; ownerId: string } };
	/** version 2's drafts, one per form and of nobody known: kept, never read */
	drafts: { key: string; value: Omit<Draft, 'ownerId'> };
	personDrafts: { key: [string, OutboxKind]; value: Draft };
}

let db: Promise<IDBPDatabase<OutboxDB>> | null = null;

function open(): Promise<IDBPDatabase<OutboxDB>> {
	db ??= openDB<OutboxDB>('huiying', 3, {
		upgrade(d, oldVersion, _newVersion, tx) {
			if (oldVersion < 1) d.createObjectStore('outbox', { keyPath: 'clientKey' }).createIndex('enteredAt', 'enteredAt');
			if (oldVersion < 2) d.createObjectStore('drafts', { keyPath: 'form' });
			if (oldVersion < 3) {
				// An entry without an owner is not in this index, so no one's query ever returns it.
				tx.objectStore('outbox').createIndex('ownerId', 'ownerId');
				d.createObjectStore('personDrafts', { keyPath: ['ownerId', 'form'] });
			}
		},
		// A newer version of the app opened in another tab: let it upgrade, and open again when next needed.
		blocking(_current, _next, event) {
			(event.target as IDBDatabase).close();
			db = null;
		}
	});
	return db;
}

export async function putEntry(entry: OutboxEntry): Promise<void> {
	await (await open()).put('outbox', entry);
}

export async function getEntry(clientKey: string): Promise<OutboxEntry | undefined> {
	return (await open()).get('outbox', clientKey);
}

export async function deleteEntry(clientKey: string): Promise<void> {
	await (await open()).delete('outbox', clientKey);
}

/** One person's entries, oldest first: replays go in the order the person entered them. */
export async function entriesOf(ownerId: string): Promise<OutboxEntry[]> {
	const entries = await (await open()).getAllFromIndex('outbox', 'ownerId', ownerId);
	return entries.sort((a, b) => a.enteredAt.localeCompare(b.enteredAt));
}

export async function putDraft(draft: Draft): Promise<void> {
	await (await open()).put('personDrafts', draft);
}

export async function getDraft(ownerId: string, form: OutboxKind): Promise<Draft | undefined> {
	return (await open()).get('personDrafts', [ownerId, form]);
}

export async function deleteDraft(ownerId: string, form: OutboxKind): Promise<void> {
	await (await open()).delete('personDrafts', [ownerId, form]);
}
