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

export const sql = pool(options.max);

/**
 * The escalation ticks' own connections: a burst of requests fills the request pool, and a step due at 03:00 must
 * still go out on time. Connects only when a tick runs.
 */
export const ticksSql = pool(Number(process.env.TICKS_POOL_SIZE ?? 8));

export type Sql = typeof sql;
/** What a transaction and the pool share: queries take whichever they are given. */
export type Tx = postgres.ISql<{}>;
