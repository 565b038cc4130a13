import {
	generateRegistrationOptions,
	verifyRegistrationResponse,
	type PublicKeyCredentialCreationOptionsJSON,
	type RegistrationResponseJSON
} from '@simplewebauthn/server';
import { COSEALG } from '@simplewebauthn/server/helpers';
import { m } from '../../paraglide/messages.js';
import { toIso } from '../../time.ts';
import { audit, type Actor } from '../audit/index.ts';
import { sql } from '../db.ts';
import { FieldError, notFound } from '../errors.ts';
import { deletePasskey, getAccountNames, insertChallenge, insertPasskey, passkeysOf, takeChallenge, type PasskeyRow } from './queries.ts';

/** How long a ceremony may take, from the options to the answer. */
export const CHALLENGE_TTL_SECONDS = 5 * 60;
export const NAME_MAX = 60;
// What phones and security keys sign with. Named, not the library's default, whose post-quantum probe
// prints an "experimental feature" warning into the server log on every registration.
const ALGORITHMS = [COSEALG.EdDSA, COSEALG.ES256, COSEALG.RS256];

/** Where signatures must come from: the origin the browser saw, and its host name as the relying party id. */
export function relyingParty(origin: string | undefined): { origin: string; rpID: string } {
	const o = origin ?? process.env.ORIGIN ?? 'http://localhost:3000';
	return { origin: o, rpID: new URL(o).hostname };
}

export function passkeyOut(p: PasskeyRow) {
	return {
		id: p.id,
		name: p.name,
		createdAt: toIso(p.createdAt),
		lastUsedAt: p.lastUsedAt ? toIso(p.lastUsedAt) : null
	};
}
export type PasskeyOut = ReturnType<typeof passkeyOut>;

export async function listPasskeys(personId: string): Promise<PasskeyOut[]> {
	return (await passkeysOf(sql, personId)).map(passkeyOut);
}

// No extensions are asked for; saying so keeps the client's types clean of the binary ones tRPC cannot carry.
type CreationOptions = Omit<PublicKeyCredentialCreationOptionsJSON, 'extensions'>;

/** Options for navigator.credentials.create(), with a fresh single-use challenge on record. */
export async function registrationOptions(
	personId: string,
	origin: string | undefined
): Promise<{ challengeId: string; options: CreationOptions }> {
	const { rpID } = relyingParty(origin);
	const [account, existing] = await Promise.all([getAccountNames(sql, personId), passkeysOf(sql, personId)]);
	if (!account) throw notFound();
	const options = await generateRegistrationOptions({
		rpName: m['app.name'](),
		rpID,
		userName: account.login,
		userDisplayName: account.name,
		// The person's id, not their login: a renamed account keeps its passkeys.
		userID: Buffer.from(personId.replaceAll('-', ''), 'hex'),
		timeout: CHALLENGE_TTL_SECONDS * 1000,
		attestationType: 'none',
		// The same phone twice would be two rows for one authenticator: the browser says so instead.
		excludeCredentials: existing.map((p) => ({ id: p.id, transports: p.transports })),
		authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
		supportedAlgorithmIDs: ALGORITHMS
	});
	const challengeId = await insertChallenge(sql, {
		personId,
		purpose: 'register',
		binding: null,
		challenge: options.challenge,
		ttlSeconds: CHALLENGE_TTL_SECONDS
	});
	return { challengeId, options };
}

function checkName(name: string): string {
	const trimmed = name.trim();
	if (trimmed.length === 0) throw new FieldError('name', 'passkey.name_required');
	if ([...trimmed].length > NAME_MAX) throw new FieldError('name', 'passkey.name_too_long');
	return trimmed;
}

/** Verifies the authenticator's answer to our challenge and keeps its public key, audited in the same transaction. */
export async function registerPasskey(
	personId: string,
	input: { challengeId: string; name: string; response: RegistrationResponseJSON },
	origin: string | undefined,
	actor: Actor
): Promise<PasskeyOut> {
	const name = checkName(input.name);
	const rp = relyingParty(origin);
	return sql.begin(async (tx) => {
		const challenge = await takeChallenge(tx, { id: input.challengeId, personId, purpose: 'register' });
		if (!challenge) throw new FieldError('response', 'passkey.expired');
		const verification = await verifyRegistrationResponse({
			response: input.response,
			expectedChallenge: challenge.challenge,
			expectedOrigin: rp.origin,
			expectedRPID: rp.rpID,
			// Registration asked for verification as 'preferred'; step-up is where it is required.
			requireUserVerification: false,
			supportedAlgorithmIDs: ALGORITHMS
		}).catch(() => null);
		if (!verification?.verified) throw new FieldError('response', 'passkey.registration_invalid');
		const info = verification.registrationInfo;
		const row = await insertPasskey(tx, {
			id: info.credential.id,
			personId,
			publicKey: info.credential.publicKey,
			counter: info.credential.counter,
			transports: info.credential.transports ?? input.response.response.transports ?? [],
			deviceType: info.credentialDeviceType,
			backedUp: info.credentialBackedUp,
			name
		});
		if (!row) throw new FieldError('response', 'passkey.already_registered');
		await audit(tx, actor, {
			action: 'passkey.registered',
			entity: 'passkey',
			entityId: row.id,
			after: { name: row.name, deviceType: row.deviceType, backedUp: row.backedUp, transports: row.transports, userVerified: info.userVerified }
		});
		return passkeyOut(row);
	});
}

/** Only the person's own; someone else's id is simply not found. */
export async function removePasskey(personId: string, id: string, actor: Actor): Promise<void> {
	await sql.begin(async (tx) => {
		const row = await deletePasskey(tx, id, personId);
		if (!row) throw notFound();
		await audit(tx, actor, { action: 'passkey.removed', entity: 'passkey', entityId: id, before: { name: row.name, createdAt: toIso(row.createdAt) } });
	});
}
