// Step-up: the person gives their password again before a change that makes or unmakes administrators, rules or
// secrets (trpc/init.ts steppedUp). Wrong passwords are throttled like signing in, and each attempt is on the record.
import { audit, type Actor } from '../audit/index.ts';
import { sql } from '../db.ts';
import { FieldError } from '../errors.ts';
import { getPasswordHash } from '../people/index.ts';
import { verifyPassword } from './password.ts';
import { ACCOUNT_MAX_FAILURES, clearFailures, isLocked, recordFailure } from './throttle.ts';

export async function stepUp(personId: string, sessionId: string, password: string, actor: Actor): Promise<void> {
	const key = `step_up:${personId}`;
	if (await isLocked(sql, key)) throw new FieldError('password', 'stepup.locked');
	const hash = await getPasswordHash(sql, personId);
	if (!hash || !(await verifyPassword(hash, password))) {
		const locked = await recordFailure(sql, key, ACCOUNT_MAX_FAILURES);
		await audit(sql, actor, { action: 'session.step_up_failed', entity: 'person', entityId: personId });
		throw new FieldError('password', locked ? 'stepup.locked' : 'stepup.wrong_password');
	}
	await sql.begin(async (tx) => {
		await clearFailures(tx, key);
		await tx`update sessions set authenticated_at = now() where id = ${sessionId} and person_id = ${personId}`;
		await audit(tx, actor, { action: 'session.stepped_up', entity: 'person', entityId: personId });
	});
}
