import { audit, type Actor } from '../audit/index.ts';
import { sql } from '../db.ts';
import { burnVerifyTime, verifyPassword } from './password.ts';
import type { Role } from '../../roles.ts';
import { needsSecondFactor, secondFactorForLeaders, startPendingSignIn } from './second-factor.ts';
import { createSession, generateSessionToken, invalidateSession, type Session } from './session.ts';
import {
	ACCOUNT_MAX_FAILURES,
	addressKey,
	addressOverLimit,
	clearFailures,
	isLocked,
	loginKey,
	recordFailure
} from './throttle.ts';

export type SignInError = 'invalid' | 'locked' | 'address_limited';
export type SignInResult =
	| { ok: true; token: string; session: Session }
	/** the right password of someone who must also give a second factor: a pending sign-in, no session yet */
	| { ok: true; pending: string }
	| { ok: false; error: SignInError };

/** Where to go after signing in: only paths on this site, never `//elsewhere` or a full URL. */
export function safeRedirect(target: string | null): string {
	return target && target.startsWith('/') && !target.startsWith('//') && !target.startsWith('/\\') ? target : '/';
}

/** A phone number, or a username in lower case. */
export function normaliseLogin(login: string): string {
	// No username or phone holds a control character, and PostgreSQL refuses a NUL: drop them before any lookup.
	const t = login.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim();
	return /^(?:\+?86)?1[3-9]\d{9}$/.test(t.replace(/[\s-]/g, '')) ? t.replace(/[\s-]/g, '').slice(-11) : t.toLowerCase();
}

/**
 * Checks a password and opens a session. Whether the account exists never shows: an unknown name
 * costs the same hashing time, counts failures and locks exactly like a real one.
 */
export async function signIn(login: string, password: string, actor: Actor): Promise<SignInResult> {
	const name = normaliseLogin(login);
	const key = loginKey(name);
	const attempt = { login: name };
	const ip = actor.ip ?? 'unknown';

	if (await isLocked(sql, key)) {
		await audit(sql, actor, { action: 'sign_in.refused', entity: 'session', after: { ...attempt, reason: 'locked' } });
		return { ok: false, error: 'locked' };
	}

	const [person] = await sql<{ id: string; passwordHash: string; active: boolean; roles: Role[] }[]>`
		select id, password_hash, active, roles from people where username = ${name} or phone = ${name} limit 1`;
	const good = person ? await verifyPassword(person.passwordHash, password) : (await burnVerifyTime(password), false);
	// A busy address (a whole office behind one NAT) never stops the right password: guessing from it is still
	// held back by each account's own lock and by the hashing time, and its failures are told apart below.
	const addressLimited = await addressOverLimit(sql, ip);

	if (!person || !good || !person.active) {
		const locked = await sql.begin(async (tx) => {
			const locks = await recordFailure(tx, key, ACCOUNT_MAX_FAILURES);
			await recordFailure(tx, addressKey(ip), null);
			await audit(tx, { ...actor, personId: person?.id ?? null }, {
				action: 'sign_in.failed',
				entity: 'session',
				after: { ...attempt, reason: !person ? 'unknown_login' : !good ? 'wrong_password' : 'deactivated', locked: locks, addressLimited }
			});
			return locks;
		});
		return { ok: false, error: locked ? 'locked' : addressLimited ? 'address_limited' : 'invalid' };
	}

	if (needsSecondFactor(person.roles, await secondFactorForLeaders(sql))) {
		const pending = await sql.begin(async (tx) => {
			await clearFailures(tx, key);
			const token = await startPendingSignIn(tx, person.id);
			await audit(tx, { ...actor, personId: person.id }, { action: 'sign_in.second_factor_asked', entity: 'session', after: attempt });
			return token;
		});
		return { ok: true, pending };
	}

	const token = generateSessionToken();
	const session = await sql.begin(async (tx) => {
		await clearFailures(tx, key);
		const s = await createSession(tx, token, person.id, { ip: actor.ip, userAgent: actor.userAgent });
		await audit(tx, { ...actor, personId: person.id }, {
			action: 'sign_in.succeeded',
			entity: 'session',
			entityId: s.id.slice(0, 12),
			after: addressLimited ? { ...attempt, addressLimited } : attempt
		});
		return s;
	});
	return { ok: true, token, session };
}

export async function signOut(sessionId: string, actor: Actor): Promise<void> {
	await sql.begin(async (tx) => {
		await invalidateSession(tx, sessionId);
		await audit(tx, actor, { action: 'sign_out', entity: 'session', entityId: sessionId.slice(0, 12) });
	});
}
