import type { Tx } from '../db.ts';
import { logServerError } from '../log.ts';

/** Who did it and from where: every mutation passes this down to its audit row. */
export interface Actor {
	personId: string | null;
	ip: string | null;
	userAgent: string | null;
}

export interface AuditEntry {
	action: string;
	entity: string;
	entityId?: string | null;
	before?: unknown;
	after?: unknown;
}

/** Written inside the mutation's own transaction: no audit row, no change. */
export async function audit(db: Tx, actor: Actor, e: AuditEntry): Promise<void> {
	await db`
		insert into audit_log (actor_id, action, entity, entity_id, before, after, ip, user_agent)
		values (
			${actor.personId}, ${e.action}, ${e.entity}, ${e.entityId ?? null},
			${e.before === undefined ? null : db.json(e.before as never)},
			${e.after === undefined ? null : db.json(e.after as never)},
			${actor.ip}, ${actor.userAgent}
		)`;
}

export const SYSTEM_ACTOR: Actor = { personId: null, ip: null, userAgent: 'huiying-system' };

const REFUSAL_WAIT_MS = 2_000;

/**
 * A read or write refused for lack of reach or authority: one row in its own statement, outside any transaction
 * (the refused one has rolled back). It never fails or holds up the answer: an error is logged, a slow insert
 * is left to finish on its own after a short wait.
 */
export async function auditRefusal(db: Tx, actor: Actor, e: { entity: string; entityId: string | null; code: string }): Promise<void> {
	const insert = audit(db, actor, { action: 'access.refused', entity: e.entity, entityId: e.entityId, after: { code: e.code } }).catch(
		(err: unknown) => logServerError(err, { where: 'audit.refusal', entity: e.entity })
	);
	let timer: ReturnType<typeof setTimeout> | undefined;
	await Promise.race([insert, new Promise<void>((resolve) => (timer = setTimeout(resolve, REFUSAL_WAIT_MS)))]);
	clearTimeout(timer);
}
