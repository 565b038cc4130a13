// pg-boss runs everything that must happen later or again. App transactions enqueue through
// `enqueueIn(tx, …)` so a job exists exactly when the change that caused it committed.
import { PgBoss, type Job } from 'pg-boss';
import { sql, type Tx } from '../db.ts';

export const QUEUES = { clockTick: 'clock-tick', clockAudit: 'clock-audit' } as const;

let boss: PgBoss | null = null;

export function getBoss(): PgBoss {
	boss ??= new PgBoss({
		connectionString: process.env.DATABASE_URL,
		max: Number(process.env.JOBS_POOL_SIZE ?? 4),
		application_name: 'huiying-jobs'
	});
	return boss;
}

/**
 * Sends without start(), so a process that runs no workers (HUIYING_JOBS=off, the tests) can still
 * enqueue: queue lookups read through the pool, each job is written in the caller's transaction.
 */
let sender: PgBoss | null = null;
function getSender(): PgBoss {
	sender ??= new PgBoss({ db: { executeSql: async (text: string, values?: unknown[]) => ({ rows: await sql.unsafe(text, (values ?? []) as never[]) }) } });
	return sender;
}

/** A pg-boss database adapter over one of our transactions. */
function inTransaction(tx: Tx) {
	return { executeSql: async (text: string, values?: unknown[]) => ({ rows: await tx.unsafe(text, (values ?? []) as never[]) }) };
}

export interface TickData {
	clockId: string;
}

/** The job that has the clock looked at again at `at`: one per clock and time. */
export function tickJob(clockId: string, at: Date) {
	const data: TickData = { clockId };
	return { data, startAfter: at, singletonKey: `${clockId}@${at.getTime()}`, retryLimit: 10, retryDelay: 5, retryBackoff: true };
}

/** Asks for the clock to be looked at again at `at`, in the transaction that made it necessary. */
export async function enqueueTick(tx: Tx, clockId: string, at: Date): Promise<void> {
	const { data, ...options } = tickJob(clockId, at);
	await getSender().send(QUEUES.clockTick, data, { ...options, db: inTransaction(tx) });
}

export async function installQueues(b: PgBoss = getBoss()): Promise<void> {
	for (const name of Object.values(QUEUES)) {
		if (!(await b.getQueue(name))) await b.createQueue(name);
	}
}

export interface Workers {
	tick(clockId: string): Promise<void>;
	audit(): Promise<void>;
}

/** Starts pg-boss in this process: installs its schema, the queues, the minute auditor and the workers. */
export async function startJobs(workers: Workers): Promise<PgBoss> {
	const b = getBoss();
	// One line per error: while the database is away every poll fails, and the error carries its whole connection.
	b.on('error', (e) => console.error(`[jobs] ${e.message}`));
	await b.start();
	await installQueues(b);
	await b.schedule(QUEUES.clockAudit, '* * * * *');
	// Many clocks can reach a step in the same second (bench/escalation.ts: 100 within a second): four
	// workers, and a full batch fetches the next one at once instead of waiting out the poll.
	const tickOptions = { pollingIntervalSeconds: 0.5, batchSize: 10, burstWhenBatchFull: true, localConcurrency: 4 };
	await b.work<TickData>(QUEUES.clockTick, tickOptions, async (jobs: Job<TickData>[]) => {
		for (const job of jobs) await workers.tick(job.data.clockId);
	});
	await b.work(QUEUES.clockAudit, { pollingIntervalSeconds: 5 }, async () => {
		await workers.audit();
	});
	return b;
}

export async function stopJobs(): Promise<void> {
	await boss?.stop({ graceful: true, timeout: 5000 });
	boss = null;
}
