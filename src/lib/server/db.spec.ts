// No statement and no forgotten transaction holds one of the pool's connections for long.
import { expect, it } from 'vitest';
import { forEveryReader, HungUp, parseTimestamptz, sql, untilHungUp } from './db.ts';

it('gives every session of the pool a statement and an idle-in-transaction limit', async () => {
	const [row] = await sql<{ statementTimeout: string; idleInTransactionSessionTimeout: string }[]>`
		select current_setting('statement_timeout') as statement_timeout,
			current_setting('idle_in_transaction_session_timeout') as idle_in_transaction_session_timeout`;
	expect(row).toEqual({ statementTimeout: '30s', idleInTransactionSessionTimeout: '30s' });
});

it('reads every stored time back as a valid date, the ancient ones a client once slipped in included', async () => {
	const [row] = await sql<{ bc: Date; year1: Date; old: Date; now: Date }[]>`
		select '0001-01-01 00:00:00+00 BC'::timestamptz as bc, '0001-03-04 05:06:07.5+00'::timestamptz as year1,
			'1900-01-01 00:00:00+00'::timestamptz as old, '2026-12-02 08:00:00.123456+08'::timestamptz as now`;
	expect(row!.bc.getUTCFullYear()).toBe(0);
	expect(row!.year1.toISOString()).toBe('0001-03-04T05:06:07.500Z');
	expect(row!.old.toISOString()).toBe('1900-01-01T00:00:00.000Z');
	expect(row!.now.toISOString()).toBe('2026-12-02T00:00:00.123Z');
	// Offsets other than UTC's, as another session zone would print them.
	expect(parseTimestamptz('1900-01-01 00:00:00+08:05:43').toISOString()).toBe('1899-12-31T15:54:17.000Z');
	expect(parseTimestamptz('2026-06-01 12:00:00-05').toISOString()).toBe('2026-06-01T17:00:00.000Z');
});

it('starts no statement for a reader who hung up, and lets the ones already asked for finish or leave the queue', async () => {
	const hangUp = new AbortController();
	const settled = await untilHungUp(hangUp.signal, async () => {
		const asked = [sql`select pg_sleep(0.2) as n`.execute(), sql`select 1 as n`.execute()];
		await new Promise((ok) => setTimeout(ok, 50));
		hangUp.abort();
		// a list's next statement, as a page load would run it after its first ones
		const after = (async () => sql`select 2 as n`)();
		return Promise.allSettled([...asked, after]);
	});
	const code = (r: PromiseSettledResult<unknown>) => (r.status === 'rejected' ? ((r.reason as { code?: string; name: string }).code ?? (r.reason as Error).name) : 'done');
	// Written to a connection already: finished (or, had every connection been full, dropped from the queue).
	for (const r of settled.slice(0, 2)) expect(['done', '57014']).toContain(code(r));
	expect(code(settled[2]!)).toBe('HungUp');
	// Outside a hung-up request the pool answers as ever, and no connection is left inside a transaction.
	expect(await sql`select 3 as n`).toEqual([{ n: 3 }]);
	expect(await sql.begin(async (tx) => tx`select 4 as n`)).toEqual([{ n: 4 }]);
});

it('runs work shared by every reader even when the reader who started it has hung up', async () => {
	const hangUp = new AbortController();
	hangUp.abort();
	// The live changes' lookup of a unit's ancestors serves every open screen (live/router.ts).
	const [own, shared] = await untilHungUp(hangUp.signal, async () =>
		Promise.allSettled([(async () => sql`select 1 as n`)(), forEveryReader(async () => sql`select 2 as n`)])
	);
	expect(own.status === 'rejected' && own.reason).toBeInstanceOf(HungUp);
	expect(shared).toEqual({ status: 'fulfilled', value: [{ n: 2 }] });
});
