// The second factor at the moment of signing: a passkey assertion over a challenge that carries what is
// being approved, or, only for someone who has no passkey, the password again. Releases call this.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
	generateAuthenticationOptions,
	verifyAuthenticationResponse,
	type AuthenticationResponseJSON,
	type PublicKeyCredentialRequestOptionsJSON
} from '@simplewebauthn/server';
import { z } from 'zod';
import { verifyPassword, ACCOUNT_MAX_FAILURES, clearFailures, isLocked, recordFailure } from '../auth/index.ts';
import { sql, type Tx } from '../db.ts';
import { FieldError } from '../errors.ts';
import { getPasswordHash } from '../people/index.ts';
import { CHALLENGE_TTL_SECONDS, relyingParty } from './flows.ts';
import { challengeBinding, getPasskey, hasPasskey, insertChallenge, markPasskeyUsed, passkeysOf, takeChallenge } from './queries.ts';

export type SecondFactorProof =
	| { kind: 'passkey'; challengeId: string; response: AuthenticationResponseJSON }
	| { kind: 'password'; password: string };

const base64url = z.string().regex(/^[A-Za-z0-9_-]*={0,2}$/).max(20_000);

// Loose on purpose: the library verifies every byte; this only keeps out what is not even shaped like an answer.
const authenticationResponse = z
	.object({
		id: base64url.min(1),
		rawId: base64url.min(1),
		type: z.literal('public-key'),
		response: z
			.object({
				clientDataJSON: base64url,
				authenticatorData: base64url,
				signature: base64url,
				userHandle: base64url.optional()
			})
			.loose(),
		clientExtensionResults: z.object({}).loose(),
		authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional()
	})
	.loose() as unknown as z.ZodType<AuthenticationResponseJSON, AuthenticationResponseJSON>;

/** For tRPC inputs: `{ proof: secondFactorProof }`. */
export const secondFactorProof: z.ZodType<SecondFactorProof, SecondFactorProof> = z.discriminatedUnion('kind', [
	z.object({ kind: z.literal('passkey'), challengeId: z.uuid(), response: authenticationResponse }),
	z.object({ kind: z.literal('password'), password: z.string().min(1).max(1024) })
]);

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

export const stepUpThrottleKey = (personId: string) => `stepup:${personId}`;

/**
 * Options for a step-up ceremony bound to `binding` (e.g. `release-signoff:<requestId>:<versionHash>`). The
 * challenge is 16 random bytes followed by SHA-256(binding), so the authenticator's signature covers what is
 * being approved. `passkeys: false` when the person has none (the client then asks for the password).
 */
export async function stepUpOptions(
	personId: string,
	binding: string,
	origin: string | undefined
): Promise<{ passkeys: true; challengeId: string; options: PublicKeyCredentialRequestOptionsJSON } | { passkeys: false }> {
	const passkeys = await passkeysOf(sql, personId);
	if (passkeys.length === 0) return { passkeys: false };
	const options = await generateAuthenticationOptions({
		rpID: relyingParty(origin).rpID,
		allowCredentials: passkeys.map((p) => ({ id: p.id, transports: p.transports })),
		challenge: new Uint8Array(Buffer.concat([randomBytes(16), sha256(binding)])),
		timeout: CHALLENGE_TTL_SECONDS * 1000,
		// A second factor at the moment of signing: the phone must check it is its owner, not just that someone tapped.
		userVerification: 'required'
	});
	const challengeId = await insertChallenge(sql, {
		personId,
		purpose: 'step_up',
		binding,
		challenge: options.challenge,
		ttlSeconds: CHALLENGE_TTL_SECONDS
	});
	return { passkeys: true, challengeId, options };
}

function endsWithBindingHash(challenge: string, binding: string): boolean {
	const bytes = Buffer.from(challenge, 'base64url');
	const hash = sha256(binding);
	return bytes.length === 16 + hash.length && timingSafeEqual(bytes.subarray(16), hash);
}

async function verifyPasskey(
	tx: Tx,
	personId: string,
	binding: string,
	proof: Extract<SecondFactorProof, { kind: 'passkey' }>,
	origin: string | undefined
): Promise<{ factor: 'passkey'; passkeyId: string }> {
	const challenge = await takeChallenge(tx, { id: proof.challengeId, personId, purpose: 'step_up', binding });
	if (!challenge) {
		// A challenge of this person's for something else is a wrong answer, not a late one.
		const known = await challengeBinding(tx, proof.challengeId, personId);
		throw new FieldError('proof', known && known.binding !== binding ? 'passkey.proof_invalid' : 'passkey.expired');
	}
	if (!endsWithBindingHash(challenge.challenge, binding)) throw new FieldError('proof', 'passkey.proof_invalid');
	const passkey = await getPasskey(tx, proof.response.id, personId);
	if (!passkey) throw new FieldError('proof', 'passkey.proof_invalid');
	const rp = relyingParty(origin);
	const verification = await verifyAuthenticationResponse({
		response: proof.response,
		expectedChallenge: challenge.challenge,
		expectedOrigin: rp.origin,
		expectedRPID: rp.rpID,
		credential: { id: passkey.id, publicKey: new Uint8Array(passkey.publicKey), counter: passkey.counter, transports: passkey.transports },
		requireUserVerification: true
	}).catch(() => null);
	if (!verification?.verified) throw new FieldError('proof', 'passkey.proof_invalid');
	await markPasskeyUsed(tx, passkey.id, verification.authenticationInfo.newCounter, verification.authenticationInfo.credentialBackedUp);
	return { factor: 'passkey', passkeyId: passkey.id };
}

async function verifyPasswordProof(tx: Tx, personId: string, password: string): Promise<{ factor: 'password'; passkeyId: null }> {
	// Whoever has a passkey signs with it: a password typed on a stolen, unlocked phone must not be enough.
	if (await hasPasskey(tx, personId)) throw new FieldError('proof', 'passkey.use_passkey');
	const key = stepUpThrottleKey(personId);
	if (await isLocked(tx, key)) throw new FieldError('proof', 'passkey.locked');
	const hash = await getPasswordHash(tx, personId);
	if (!hash || !(await verifyPassword(hash, password))) {
		// On the pool, not in `tx`: the caller's transaction rolls back with the error, the count must not.
		const locked = await recordFailure(sql, key, ACCOUNT_MAX_FAILURES);
		throw new FieldError('proof', locked ? 'passkey.locked' : 'passkey.password_wrong');
	}
	await clearFailures(tx, key);
	return { factor: 'password', passkeyId: null };
}

/**
 * Verifies the proof for `binding` inside the caller's transaction `tx`: the challenge must be this person's,
 * step_up, unused, unexpired, with this binding, and its bytes must end with SHA-256(binding); the credential
 * must be one of the person's passkeys; its counter is updated and last_used_at set. A password is accepted
 * only when the person has no passkey, throttled on `stepup:<personId>` (5 failures lock it for 15 minutes).
 * Every refusal is a FieldError on `proof`.
 */
export async function verifyStepUp(
	tx: Tx,
	personId: string,
	binding: string,
	proof: SecondFactorProof,
	origin: string | undefined
): Promise<{ factor: 'passkey' | 'password'; passkeyId: string | null }> {
	return proof.kind === 'passkey' ? verifyPasskey(tx, personId, binding, proof, origin) : verifyPasswordProof(tx, personId, proof.password);
}
