import type { Tx } from '../db.ts';

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
