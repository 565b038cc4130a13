import { AsyncLocalStorage } from 'node:async_hooks';
import postgres from 'postgres';

// No statement and no forgotten transaction holds a connection (and its locks) for long: a pool of ten
// waits on itself otherwise. The migrator lifts the statement limit for its own connection.
const SESSION_LIMITS = { statement_timeout: 30_000, idle_in_transaction_session_timeout: 30_000 }; // ms
// Every statement planned for its own values: after five runs PostgreSQL may reuse a plan made for no values in
// particular, and for a list that plan is the wrong one for most reaches and filters (a department's incidents found
// by walking the whole province's). Planning these statements costs well under a millisecond.
const PLANNING = { plan_cache_mode: 'force_custom_plan' };

const TIMESTAMPTZ = /^(\d{4,})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(\.\d+)?([+-])(\d\d)(?::(\d\d))?(?::(\d\d))?( BC)?$/;

/**
 * PostgreSQL's text for a timestamptz, read whole. `new Date(text)` (postgres.js's own reading) takes year
 * 0001 for 2001 and cannot read ` BC` at all: one such stored row made every list fail.
 */
export function parseTimestamptz(text: string): Date {
	const m = TIMESTAMPTZ.exec(text);
	if (!m) return new Date(text);
	const [, y, mo, d, h, mi, s, frac, sign, oh, om, os, bc] = m;
	const date = new Date(Date.UTC(2000, 0, 1, Number(h), Number(mi), Number(s), Math.round(Number(frac ?? 0) * 1000)));
	// setUTCFullYear, unlike Date.UTC, takes years 0–99 as they are.
	date.setUTCFullYear(bc ? 1 - Number(y) : Number(y), Number(mo) - 1, Number(d));
	const offset = (Number(oh) * 3600 + Number(om ?? 0) * 60 + Number(os ?? 0)) * 1000;
	return new Date(date.getTime() - (sign === '-' ? -offset : offset));
}

// Parameters are written as postgres.js writes dates; only the reading changes.
const TIMESTAMPTZ_TYPE: postgres.PostgresType<unknown> = {
	to: 1184,
	from: [1184],
	parse: parseTimestamptz,
	serialize: (x) => (x instanceof Date ? x : new Date(x as string)).toISOString()
};

// The one pool. DATABASE_URL is read at import time (scripts and test setup set it first); the pool
// connects lazily, so building the app needs no database.
const options = {
	max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
	transform: postgres.camel,
	// UTC: every year reads back with a plain offset (China's zone gives +08:05:43 before 1901, which no date
	// parser accepts). Nothing may lean on the session's zone: a China day or year is bounded explicitly in SQL
	// (`…T00:00:00+08:00`, or `at time zone 'Asia/Shanghai'`) and shown in China time by code (time.ts).
	connection: { TimeZone: 'UTC', application_name: 'huiying', ...SESSION_LIMITS, ...PLANNING },
	// timestamptz only: dates and plain timestamps keep postgres.js's own reading.
	types: { timestamptz: TIMESTAMPTZ_TYPE },
	onnotice: () => {}
};

const pool = (max: number) =>
	// Typed as a pool without custom types: the reading of timestamptz changes, the values it gives are still Dates.
	(process.env.DATABASE_URL ? postgres(process.env.DATABASE_URL, { ...options, max }) : postgres({ ...options, max })) as unknown as postgres.Sql<{}>;

/** A reader's request: whether they are still there, and its statements still waiting for a connection. */
interface Reading {
	signal: AbortSignal;
	waiting: Set<postgres.PendingQuery<postgres.Row[]>>;
}
const readings = new AsyncLocalStorage<Reading>();

/** Raised for a statement asked for after its reader hung up: nobody is left to read the answer. */
export class HungUp extends Error {
	constructor() {
		super('the client closed the connection');
		this.name = 'HungUp';
	}
}

/**
 * Runs a reader's request (a page, a list) so that when `signal` aborts (the browser hung up: a phone lost signal,
 * a screen was left) the work stops: any statement it would start next fails with HungUp, and those still in the
 * pool's own queue (every connection full) leave it. A statement already written to a connection finishes, within
 * the statement timeout: a cancel request reaches PostgreSQL later than it is sent and could stop the next person's
 * statement on that connection. (Holding statements back from postgres.js's pipelining to make them droppable,
 * `max_pipeline: 1`, was tried: a transaction's `begin` written behind another statement then never reserves its
 * connection, and the connection is left inside a transaction for whoever comes next.)
 */
export function untilHungUp<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
	const reading: Reading = { signal, waiting: new Set() };
	const hangUp = () => {
		for (const query of reading.waiting) {
			// postgres.js's own fields: executed, and no connection (state) yet is a statement in the pool's queue.
			const q = query as unknown as { executed: boolean; state: unknown };
			if (q.executed && q.state === null) void query.cancel();
		}
		reading.waiting.clear();
	};
	signal.addEventListener('abort', hangUp, { once: true });
	return readings.run(reading, work).finally(() => signal.removeEventListener('abort', hangUp));
}

/**
 * Runs `work` for nobody's request in particular: work shared by several readers (one lookup serving every open
 * screen) must not be refused because the reader who happened to start it hung up.
 */
export function forEveryReader<T>(work: () => T): T {
	return readings.exit(work);
}

/** The pool, with each statement a hung-up reader asks for refused or dropped (untilHungUp). */
function watched(pool: postgres.Sql<{}>): postgres.Sql<{}> {
	return new Proxy(pool, {
		apply(target, self, args: unknown[]) {
			const reading = readings.getStore();
			const statement = reading && Array.isArray((args[0] as { raw?: unknown } | undefined)?.raw);
			if (statement && reading.signal.aborted) throw new HungUp();
			const query = Reflect.apply(target, self, args) as postgres.PendingQuery<postgres.Row[]>;
			if (statement) reading.waiting.add(query);
			return query;
		}
	});
}

export const sql = watched(pool(options.max));

/**
 * The escalation ticks' own connections: a burst of requests fills the request pool, and a step due at 03:00 must
 * still go out on time. Connects only when a tick runs.
 */
export const ticksSql = pool(Number(process.env.TICKS_POOL_SIZE ?? 8));

export type Sql = typeof sql;
/** What a transaction and the pool share: queries take whichever they are given. */
export type Tx = postgres.ISql<{}>;
