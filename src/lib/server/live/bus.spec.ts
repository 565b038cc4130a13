// The change bus that keeps every open screen current: news travels only once its transaction commits,
// crosses from one app instance to another through PostgreSQL, and stops when the screen goes away.
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { sql } from '../db.ts';
import { announce, changes, CHANNEL, type Change } from './bus.ts';

interface Subscriber {
	got: Change[];
	/** Aborts the subscription; resolves once its iteration has ended. */
	stop: () => Promise<void>;
	ended: Promise<void>;
}

const subscribers: Subscriber[] = [];
afterAll(async () => {
	await Promise.all(subscribers.map((s) => s.stop()));
});

/** A screen listening: collects every change until stopped. */
function subscribe(): Subscriber {
	const controller = new AbortController();
	const got: Change[] = [];
	const ended = (async () => {
		try {
			for await (const change of changes(controller.signal)) got.push(change);
		} catch (e) {
			// Aborting is how a screen leaves; anything else is a failure.
			if (!controller.signal.aborted) throw e;
		}
	})();
	const s = {
		got,
		ended,
		stop: () => {
			controller.abort();
			return ended;
		}
	};
	subscribers.push(s);
	return s;
}

const inbox = (personId: string): Change => ({ kind: 'inbox', personId });
const news = (s: Subscriber) => s.got.filter((c) => !(c.kind === 'subject' && c.subject === 'fence'));

/**
 * Waits until `s` has received a fresh marker announced after everything before it. PostgreSQL delivers
 * notifications in commit order, so whatever the subscriber has not received by then, it never will.
 * The marker is sent again until it arrives, which also covers the moment LISTEN takes to start.
 */
async function settle(s: Subscriber): Promise<void> {
	const id = randomUUID();
	const arrived = () => s.got.some((c) => c.kind === 'subject' && c.id === id);
	await vi.waitFor(
		async () => {
			if (!arrived()) await announce(sql, { kind: 'subject', subject: 'fence', id, unitId: null });
			await new Promise((r) => setTimeout(r, 20));
			expect(arrived()).toBe(true);
		},
		{ timeout: 5_000, interval: 10 }
	);
}

describe('a change announced in a transaction', () => {
	it('reaches subscribers only when the transaction commits', async () => {
		const screen = subscribe();
		await settle(screen);
		const change = inbox(randomUUID());
		await sql.begin(async (tx) => {
			await announce(tx, change);
			// Still open: a marker committed meanwhile arrives, the change does not.
			await settle(screen);
			expect(news(screen)).toEqual([]);
		});
		await settle(screen);
		expect(news(screen)).toEqual([change]);
	});

	it('never reaches anyone when the transaction rolls back', async () => {
		const screen = subscribe();
		await settle(screen);
		const change = inbox(randomUUID());
		await expect(
			sql.begin(async (tx) => {
				await announce(tx, change);
				throw new Error('检查未通过');
			})
		).rejects.toThrow('检查未通过');
		await settle(screen);
		expect(news(screen)).toEqual([]);
	});

	it('reaches every subscriber on this instance', async () => {
		const [a, b] = [subscribe(), subscribe()];
		await Promise.all([settle(a), settle(b)]);
		const change: Change = { kind: 'subject', subject: 'incident', id: randomUUID(), unitId: randomUUID() };
		await announce(sql, change);
		await Promise.all([settle(a), settle(b)]);
		expect(news(a)).toEqual([change]);
		expect(news(b)).toEqual([change]);
	});
});

describe('another app instance', () => {
	it('is heard: a change it announces through its own connection reaches this instance’s subscribers', async () => {
		const screen = subscribe();
		await settle(screen);
		const other = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
		try {
			const change = inbox(randomUUID());
			await other`select pg_notify(${CHANNEL}, ${JSON.stringify(change)})`;
			// Something on the channel that is not a change is ignored, and the stream goes on.
			await other`select pg_notify(${CHANNEL}, ${'not json'})`;
			const after = inbox(randomUUID());
			await other`select pg_notify(${CHANNEL}, ${JSON.stringify(after)})`;
			await settle(screen);
			expect(news(screen)).toEqual([change, after]);
		} finally {
			await other.end();
		}
	});
});

describe('a screen that goes away', () => {
	it('ends its subscription when its signal aborts, and hears nothing after', async () => {
		const leaving = subscribe();
		const staying = subscribe();
		await Promise.all([settle(leaving), settle(staying)]);
		await leaving.stop();
		const count = leaving.got.length;
		const change = inbox(randomUUID());
		await announce(sql, change);
		await settle(staying);
		expect(news(staying)).toEqual([change]);
		expect(leaving.got).toHaveLength(count);
	});

	it('ends quietly when its view fails after it hung up: nobody is left to read the failure', async () => {
		const controller = new AbortController();
		const stream = changes(controller.signal, async () => {
			controller.abort();
			throw new Error('the statement was refused: its reader hung up');
		});
		const waiting = stream.next();
		await vi.waitFor(async () => {
			await announce(sql, inbox(randomUUID()));
			expect(controller.signal.aborted).toBe(true);
		});
		await expect(waiting).resolves.toEqual({ done: true, value: undefined });
	});
});
