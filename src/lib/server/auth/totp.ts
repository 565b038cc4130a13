// The authenticator app (验证器) as a second factor: a TOTP key per person (RFC 6238, 30 s, 6 digits, through
// @oslojs/otp), sealed at rest like every other secret, each code good once; and ten single-use recovery codes.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createTOTPKeyURI, generateHOTP } from '@oslojs/otp';
import { encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import type { Tx } from '../db.ts';
import { isSealed, openSecret, sealSecret, secretsKey } from '../security/index.ts';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** A phone's clock a little off either way still works: the step before and the step after are accepted too. */
const TOTP_WINDOW_STEPS = 1;
export const RECOVERY_CODE_COUNT = 10;

const keyContext = (personId: string) => `totp-key:${personId}`;

/** The step a time falls in. */
export const totpStep = (at: number = Date.now()) => BigInt(Math.floor(at / 1000 / TOTP_PERIOD_SECONDS));

/** The code an authenticator app shows for `key` at `at`: what the e2e tests and the demo type. */
export const totpCode = (key: Uint8Array, at: number = Date.now()) => generateHOTP(key, totpStep(at), TOTP_DIGITS);

/** The key written as the apps want it typed: base32, in groups of four. */
export const keyForTyping = (key: Uint8Array) => encodeBase32UpperCaseNoPadding(key).replace(/(.{4})/g, '$1 ').trim();

export const keyUri = (issuer: string, account: string, key: Uint8Array) =>
	createTOTPKeyURI(issuer, account, key, TOTP_PERIOD_SECONDS, TOTP_DIGITS);

/** Sealed under SECRETS_KEY; without one (a development machine) kept as it is, and sealed at the next start with one. */
function keepKey(personId: string, key: Uint8Array, secrets: Buffer | null = secretsKey()): string {
	const plain = Buffer.from(key).toString('base64');
	return secrets ? sealSecret(plain, keyContext(personId), secrets) : plain;
}

/** Seals the keys stored before SECRETS_KEY was set (hooks.server.ts, at start). */
export async function sealStoredTotpKeys(db: Tx): Promise<number> {
	const secrets = secretsKey();
	if (!secrets) return 0;
	const rows = await db<{ personId: string; keySealed: string }[]>`select person_id, key_sealed from totp_keys for update`;
	const plain = rows.filter((r) => !isSealed(r.keySealed));
	for (const r of plain) {
		const key = new Uint8Array(Buffer.from(r.keySealed, 'base64'));
		await db`update totp_keys set key_sealed = ${keepKey(r.personId, key, secrets)} where person_id = ${r.personId}`;
	}
	return plain.length;
}

export interface TotpState {
	key: Uint8Array;
	confirmed: boolean;
}

export async function totpOf(db: Tx, personId: string): Promise<TotpState | null> {
	const [row] = await db<{ keySealed: string; confirmedAt: Date | null }[]>`
		select key_sealed, confirmed_at from totp_keys where person_id = ${personId}`;
	if (!row) return null;
	return { key: new Uint8Array(Buffer.from(openSecret(row.keySealed, keyContext(personId)), 'base64')), confirmed: row.confirmedAt !== null };
}

/**
 * A new key for someone setting up their app, not yet in force: it counts once a code from it has been typed
 * (confirmTotp). A confirmed key is never replaced here; a lost phone is a recovery code, then setting up anew.
 */
export async function startTotp(db: Tx, personId: string, key: Uint8Array = new Uint8Array(randomBytes(20))): Promise<Uint8Array> {
	const sealed = keepKey(personId, key);
	const [row] = await db<{ personId: string }[]>`
		insert into totp_keys (person_id, key_sealed) values (${personId}, ${sealed})
		on conflict (person_id) do update set key_sealed = excluded.key_sealed, created_at = now(), last_step = 0
			where totp_keys.confirmed_at is null
		returning person_id`;
	if (!row) throw new Error('a confirmed authenticator key is replaced only after it is removed');
	return key;
}

/**
 * Whether `code` is the key's code for now (a step either side allowed) and newer than the last one accepted;
 * the step is then recorded, so a code seen over a shoulder cannot be used again. Locks the person's row.
 */
export async function acceptTotp(db: Tx, personId: string, code: string, at: number = Date.now()): Promise<boolean> {
	const digits = code.replace(/\s/g, '');
	if (!/^\d{6}$/.test(digits)) return false;
	const [row] = await db<{ keySealed: string; lastStep: string }[]>`
		select key_sealed, last_step::text from totp_keys where person_id = ${personId} for update`;
	if (!row) return false;
	const key = new Uint8Array(Buffer.from(openSecret(row.keySealed, keyContext(personId)), 'base64'));
	const now = totpStep(at);
	let matched: bigint | null = null;
	for (let offset = -TOTP_WINDOW_STEPS; offset <= TOTP_WINDOW_STEPS; offset++) {
		const step = now + BigInt(offset);
		if (step > BigInt(row.lastStep) && sameText(generateHOTP(key, step, TOTP_DIGITS), digits)) matched = step;
	}
	if (matched === null) return false;
	await db`
		update totp_keys set last_step = ${matched.toString()}, confirmed_at = coalesce(confirmed_at, now())
		where person_id = ${personId}`;
	return true;
}

/** The authenticator and the recovery codes gone (a lost phone): the next sign-in sets up a new one. */
export async function removeTotp(db: Tx, personId: string): Promise<boolean> {
	const gone = await db`delete from totp_keys where person_id = ${personId} returning person_id`;
	await db`delete from recovery_codes where person_id = ${personId}`;
	return gone.length > 0;
}

function sameText(a: string, b: string): boolean {
	const x = Buffer.from(a);
	const y = Buffer.from(b);
	return x.length === y.length && timingSafeEqual(x, y);
}

// Recovery codes: 10 letters and digits each (about 50 bits), kept only as their hash.
const RECOVERY_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const hashCode = (code: string) => createHash('sha256').update(code.replace(/[\s-]/g, '').toUpperCase(), 'utf8').digest();

function recoveryCode(): string {
	const bytes = randomBytes(10);
	const letters = [...bytes].map((b) => RECOVERY_ALPHABET[b % RECOVERY_ALPHABET.length]).join('');
	return `${letters.slice(0, 5)}-${letters.slice(5)}`;
}

/** A fresh set of recovery codes replaces any older one; the codes themselves are shown once and kept nowhere. */
export async function newRecoveryCodes(db: Tx, personId: string): Promise<string[]> {
	const codes = Array.from({ length: RECOVERY_CODE_COUNT }, recoveryCode);
	await db`delete from recovery_codes where person_id = ${personId}`;
	await db`
		insert into recovery_codes ${db(codes.map((c) => ({ person_id: personId, code_hash: hashCode(c) })))}`;
	return codes;
}

/** Uses one recovery code up; false when it is not one of the person's unused codes. */
export async function useRecoveryCode(db: Tx, personId: string, code: string): Promise<boolean> {
	if (code.length > 40) return false;
	const [row] = await db<{ personId: string }[]>`
		update recovery_codes set used_at = now()
		where person_id = ${personId} and code_hash = ${hashCode(code)} and used_at is null
		returning person_id`;
	return !!row;
}

export async function unusedRecoveryCodes(db: Tx, personId: string): Promise<number> {
	const [row] = await db<{ n: number }[]>`select count(*)::int as n from recovery_codes where person_id = ${personId} and used_at is null`;
	return row?.n ?? 0;
}
