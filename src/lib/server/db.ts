import postgres from 'postgres';

// The one pool. DATABASE_URL is read at import time (scripts and test setup set it first); the pool
// connects lazily, so building the app needs no database.
const options = {
	max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
	transform: postgres.camel,
	connection: { TimeZone: 'Asia/Shanghai', application_name: 'huiying' },
	onnotice: () => {}
};

export const sql = process.env.DATABASE_URL ? postgres(process.env.DATABASE_URL, options) : postgres(options);

export type Sql = typeof sql;
/** What a transaction and the pool share: queries take whichever they are given. */
export type Tx = postgres.ISql<{}>;
