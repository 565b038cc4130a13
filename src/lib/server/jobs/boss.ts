// pg-boss runs everything that must happen later or again. App transactions enqueue through
// `enqueueIn(tx, …)` so a job exists exactly when the change that caused it committed.
import { AsyncLocalStorage } from 'node:async_hooks';
import { PgBoss, type Job, type SendOptions } from 'pg-boss';
import { sql, type Tx } from '../db.ts';
import { logServerError, repeatFilter } from '../log.ts';

export const QUEUES = {
	clockTick: 'clock-tick',
	clockAudit: 'clock-audit',
	deliver: 'deliver',
	deliveryFallback: 'delivery-fallback',
	signoffExpiry: 'signoff-expiry',
	noticeWithdraw: 'notice-withdraw',
	filesCleanup: 'files-cleanup',
	auditSeal: 'audit-seal',
	auditVerify: 'audit-verify'
} as const;

let boss: PgBoss | null = null;

export function getBoss(): PgBoss {
	boss ??= new PgBoss({
		connectionString: process.env.DATABASE_URL,
		max: Number(process.env.JOBS_POOL_SIZE ?? 4),
		application_name: 'huiying-jobs',
		// made by the migrations (0024): the app's own role may not create a schema
		createSchema: false,
		// Its maintenance may scan the job table for a while; nothing of it may hold a connection forever.
		options: '-c statement_timeout=60s -c idle_in_transaction_session_timeout=60s',
		connectionTimeoutMillis: 10_000
	});
	return boss;
}

/**
 * The connection a send runs on. pg-boss reads a queue's row the first time a process sends to it (its
 * queue cache); that read runs here too, never on a connection of its own: taken from the pool while the
 * transaction holds one, a burst of writes as large as the pool waited on itself forever (issue 11).
 */
const sendingOn = new AsyncLocalStorage<Tx>();

/**
 * Sends without start(), so a process that runs no workers (HUIYING_JOBS=off, the tests) can still
 * enqueue. It has no connection of its own: every statement it makes runs on the one `send` was given.
 */
let sender: PgBoss | null = null;
function getSender(): PgBoss {
	sender ??= new PgBoss({
		db: {
			executeSql: async (text: string, values?: unknown[]) => {
				const db = sendingOn.getStore();
				if (!db) throw new Error('the pg-boss sender was used outside send()');
				return { rows: await db.unsafe(text, (values ?? []) as never[]) };
			}
		}
	});
	return sender;
}

// Also given as `db`: pg-boss then leaves a failed insert's error as it is, since it aborted the caller's transaction.
const bossDb = (db: Tx) => ({ executeSql: async (text: string, values?: unknown[]) => ({ rows: await db.unsafe(text, (values ?? []) as never[]) }) });

/** One job, written on `db`: the caller's transaction (the job exists exactly when it commits), or the pool outside one. */
function send(db: Tx, name: string, data: object, options: SendOptions): Promise<string | null> {
	return sendingOn.run(db, () => getSender().send(name, data, { ...options, db: bossDb(db) }));
}

export interface TickData {
	clockId: string;
}

/**
 * The job that has the clock looked at again at `at`: one per clock and time. A tick takes well under a second; one
 * taken by an instance that then died is given to another after a minute (pg-boss's default is 15 minutes), a tick
 * being safe to run twice. (The minute's audit would run that clock's step by then too.)
 */
export function tickJob(clockId: string, at: Date) {
	const data: TickData = { clockId };
	return { data, startAfter: at, singletonKey: `${clockId}@${at.getTime()}`, retryLimit: 10, retryDelay: 5, retryBackoff: true, expireInSeconds: 60 };
}

/** Asks for the clock to be looked at again at `at`, in the transaction that made it necessary. */
export async function enqueueTick(tx: Tx, clockId: string, at: Date): Promise<void> {
	const { data, ...options } = tickJob(clockId, at);
	await send(tx, QUEUES.clockTick, data, options);
}

/**
 * One notice for one person beyond the inbox: Web Push, WeCom, DingTalk… in their order. A clock's step
 * is keyed by the clock and step; any other notice (a sign-off request, an alert) by its inbox row.
 */
export type DeliverData = { clockId: string; stepIndex: number; recipientId: string } | { notificationId: string; recipientId: string };

export type FallbackData = DeliverData & { deliveryId: string };

const deliverKey = (d: DeliverData) => ('notificationId' in d ? `n:${d.notificationId}` : `${d.clockId}:${d.stepIndex}:${d.recipientId}`);

const DELIVER_OPTIONS = { retryLimit: 5, retryDelay: 5, retryBackoff: true };

/** Queued with the inbox notice, in the same transaction: the phone is tried as soon as it commits. */
export async function enqueueDelivery(tx: Tx, data: DeliverData): Promise<void> {
	await send(tx, QUEUES.deliver, data, { singletonKey: deliverKey(data), ...DELIVER_OPTIONS });
}

/**
 * enqueueDelivery for everyone a step told, as one insert on `tx`: a step told to hundreds costs one round trip,
 * not hundreds. The same jobs, keys and retries as one send each. The deliver queue does not refuse a second job
 * with a key: once per person is the caller's to keep (runClock queues only for deliveries it has just inserted).
 */
export async function enqueueDeliveries(tx: Tx, data: DeliverData[]): Promise<void> {
	if (!data.length) return;
	const jobs = data.map((d) => ({ data: d, singletonKey: deliverKey(d), ...DELIVER_OPTIONS }));
	await sendingOn.run(tx, () => getSender().insert(QUEUES.deliver, jobs, { db: bossDb(tx) }));
}

/** A notice a channel asked to hold (its per-person pace), sent again when allowed. */
export async function enqueueDeliveryAt(data: DeliverData, at: Date): Promise<void> {
	await send(sql, QUEUES.deliver, data, { startAfter: at, retryLimit: 5, retryDelay: 5, retryBackoff: true });
}

/** Looks again after the fallback window: not received means the next channel. */
export async function enqueueFallback(data: FallbackData, at: Date): Promise<void> {
	await send(sql, QUEUES.deliveryFallback, data, { startAfter: at, retryLimit: 5, retryDelay: 5 });
}

export interface SignoffExpiryData {
	requestId: string;
}

/** Looks at a sign-off request when it lapses: unanswered, its drafter must hear of it. */
export async function enqueueSignoffExpiry(tx: Tx, requestId: string, at: Date): Promise<void> {
	const data: SignoffExpiryData = { requestId };
	await send(tx, QUEUES.signoffExpiry, data, { startAfter: at, singletonKey: `signoff:${requestId}`, retryLimit: 5, retryDelay: 5 });
}

export interface WithdrawData {
	notificationIds: string[];
}

/** Notices just settled: their pushes are replaced or recalled once the settling change has committed. */
export async function enqueueWithdrawal(tx: Tx, notificationIds: string[]): Promise<void> {
	// a job's data stays small: a step told to hundreds goes as several jobs
	for (let i = 0; i < notificationIds.length; i += 100) {
		const data: WithdrawData = { notificationIds: notificationIds.slice(i, i + 100) };
		await send(tx, QUEUES.noticeWithdraw, data, { retryLimit: 5, retryDelay: 30, retryBackoff: true });
	}
}

export async function installQueues(b: PgBoss = getBoss()): Promise<void> {
	for (const name of Object.values(QUEUES)) {
		if (!(await b.getQueue(name))) await b.createQueue(name);
	}
}

export interface Workers {
	tick(clockId: string): Promise<void>;
	audit(): Promise<void>;
	deliver(data: DeliverData): Promise<void>;
	fallback(data: FallbackData): Promise<void>;
	signoffExpiry(data: SignoffExpiryData): Promise<void>;
	/** replaces or recalls the pushes of settled notices (notify/withdraw.ts) */
	withdraw?(data: WithdrawData): Promise<void>;
	/** removes uploads no record took up within a day (files/flows.ts); absent in benchmarks that run no server */
	filesCleanup?(): Promise<void>;
	/** seals the audit rows written since the last time (audit/chain.ts) */
	auditSeal?(): Promise<void>;
	/** verifies the audit log's chain and alerts the system administrators if it is broken */
	auditVerify?(): Promise<void>;
}

/** Starts pg-boss in this process: installs its schema, the queues, the minute auditor and the workers. */
export async function startJobs(workers: Workers): Promise<PgBoss> {
	const b = getBoss();
	// While the database is away every worker's every poll fails with the same error: one line per ten seconds,
	// with how many were left out, instead of dozens a second.
	const repeats = repeatFilter(10_000);
	b.on('error', (e) => {
		const seen = repeats(`${(e as { code?: string }).code ?? ''}:${String(e.message).replace(/\s*\(Queue:.*$/, '')}`);
		if (seen.log) logServerError(e, { where: 'jobs', ...(seen.repeatsLeftOut ? { repeatsLeftOut: seen.repeatsLeftOut } : {}) });
	});
	await b.start();
	await installQueues(b);
	await b.schedule(QUEUES.clockAudit, '* * * * *');
	// Many clocks can reach a step in the same second (bench/escalation.ts: 100 within a second): four
	// workers, and a full batch fetches the next one at once instead of waiting out the poll.
	const tickOptions = { pollingIntervalSeconds: 0.5, batchSize: 10, burstWhenBatchFull: true, localConcurrency: 4 };
	// A batch's ticks run side by side on the ticks' own pool (TICKS_POOL_SIZE connections): one after another, the
	// hundredth waited for ninety-nine. A tick is safe to run twice, so a failed one fails its batch for a retry.
	await b.work<TickData>(QUEUES.clockTick, tickOptions, async (jobs: Job<TickData>[]) => {
		const failed = (await Promise.allSettled(jobs.map((job) => workers.tick(job.data.clockId)))).find((r) => r.status === 'rejected');
		if (failed) throw failed.reason;
	});
	await b.work(QUEUES.clockAudit, { pollingIntervalSeconds: 5 }, async () => {
		await workers.audit();
	});
	// Sends wait on push services and chat platforms: many at once, so one slow endpoint blocks nobody.
	const sendOptions = { pollingIntervalSeconds: 0.5, batchSize: 20, burstWhenBatchFull: true, localConcurrency: 8 };
	await b.work<DeliverData>(QUEUES.deliver, sendOptions, async (jobs: Job<DeliverData>[]) => {
		await Promise.all(jobs.map((job) => workers.deliver(job.data)));
	});
	await b.work<FallbackData>(QUEUES.deliveryFallback, sendOptions, async (jobs: Job<FallbackData>[]) => {
		await Promise.all(jobs.map((job) => workers.fallback(job.data)));
	});
	await b.work<SignoffExpiryData>(QUEUES.signoffExpiry, { pollingIntervalSeconds: 2 }, async (jobs: Job<SignoffExpiryData>[]) => {
		for (const job of jobs) await workers.signoffExpiry(job.data);
	});
	const { withdraw } = workers;
	if (withdraw) {
		await b.work<WithdrawData>(QUEUES.noticeWithdraw, { pollingIntervalSeconds: 2 }, async (jobs: Job<WithdrawData>[]) => {
			for (const job of jobs) await withdraw(job.data);
		});
	}
	const { filesCleanup } = workers;
	if (filesCleanup) {
		// Hourly is soon enough for files a day old; the schedule is one row, whichever instance writes it.
		await b.schedule(QUEUES.filesCleanup, '23 * * * *');
		await b.work(QUEUES.filesCleanup, { pollingIntervalSeconds: 30 }, async () => {
			await filesCleanup();
		});
	}
	const { auditSeal, auditVerify } = workers;
	if (auditSeal) {
		// every minute: a row changed behind the app's back before its seal would go unnoticed, so seals follow soon
		await b.schedule(QUEUES.auditSeal, '* * * * *');
		await b.work(QUEUES.auditSeal, { pollingIntervalSeconds: 5 }, async () => {
			await auditSeal();
		});
	}
	if (auditVerify) {
		// every night at 03:30 China time, when a person can still act on it before the working day
		await b.schedule(QUEUES.auditVerify, '30 3 * * *', null, { tz: 'Asia/Shanghai' });
		await b.work(QUEUES.auditVerify, { pollingIntervalSeconds: 30 }, async () => {
			await auditVerify();
		});
	}
	return b;
}

export async function stopJobs(): Promise<void> {
	await boss?.stop({ graceful: true, timeout: 5000 });
	boss = null;
}
