// A transaction that enqueues never waits for a second connection of the pool: with a pool of one, the
// first send of the process (pg-boss's queue lookup included) runs on the transaction's own connection.
import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
	process.env.DATABASE_POOL_SIZE = '1';
});

const { sql } = await import('../db.ts');
const { enqueueDeliveries, enqueueDelivery, enqueueSignoffExpiry, enqueueTick, QUEUES } = await import('./boss.ts');

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

describe('enqueueing a step’s deliveries together', () => {
	it('queues, in the caller’s transaction, the very jobs one send per person would: same data, key and retries', async () => {
		const [batched, single] = [randomUUID(), randomUUID()];
		const people = Array.from({ length: 30 }, () => randomUUID());
		await within(5_000, sql.begin((tx) => enqueueDeliveries(tx, people.map((recipientId) => ({ clockId: batched, stepIndex: 2, recipientId })))));
		await within(
			5_000,
			sql.begin(async (tx) => {
				for (const recipientId of people) await enqueueDelivery(tx, { clockId: single, stepIndex: 2, recipientId });
			})
		);
		// The deliver queue is a standard one: a key does not stop a second job. Once per person is the
		// caller's to keep (runClock queues only for deliveries it has just inserted).
		const deliverJobsOf = (clockId: string) => sql<Record<string, unknown>[]>`
			select data->>'recipientId' as recipient_id, data->>'stepIndex' as step_index, replace(singleton_key, ${clockId}, 'clock') as key,
				priority, retry_limit, retry_delay, retry_backoff, policy, state, start_after <= now() as runnable
			from pgboss.job where name = ${QUEUES.deliver} and data->>'clockId' = ${clockId} order by recipient_id`;
		const jobs = await deliverJobsOf(batched);
		expect(jobs).toHaveLength(people.length);
		expect(jobs).toEqual(await deliverJobsOf(single));
		expect(jobs[0]).toMatchObject({ key: `clock:2:${jobs[0]!.recipientId}`, retryLimit: 5, retryDelay: 5, retryBackoff: true, state: 'created', runnable: true });
	});

	it('leaves no job behind when the transaction rolls back', async () => {
		const clockId = randomUUID();
		await expect(
			sql.begin(async (tx) => {
				await enqueueDeliveries(tx, [{ clockId, stepIndex: 0, recipientId: randomUUID() }]);
				throw new Error('the change failed');
			})
		).rejects.toThrow('the change failed');
		expect(await jobsOf(clockId)).toEqual([]);
	});
});
