// The IndexedDB outbox: every offline-capable submission is written here first, and leaves only
// after the server answered 2xx. A closed tab, a dropped connection or a restart loses nothing.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

export type OutboxKind = 'incident.create';
export type OutboxStatus = 'pending' | 'conflict' | 'rejected';

export interface OutboxEntry {
	clientKey: string;
	kind: OutboxKind;
	input: Record<string, unknown>;
	/** when the person pressed submit, on the device's clock */
	enteredAt: string;
	status: OutboxStatus;
	attempts: number;
	lastError: string | null;
	/** the server's version, when the same key was already used with another body */
	existing: Record<string, unknown> | null;
}

interface OutboxDB extends DBSchema {
	outbox: { key: string; value: OutboxEntry; indexes: { enteredAt: string } };
}

let db: Promise<IDBPDatabase<OutboxDB>> | null = null;

function open(): Promise<IDBPDatabase<OutboxDB>> {
	db ??= openDB<OutboxDB>('huiying', 1, {
		upgrade(d) {
			d.createObjectStore('outbox', { keyPath: 'clientKey' }).createIndex('enteredAt', 'enteredAt');
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

/** Oldest first: replays go in the order the person entered them. */
export async function allEntries(): Promise<OutboxEntry[]> {
	return (await open()).getAllFromIndex('outbox', 'enteredAt');
}
