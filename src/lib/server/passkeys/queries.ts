import type { Tx } from '../db.ts';

export type ChallengePurpose = 'register' | 'step_up';
export type DeviceType = 'singleDevice' | 'multiDevice';

export interface PasskeyRow {
	id: string;
	personId: string;
	publicKey: Uint8Array;
	counter: number;
	transports: string[];
	deviceType: DeviceType;
	backedUp: boolean;
	name: string;
	createdAt: Date;
	lastUsedAt: Date | null;
}

export interface ChallengeRow {
	id: string;
	challenge: string;
	binding: string | null;
}

// bigint comes back as a string from postgres.js: the counter fits a JS number (WebAuthn's is 32-bit).
const columns = (db: Tx) =>
	db`id, person_id, public_key, counter::float8 as counter, transports, device_type, backed_up, name, created_at, last_used_at`;

export async function passkeysOf(db: Tx, personId: string): Promise<PasskeyRow[]> {
	return db<PasskeyRow[]>`select ${columns(db)} from passkeys where person_id = ${personId} order by created_at, id`;
}

export async function hasPasskey(db: Tx, personId: string): Promise<boolean> {
	const [row] = await db<{ any: boolean }[]>`select exists (select 1 from passkeys where person_id = ${personId}) as any`;
	return row?.any ?? false;
}

/** Only the person's own: a credential id of someone else's passkey finds nothing. */
export async function getPasskey(db: Tx, id: string, personId: string): Promise<PasskeyRow | undefined> {
	const [row] = await db<PasskeyRow[]>`select ${columns(db)} from passkeys where id = ${id} and person_id = ${personId}`;
	return row;
}

/** Undefined when the credential is already on record (for anyone): a credential belongs to one person. */
export async function insertPasskey(
	db: Tx,
	p: Pick<PasskeyRow, 'id' | 'personId' | 'publicKey' | 'counter' | 'transports' | 'deviceType' | 'backedUp' | 'name'>
): Promise<PasskeyRow | undefined> {
	const [row] = await db<PasskeyRow[]>`
		insert into passkeys (id, person_id, public_key, counter, transports, device_type, backed_up, name)
		values (${p.id}, ${p.personId}, ${Buffer.from(p.publicKey)}, ${p.counter}, ${p.transports}::text[], ${p.deviceType}, ${p.backedUp}, ${p.name})
		on conflict (id) do nothing
		returning ${columns(db)}`;
	return row;
}

export async function markPasskeyUsed(db: Tx, id: string, counter: number, backedUp: boolean): Promise<void> {
	await db`update passkeys set counter = ${counter}, backed_up = ${backedUp}, last_used_at = now() where id = ${id}`;
}

export async function deletePasskey(db: Tx, id: string, personId: string): Promise<PasskeyRow | undefined> {
	const [row] = await db<PasskeyRow[]>`delete from passkeys where id = ${id} and person_id = ${personId} returning ${columns(db)}`;
	return row;
}

/** Who the authenticator shows the passkey as belonging to. */
export async function getAccountNames(db: Tx, personId: string): Promise<{ name: string; login: string } | undefined> {
	const [row] = await db<{ name: string; login: string }[]>`
		select name, coalesce(username, phone, id::text) as login from people where id = ${personId}`;
	return row;
}

export async function insertChallenge(
	db: Tx,
	c: { personId: string; purpose: ChallengePurpose; binding: string | null; challenge: string; ttlSeconds: number }
): Promise<string> {
	// Yesterday's ceremonies are of no use to anyone; clearing them here keeps the table small without a job.
	await db`delete from webauthn_challenges where person_id = ${c.personId} and expires_at < now() - interval '1 day'`;
	const [row] = await db<{ id: string }[]>`
		insert into webauthn_challenges (person_id, purpose, binding, challenge, expires_at)
		values (${c.personId}, ${c.purpose}, ${c.binding}, ${c.challenge}, now() + make_interval(secs => ${c.ttlSeconds}))
		returning id::text`;
	return row!.id;
}

/**
 * Uses the challenge up, once: this person's, for this purpose (and binding, when given), unused and
 * unexpired. Two requests racing with the same challenge: the second waits on the row and finds it used.
 */
export async function takeChallenge(
	db: Tx,
	c: { id: string; personId: string; purpose: ChallengePurpose; binding?: string }
): Promise<ChallengeRow | undefined> {
	const [row] = await db<ChallengeRow[]>`
		update webauthn_challenges set used_at = now()
		where id = ${c.id} and person_id = ${c.personId} and purpose = ${c.purpose}
			and ${c.binding === undefined ? db`true` : db`binding = ${c.binding}`}
			and used_at is null and expires_at > now()
		returning id::text, challenge, binding`;
	return row;
}

/** Why a challenge could not be taken: for choosing the message only, never for letting it through. */
export async function challengeBinding(db: Tx, id: string, personId: string): Promise<{ binding: string | null } | undefined> {
	const [row] = await db<{ binding: string | null }[]>`
		select binding from webauthn_challenges where id = ${id} and person_id = ${personId}`;
	return row;
}
