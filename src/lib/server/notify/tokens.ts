import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import type { Tx } from '../db.ts';

// Long enough to act on a notification that waited on a locked phone overnight.
const TOKEN_HOURS = 48;

const hashOf = (token: string) => encodeHexLowerCase(sha256(new TextEncoder().encode(token)));

/** A fresh token for one delivery, carried in its push payload; only its hash is stored. */
export async function issueDeliveryToken(db: Tx, deliveryId: string): Promise<string> {
	const bytes = new Uint8Array(20);
	crypto.getRandomValues(bytes);
	const token = encodeBase32LowerCaseNoPadding(bytes);
	await db`
		insert into delivery_tokens (token_hash, delivery_id, expires_at)
		values (${hashOf(token)}, ${deliveryId}, now() + make_interval(hours => ${TOKEN_HOURS}))`;
	return token;
}

/** Whether `token` belongs to `deliveryId` and has not expired (receipts may repeat). */
export async function tokenMatches(db: Tx, deliveryId: string, token: string): Promise<boolean> {
	const [row] = await db`
		select 1 from delivery_tokens where token_hash = ${hashOf(token)} and delivery_id = ${deliveryId} and expires_at > now()`;
	return row !== undefined;
}

/** Uses the token up: an acknowledgement from a notification counts once. */
export async function spendToken(db: Tx, deliveryId: string, token: string): Promise<boolean> {
	const rows = await db`
		update delivery_tokens set used_at = now()
		where token_hash = ${hashOf(token)} and delivery_id = ${deliveryId} and expires_at > now() and used_at is null
		returning 1`;
	return rows.length > 0;
}
