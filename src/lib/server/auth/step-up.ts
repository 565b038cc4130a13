// Step-up for administrative changes (trpc/init.ts steppedUp): the person proves who they are again with the one
// second factor the sign-offs use (passkeys/step-up.ts: a passkey, or the password only for someone who has none,
// throttled), bound to this session; the session then counts as freshly proved for 15 minutes. Each attempt is on
// the record.
import { audit, type Actor } from '../audit/index.ts';
import { sql } from '../db.ts';
import { FieldError } from '../errors.ts';
import { stepUpOptions, verifyStepUp, type SecondFactorProof } from '../passkeys/index.ts';
import { sessionHandle } from './session.ts';

const bindingOf = (sessionId: string) => `session-step-up:${sessionHandle(sessionId)}`;

/** A passkey challenge bound to this session, or `{ passkeys: false }`: then the password. */
export function stepUpChallenge(personId: string, sessionId: string, origin: string | undefined) {
	return stepUpOptions(personId, bindingOf(sessionId), origin);
}

export async function stepUp(personId: string, sessionId: string, proof: SecondFactorProof, actor: Actor, origin: string | undefined): Promise<void> {
	try {
		await sql.begin(async (tx) => {
			const { factor } = await verifyStepUp(tx, personId, bindingOf(sessionId), proof, origin);
			await tx`update sessions set authenticated_at = now() where id = ${sessionId} and person_id = ${personId}`;
			await audit(tx, actor, { action: 'session.stepped_up', entity: 'person', entityId: personId, after: { factor } });
		});
	} catch (e) {
		if (e instanceof FieldError) await audit(sql, actor, { action: 'session.step_up_failed', entity: 'person', entityId: personId, after: { factor: proof.kind } });
		throw e;
	}
}
