// How often one person, and one address, may change something (every tRPC mutation). One account once
// created 11,132 incidents in 45 s; these limits keep a runaway script or a stolen session from drowning the
// office's records and the server, while a phone flushing its outbox after an outage still goes through.
// The counters live in PostgreSQL (rate_limit.counters, migration 0007), so every instance shares them.
import { TRPCError } from '@trpc/server';
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { m } from '../../paraglide/messages.js';
import { sql, type Tx } from '../db.ts';

export interface WriteLimit {
	/** writes allowed in each minute */
	perMinute: number;
	/** extra writes a burst may take beyond that, shared by the next `burstMinutes` */
	burst: number;
	burstMinutes: number;
}

const whole = (value: string | undefined, fallback: number) => {
	const n = Number(value);
	return Number.isInteger(n) && n > 0 ? n : fallback;
};

/**
 * The limits, in one place. A person: 60 writes a minute (no one types faster), with 120 more for bursts
 * within ten minutes, so an outbox of a morning's captures flushes at once. An address: 300 a minute with
 * 600 more, since a government office's whole staff may share one NAT address. Operators with larger
 * offices behind one address raise them with `WRITE_LIMIT_PERSON` / `WRITE_LIMIT_ADDRESS` (per minute;
 * the burst follows at twice that).
 */
export function writeLimits(env: NodeJS.ProcessEnv = process.env): { person: WriteLimit; address: WriteLimit } {
	const person = whole(env.WRITE_LIMIT_PERSON, 60);
	const address = whole(env.WRITE_LIMIT_ADDRESS, 300);
	return {
		person: { perMinute: person, burst: 2 * person, burstMinutes: 10 },
		address: { perMinute: address, burst: 2 * address, burstMinutes: 10 }
	};
}

/**
 * rate-limiter-flexible's PostgreSQL store speaks to a `pg`-style client: `query({ text, values, name })`
 * answering `{ rows, rowCount }`. This adapter runs those statements on our one postgres.js pool: each is a
 * single statement outside any transaction (the check runs before the procedure opens its own), so it never
 * holds a connection while waiting for another. postgres.js prepares and caches them by their text.
 */
export function pgStoreClient(db: Tx = sql) {
	return {
		async query(q: { text: string; values?: unknown[] }) {
			const rows = await db.unsafe(q.text, (q.values ?? []) as never[], { prepare: true });
			return { rows, rowCount: rows.count };
		}
	};
}

function limiter(prefix: string, limit: WriteLimit, db: Tx) {
	const store = (keyPrefix: string, points: number, duration: number) =>
		new RateLimiterPostgres({
			storeClient: pgStoreClient(db),
			// any value but the ones it recognises means "call storeClient.query directly"
			storeType: 'client',
			schemaName: 'rate_limit',
			tableName: 'counters',
			// created by the migration: never CREATE TABLE at run time
			tableCreated: true,
			keyPrefix,
			points,
			duration,
			// once a key has used everything, this instance answers from memory until the window ends
			inMemoryBlockOnConsumed: points,
			// the database unreachable: each instance still limits on its own rather than letting everything through
			insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration })
		});
	return new BurstyRateLimiter(store(prefix, limit.perMinute, 60), store(`${prefix}-burst`, limit.burst, limit.burstMinutes * 60));
}

export interface WriteLimiter {
	/** Counts one write by `personId` (when signed in) from `ip` (when known); throws TOO_MANY_REQUESTS when over. */
	consume(who: { personId: string | null; ip: string | null }): Promise<void>;
}

export function createWriteLimiter(limits = writeLimits(), db: Tx = sql): WriteLimiter {
	const person = limiter('write-person', limits.person, db);
	const address = limiter('write-address', limits.address, db);
	return {
		async consume({ personId, ip }) {
			try {
				await Promise.all([personId ? person.consume(personId) : null, ip ? address.consume(ip) : null]);
			} catch (e) {
				if (!(e instanceof RateLimiterRes)) throw e;
				throw tooManyRequests(e.msBeforeNext);
			}
		}
	};
}

export function tooManyRequests(msBeforeNext: number): TRPCError {
	return new TRPCError({ code: 'TOO_MANY_REQUESTS', message: m['error.too_many_requests']({ seconds: Math.max(1, Math.ceil(msBeforeNext / 1_000)) }) });
}

let shared: WriteLimiter | null = null;
/** The server's limiter, made on first use. */
export function writeLimiter(): WriteLimiter {
	return (shared ??= createWriteLimiter());
}
