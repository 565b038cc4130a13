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

/** announce for many changes in one statement: a step told to hundreds announces in one round trip. */
export async function announceMany(tx: Tx, changes: Change[]): Promise<void> {
	if (!changes.length) return;
	await tx`select pg_notify(${CHANNEL}, c) from unnest(${changes.map((c) => JSON.stringify(c))}::text[]) as c`;
}

/** How many subscriptions this instance is holding open. */
export const subscriptions = (): number => local.listenerCount('change');

/**
 * Every change announced on any instance, as `view` shows it (null: not for this subscriber), until `signal`
 * aborts or the subscriber returns. Every subscriber receives the same Change object, so work done once per
 * change can be shared by keying on it. Returning ends the subscription at once, even while it waits for news.
 */
export function changes<T = Change>(
	signal?: AbortSignal,
	view: (change: Change) => T | null | Promise<T | null> = (change) => change as T
): AsyncIterableIterator<T, undefined> {
	// Opened on the first read, so a subscription nobody reads holds no listener.
	let source: AsyncIterableIterator<[Change]> | null = null;
	let ended = false;
	const end = async (): Promise<IteratorReturnResult<undefined>> => {
		ended = true;
		await source?.return?.();
		return { done: true, value: undefined };
	};
	return {
		async next() {
			try {
				await listen();
				if (ended) return { done: true, value: undefined };
				source ??= on(local, 'change', signal ? { signal } : {}) as AsyncIterableIterator<[Change]>;
				for (;;) {
					const got = await source.next();
					if (got.done) return { done: true, value: undefined };
					const shown = await view(got.value[0]);
					if (shown !== null) return { done: false, value: shown };
				}
			} catch (e) {
				await end();
				// Whoever hung up no longer reads the answer: a failure now would reject a promise nobody awaits.
				if (signal?.aborted) return { done: true, value: undefined };
				throw e;
			}
		},
		return: end,
		[Symbol.asyncIterator]() {
			return this;
		}
	};
}
