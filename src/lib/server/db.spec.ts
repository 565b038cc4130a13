// No statement and no forgotten transaction holds one of the pool's connections for long.
import { expect, it } from 'vitest';
import { parseTimestamptz, sql } from './db.ts';

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
