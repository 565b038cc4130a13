// 我的 → 登录设备: a person's own sign-ins, and ending one of them or all but this one. A session is named to the
// browser by a handle derived from its id, never by the id (the hash of the cookie's token) itself.
import { toIso } from '../../time.ts';
import { audit, type Actor } from '../audit/index.ts';
import { sql, type Tx } from '../db.ts';
import { sessionHandle } from './session.ts';

export interface SignedInDevice {
	handle: string;
	/** the session this list was asked from */
	current: boolean;
	userAgent: string | null;
	ip: string | null;
	createdAt: string;
	lastSeenAt: string;
}

interface SessionRow {
	id: string;
	userAgent: string | null;
	ip: string | null;
	createdAt: Date;
	lastSeenAt: Date;
}

// A person signs in on a handful of devices; a list longer than this is someone else's doing, shown first by last use.
const MAX_LISTED = 50;

async function sessionsOf(db: Tx, personId: string): Promise<SessionRow[]> {
	return db<SessionRow[]>`
		select id, user_agent, ip, created_at, last_seen_at from sessions
		where person_id = ${personId} and expires_at > now()
		order by last_seen_at desc limit ${MAX_LISTED}`;
}

/** This person's sign-ins, the current one first, then by when they were last used. */
export async function listOwnSessions(personId: string, currentId: string): Promise<SignedInDevice[]> {
	const rows = await sessionsOf(sql, personId);
	return rows
		.map((r) => ({ handle: sessionHandle(r.id), current: r.id === currentId, userAgent: r.userAgent, ip: r.ip, createdAt: toIso(r.createdAt), lastSeenAt: toIso(r.lastSeenAt) }))
		.sort((a, b) => Number(b.current) - Number(a.current));
}

/** Ends one of this person's sign-ins, named by its handle: that device is signed out at its next request. False when there is none such. */
export async function endOwnSession(personId: string, handle: string, actor: Actor): Promise<boolean> {
	return sql.begin(async (tx) => {
		const target = (await sessionsOf(tx, personId)).find((r) => sessionHandle(r.id) === handle);
		if (!target) return false;
		await tx`delete from sessions where id = ${target.id} and person_id = ${personId}`;
		await audit(tx, actor, { action: 'session.ended', entity: 'person', entityId: personId, after: { userAgent: target.userAgent, ip: target.ip } });
		return true;
	});
}

/** Ends every sign-in of this person but the current one; returns how many. */
export async function endOtherSessions(personId: string, currentId: string, actor: Actor): Promise<number> {
	return sql.begin(async (tx) => {
		const ended = await tx`delete from sessions where person_id = ${personId} and id <> ${currentId} returning id`;
		if (ended.length) await audit(tx, actor, { action: 'session.ended_others', entity: 'person', entityId: personId, after: { count: ended.length } });
		return ended.length;
	});
}
