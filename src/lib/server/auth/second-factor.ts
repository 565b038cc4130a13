// Two factors at sign-in (GB/T 22239-2019 8.1.4.1 d): administrators, auditors and, when the office asks, leaders give
// the password and then a passkey, a code from their authenticator app or a recovery code. Between the two a
// pending sign-in (10 minutes, a cookie of its own) is all they hold: no session, nothing of the app.
import { encodeHexLowerCase } from '@oslojs/encoding';
import { sha256 } from '@oslojs/crypto/sha2';
import { renderSVG } from 'uqr';
import type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { t } from '../../i18n/index.ts';
import type { Role } from '../../roles.ts';
import { audit, type Actor } from '../audit/index.ts';
import { sql, type Tx } from '../db.ts';
import { stepUpOptions, verifyStepUp } from '../passkeys/index.ts';
import { createSession, generateSessionToken, type Session } from './session.ts';
import { ACCOUNT_MAX_FAILURES, clearFailures, isLocked, recordFailure } from './throttle.ts';
import { acceptTotp, keyForTyping, keyUri, newRecoveryCodes, startTotp, totpOf, unusedRecoveryCodes, useRecoveryCode } from './totp.ts';

export const PENDING_COOKIE = 'huiying_second_factor';
export const PENDING_MINUTES = 10;

/** Roles that always sign in with two factors. */
export const ADMINISTRATOR_ROLES: readonly Role[] = ['office_admin', 'sysadmin', 'auditor'];
/** Roles the office may add (设置 → 登录 → 领导也用第二重验证). */
export const LEADER_ROLES: readonly Role[] = ['leader', 'principal'];

export function needsSecondFactor(roles: readonly Role[], forLeaders: boolean): boolean {
	return roles.some((r) => ADMINISTRATOR_ROLES.includes(r) || (forLeaders && LEADER_ROLES.includes(r)));
}

export async function secondFactorForLeaders(db: Tx): Promise<boolean> {
	const [row] = await db<{ value: unknown }[]>`select value from settings where key = 'session.second_factor_leaders'`;
	return row?.value === true;
}

/** The stored id of a pending sign-in: a hash of its token. */
export const pendingId = (token: string) => encodeHexLowerCase(sha256(new TextEncoder().encode(`pending-sign-in:${token}`)));
const throttleKey = (personId: string) => `second-factor:${personId}`;

/** After the right password: what the person holds until the second factor. The token is the cookie's only copy. */
export async function startPendingSignIn(db: Tx, personId: string): Promise<string> {
	const token = generateSessionToken();
	await db`delete from pending_sign_ins where expires_at <= now()`;
	await db`
		insert into pending_sign_ins (id, person_id, expires_at)
		values (${pendingId(token)}, ${personId}, now() + make_interval(mins => ${PENDING_MINUTES}))`;
	return token;
}

interface Pending {
	id: string;
	personId: string;
	name: string;
	login: string;
}

async function pendingOf(db: Tx, token: string): Promise<Pending | null> {
	const [row] = await db<Pending[]>`
		select s.id, s.person_id, p.name, coalesce(p.username, p.phone) as login
		from pending_sign_ins s join people p on p.id = s.person_id
		where s.id = ${pendingId(token)} and s.expires_at > now() and p.active`;
	return row ?? null;
}

/** The passkey ceremony is bound to this pending sign-in: an assertion made for anything else does not count. */
const passkeyBinding = (pending: Pending) => `sign-in:${pending.id}`;

export type SecondFactorScreen =
	| { state: 'expired' }
	| { state: 'locked'; name: string }
	| {
			state: 'ask';
			name: string;
			totp: boolean;
			recoveryLeft: number;
			passkey: { challengeId: string; options: PublicKeyCredentialRequestOptionsJSON } | null;
	  }
	| { state: 'enrol'; name: string; key: string; uri: string; qrSvg: string };

/**
 * What the second-factor screen shows: the ways this person can answer, or, for someone with none yet, a new
 * authenticator key to set up (the same key again on a reload, until a code from it is typed).
 */
export async function secondFactorScreen(token: string | undefined, origin: string | undefined): Promise<SecondFactorScreen> {
	const pending = token ? await pendingOf(sql, token) : null;
	if (!pending) return { state: 'expired' };
	if (await isLocked(sql, throttleKey(pending.personId))) return { state: 'locked', name: pending.name };
	const [totp, passkey] = await Promise.all([totpOf(sql, pending.personId), stepUpOptions(pending.personId, passkeyBinding(pending), origin)]);
	if (totp?.confirmed || passkey.passkeys) {
		return {
			state: 'ask',
			name: pending.name,
			totp: !!totp?.confirmed,
			recoveryLeft: await unusedRecoveryCodes(sql, pending.personId),
			passkey: passkey.passkeys ? { challengeId: passkey.challengeId, options: passkey.options } : null
		};
	}
	const key = totp?.key ?? (await startTotp(sql, pending.personId));
	const uri = keyUri(t('app.name'), pending.login, key);
	return { state: 'enrol', name: pending.name, key: keyForTyping(key), uri, qrSvg: renderSVG(uri, { border: 2 }) };
}

export type SecondFactorAnswer =
	| { kind: 'totp'; code: string }
	| { kind: 'recovery'; code: string }
	| { kind: 'passkey'; challengeId: string; response: AuthenticationResponseJSON };

export type SecondFactorResult =
	| { ok: true; token: string; session: Session; recoveryCodes: string[] | null }
	| { ok: false; error: 'expired' | 'locked' | 'wrong' };

async function answerHolds(tx: Tx, pending: Pending, answer: SecondFactorAnswer, origin: string | undefined): Promise<boolean> {
	if (answer.kind === 'totp') return acceptTotp(tx, pending.personId, answer.code);
	if (answer.kind === 'recovery') return useRecoveryCode(tx, pending.personId, answer.code);
	const proof = { kind: 'passkey' as const, challengeId: answer.challengeId, response: answer.response };
	return verifyStepUp(tx, pending.personId, passkeyBinding(pending), proof, origin).then(
		() => true,
		() => false
	);
}

/**
 * The second step of signing in. The right answer ends the pending sign-in and opens the session; a first code
 * from a new authenticator key also puts that key in force and returns ten recovery codes, shown once. Five wrong
 * answers lock the second factor for 15 minutes and end the pending sign-in. Every answer is in the audit log.
 */
export async function completeSignIn(token: string | undefined, answer: SecondFactorAnswer, actor: Actor, origin: string | undefined): Promise<SecondFactorResult> {
	const pending = token ? await pendingOf(sql, token) : null;
	if (!pending) return { ok: false, error: 'expired' };
	const who = { ...actor, personId: pending.personId };
	const key = throttleKey(pending.personId);
	if (await isLocked(sql, key)) {
		await audit(sql, who, { action: 'sign_in.second_factor_failed', entity: 'session', after: { factor: answer.kind, reason: 'locked' } });
		return { ok: false, error: 'locked' };
	}
	const enrolling = answer.kind === 'totp' && (await totpOf(sql, pending.personId))?.confirmed === false;
	const opened = await sql.begin(async (tx) => {
		if (!(await answerHolds(tx, pending, answer, origin))) return null;
		await tx`delete from pending_sign_ins where id = ${pending.id}`;
		await clearFailures(tx, key);
		const recoveryCodes = enrolling ? await newRecoveryCodes(tx, pending.personId) : null;
		if (enrolling) await audit(tx, who, { action: 'second_factor.enrolled', entity: 'person', entityId: pending.personId, after: { factor: 'totp' } });
		const sessionToken = generateSessionToken();
		const session = await createSession(tx, sessionToken, pending.personId, { ip: actor.ip, userAgent: actor.userAgent });
		await audit(tx, who, { action: 'sign_in.succeeded', entity: 'session', entityId: session.id.slice(0, 12), after: { login: pending.login, secondFactor: answer.kind } });
		return { token: sessionToken, session, recoveryCodes };
	});
	if (opened) return { ok: true, ...opened };
	const locked = await sql.begin(async (tx) => {
		const locks = await recordFailure(tx, key, ACCOUNT_MAX_FAILURES);
		if (locks) await tx`delete from pending_sign_ins where person_id = ${pending.personId}`;
		await audit(tx, who, { action: 'sign_in.second_factor_failed', entity: 'session', after: { factor: answer.kind, reason: 'wrong', locked: locks } });
		return locks;
	});
	return { ok: false, error: locked ? 'locked' : 'wrong' };
}
