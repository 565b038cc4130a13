// A transaction that enqueues never waits for a second connection of the pool: with a pool of one, the
// first send of the process (pg-boss's queue lookup included) runs on the transaction's own connection.
import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
	process.env.DATABASE_POOL_SIZE = '1';
});

const { sql } = await import('../db.ts');
const { enqueueDelivery, enqueueSignoffExpiry, enqueueTick, QUEUES } = await import('./boss.ts');

/** Rejects instead of hanging, so a wait on the pool fails the test rather than the run. */
function within<T>(ms: number, p: Promise<T>): Promise<T> {
	return Promise.race([p, new Promise<never>((_, fail) => setTimeout(() => fail(new Error(`still waiting after ${ms} ms`)), ms))]);
}

const jobsOf = (key: string) =>
	sql<{ name: string }[]>`select name from pgboss.job where data->>'clockId' = ${key} or data->>'requestId' = ${key} order by name`;

describe('enqueueing in the business transaction', () => {
	it('works on the first send to each queue while the transaction holds the only connection', async () => {
		const key = randomUUID();
		await within(
			5_000,
			sql.begin(async (tx) => {
				await enqueueTick(tx, key, new Date(Date.now() + 60_000));
				await enqueueDelivery(tx, { clockId: key, stepIndex: 0, recipientId: randomUUID() });
				await enqueueSignoffExpiry(tx, key, new Date(Date.now() + 60_000));
			})
		);
		expect((await jobsOf(key)).map((j) => j.name)).toEqual([QUEUES.clockTick, QUEUES.deliver, QUEUES.signoffExpiry].sort());
	});

	it('leaves no job behind when the transaction rolls back', async () => {
		const key = randomUUID();
		await expect(
			within(
				5_000,
				sql.begin(async (tx) => {
					await enqueueTick(tx, key, new Date(Date.now() + 60_000));
					throw new Error('the change failed');
				})
			)
		).rejects.toThrow('the change failed');
		expect(await jobsOf(key)).toEqual([]);
	});
});
