import postgres from 'postgres';

// No statement and no forgotten transaction holds a connection (and its locks) for long: a pool of ten
// waits on itself otherwise. The migrator lifts the statement limit for its own connection.
const SESSION_LIMITS = { statement_timeout: 30_000, idle_in_transaction_session_timeout: 30_000 }; // ms

// The one pool. DATABASE_URL is read at import time (scripts and test setup set it first); the pool
// connects lazily, so building the app needs no database.
const options = {
	max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
	transform: postgres.camel,
	// UTC: every year reads back with a plain offset (China's zone gives +08:05:43 before 1901, which no date
	// parser accepts). Nothing may lean on the session's zone: a China day or year is bounded explicitly in SQL
	// (`…T00:00:00+08:00`, or `at time zone 'Asia/Shanghai'`) and shown in China time by code (time.ts).
	connection: { TimeZone: 'UTC', application_name: 'huiying', ...SESSION_LIMITS },
	onnotice: () => {}
};

export const sql = process.env.DATABASE_URL ? postgres(process.env.DATABASE_URL, options) : postgres(options);

export type Sql = typeof sql;
/** What a transaction and the pool share: queries take whichever they are given. */
export type Tx = postgres.ISql<{}>;
