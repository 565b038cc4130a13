// Changes reach every app instance: writers call pg_notify inside their transaction (so only committed
// changes are announced), and each instance LISTENs once and fans the news out to its subscribers.
import { EventEmitter, on } from 'node:events';
import { sql, type Tx } from '../db.ts';

export const CHANNEL = 'huiying_changes';

export type Change =
	| { kind: 'subject'; subject: string; id: string; unitId: string | null }
	| { kind: 'inbox'; personId: string };

const local = new EventEmitter();
local.setMaxListeners(0);
let listening: Promise<unknown> | null = null;

function listen() {
	listening ??= sql
		.listen(CHANNEL, (payload) => {
			try {
				local.emit('change', JSON.parse(payload) as Change);
			} catch {
				// not ours
			}
		})
		.catch((e: unknown) => {
			listening = null;
			throw e;
		});
	return listening;
}

/** Announces a change when the caller's transaction commits. */
export async function announce(tx: Tx, change: Change): Promise<void> {
	await tx`select pg_notify(${CHANNEL}, ${JSON.stringify(change)})`;
}

/** Every change announced on any instance, until `signal` aborts. */
export async function* changes(signal: AbortSignal): AsyncGenerator<Change> {
	await listen();
	for await (const [change] of on(local, 'change', { signal })) yield change as Change;
}
