// Phones flushing their outboxes after an outage: many incident.create at once against a server that
// has just started. Shared by tests/e2e/availability.spec.ts and bench/concurrent-writes.ts.
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { createSession, generateSessionToken, SESSION_COOKIE } from '../../src/lib/server/auth/session.ts';

/**
 * A session for `username` written straight into the database, so that the burst is the server's very
 * first work: no sign-in request warms anything before it. Returns the Cookie header.
 */
export async function mintSession(databaseUrl: string, username: string): Promise<string> {
	const db = postgres(databaseUrl, { max: 1, onnotice: () => {}, transform: postgres.camel });
	try {
		const [person] = await db<{ id: string }[]>`select id from people where username = ${username}`;
		if (!person) throw new Error(`no person ${username} in ${databaseUrl}`);
		const token = generateSessionToken();
		await createSession(db, token, person.id, { ip: '127.0.0.1', userAgent: 'write-burst' });
		return `${SESSION_COOKIE}=${token}`;
	} finally {
		await db.end();
	}
}

/** The unit a duty officer's incidents are led by: the demo's 应急管理局. */
export async function leadUnitId(databaseUrl: string): Promise<string> {
	const db = postgres(databaseUrl, { max: 1, onnotice: () => {} });
	try {
		const [unit] = await db<{ id: string }[]>`select id from units where name = '江城市应急管理局'`;
		if (!unit) throw new Error('the demo organisation is missing 江城市应急管理局');
		return unit.id;
	} finally {
		await db.end();
	}
}

export interface BurstResult {
	/** milliseconds from the first request to the last answer */
	ms: number;
	/** HTTP status per request, or the error's name for one that never answered (TimeoutError…) */
	statuses: (number | string)[];
	/** the X-Request-Id of each answer */
	requestIds: (string | null)[];
}

/** `count` incident.create at once over HTTP, each given up after `timeoutMs`. */
export async function fireWrites(opts: { url: string; cookie: string; leadUnitId: string; count: number; timeoutMs: number }): Promise<BurstResult> {
	const started = performance.now();
	const answers = await Promise.all(
		Array.from({ length: opts.count }, async (_, i) => {
			try {
				const res = await fetch(`${opts.url}/api/trpc/incident.create`, {
					method: 'POST',
					headers: { cookie: opts.cookie, origin: opts.url, 'content-type': 'application/json' },
					body: JSON.stringify({
						clientKey: randomUUID(),
						title: `暴雨积水-补发${i + 1}`,
						category: 'accident',
						level: 2,
						occurredAt: new Date(Date.now() - 10 * 60_000).toISOString(),
						location: '江城市滨江区',
						leadUnitId: opts.leadUnitId,
						description: ''
					}),
					signal: AbortSignal.timeout(opts.timeoutMs)
				});
				await res.arrayBuffer();
				return { status: res.status as number | string, requestId: res.headers.get('x-request-id') };
			} catch (error) {
				return { status: (error as Error).name, requestId: null };
			}
		})
	);
	return { ms: performance.now() - started, statuses: answers.map((a) => a.status), requestIds: answers.map((a) => a.requestId) };
}

/**
 * Connections of this database "idle in transaction" for at least `forMs`: each holds a pool slot and its
 * locks. (The job workers, busy with what the writes started, pass through that state for milliseconds.)
 */
export async function idleInTransaction(databaseUrl: string, forMs = 2_000): Promise<number> {
	const db = postgres(databaseUrl, { max: 1, onnotice: () => {} });
	try {
		const [row] = await db<{ n: number }[]>`
			select count(*)::int as n from pg_stat_activity
			where datname = current_database() and state like 'idle in transaction%' and pid <> pg_backend_pid()
				and state_change < clock_timestamp() - make_interval(secs => ${forMs / 1000})`;
		return row!.n;
	} finally {
		await db.end();
	}
}
