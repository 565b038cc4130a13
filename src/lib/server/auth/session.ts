import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import type { Role, UnitKind } from '../../roles.ts';
import { sql, type Tx } from '../db.ts';
import { localeOf } from '../locale.ts';
import { scopeUnitOf } from '../units/index.ts';
import type { Locale } from '../../paraglide/runtime.js';

export const SESSION_COOKIE = 'huiying_session';

export interface SessionUser {
	id: string;
	name: string;
	unitId: string;
	unitName: string;
	/** The root of the units this person may see: their own unit, or for an office the government it serves. */
	scopeUnitId: string;
	unitKind: UnitKind;
	/** their reach starts at the top of the tree */
	scopeIsRoot: boolean;
	roles: Role[];
	/** the language they chose (我的 → 语言) */
	locale: Locale;
}

export interface Session {
	id: string;
	personId: string;
	expiresAt: Date;
	/** when the person last proved who they are on it: signed in, or stepped up (auth/step-up.ts) */
	authenticatedAt: Date;
}

/** 20 random bytes, base32: the only copy of the token is the cookie. */
export function generateSessionToken(): string {
	const bytes = new Uint8Array(20);
	crypto.getRandomValues(bytes);
	return encodeBase32LowerCaseNoPadding(bytes);
}

export function sessionIdFromToken(token: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

/** A label derived from a session's id for one use, which gives the id away to nobody. */
const derivedLabel = (use: string, sessionId: string) => encodeHexLowerCase(sha256(new TextEncoder().encode(`${use}:${sessionId}`))).slice(0, 32);

/** An opaque label of a session: the service worker keeps each session's offline copies apart by it. */
export const sessionCacheKey = (sessionId: string): string => derivedLabel('offline-copies', sessionId);

/** How 登录设备 names a session to the browser (auth/sessions.ts). */
export const sessionHandle = (sessionId: string): string => derivedLabel('session-handle', sessionId);

export interface SessionMeta {
	ip: string | null;
	userAgent: string | null;
}

export async function createSession(db: Tx, token: string, personId: string, meta: SessionMeta): Promise<Session> {
	const id = sessionIdFromToken(token);
	const [row] = await db<{ expiresAt: Date; authenticatedAt: Date }[]>`
		insert into sessions (id, person_id, expires_at, ip, user_agent)
		values (
			${id}, ${personId},
			now() + make_interval(days => (select value::int from settings where key = 'session.absolute_days')),
			${meta.ip}, ${meta.userAgent}
		)
		returning expires_at, authenticated_at`;
	return { id, personId, expiresAt: row!.expiresAt, authenticatedAt: row!.authenticatedAt };
}

// Sliding "last seen" is written at most once a minute, not on every request.
const TOUCH_AFTER_MS = 60_000;

export async function validateSessionToken(
	token: string
): Promise<{ session: Session; user: SessionUser } | { session: null; user: null }> {
	const id = sessionIdFromToken(token);
	const [row] = await sql<
		{
			id: string;
			personId: string;
			expiresAt: Date;
			authenticatedAt: Date;
			lastSeenAt: Date;
			now: Date;
			idleHours: number;
			active: boolean;
			name: string;
			unitId: string;
			unitName: string;
			scopeUnitId: string;
			unitKind: UnitKind;
			scopeIsRoot: boolean;
			roles: Role[];
			locale: string;
		}[]
	>`
		select s.id, s.person_id, s.expires_at, s.authenticated_at, s.last_seen_at, now() as now,
			(select value::int from settings where key = 'session.idle_hours') as idle_hours,
			p.active, p.name, p.unit_id, u.name as unit_name, p.roles, p.locale,
			${scopeUnitOf(sql, 'u')} as scope_unit_id,
			u.kind as unit_kind,
			(select parent_id is null from units where id = ${scopeUnitOf(sql, 'u')}) as scope_is_root
		from sessions s
		join people p on p.id = s.person_id
		join units u on u.id = p.unit_id
		where s.id = ${id}`;
	if (!row) return { session: null, user: null };
	const now = row.now.getTime();
	const idleLimit = row.lastSeenAt.getTime() + row.idleHours * 3_600_000;
	if (!row.active || now >= row.expiresAt.getTime() || now >= idleLimit) {
		await sql`delete from sessions where id = ${id}`;
		return { session: null, user: null };
	}
	if (now - row.lastSeenAt.getTime() >= TOUCH_AFTER_MS) {
		await sql`update sessions set last_seen_at = now() where id = ${id}`;
	}
	return {
		session: { id: row.id, personId: row.personId, expiresAt: row.expiresAt, authenticatedAt: row.authenticatedAt },
		user: {
			id: row.personId,
			name: row.name,
			unitId: row.unitId,
			unitName: row.unitName,
			scopeUnitId: row.scopeUnitId,
			unitKind: row.unitKind,
			scopeIsRoot: row.scopeIsRoot,
			roles: row.roles,
			locale: localeOf(row.locale)
		}
	};
}

export async function invalidateSession(db: Tx, sessionId: string): Promise<void> {
	await db`delete from sessions where id = ${sessionId}`;
}

export async function invalidatePersonSessions(db: Tx, personId: string): Promise<void> {
	await db`delete from sessions where person_id = ${personId}`;
}
