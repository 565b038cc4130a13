// No statement and no forgotten transaction holds one of the pool's connections for long.
import { expect, it } from 'vitest';
import { sql } from './db.ts';

it('gives every session of the pool a statement and an idle-in-transaction limit', async () => {
	const [row] = await sql<{ statementTimeout: string; idleInTransactionSessionTimeout: string }[]>`
		select current_setting('statement_timeout') as statement_timeout,
			current_setting('idle_in_transaction_session_timeout') as idle_in_transaction_session_timeout`;
	expect(row).toEqual({ statementTimeout: '30s', idleInTransactionSessionTimeout: '30s' });
});
