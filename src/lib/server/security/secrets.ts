// Secrets kept in the database (WeCom and DingTalk credentials, the VAPID private key) are sealed with AES-256-GCM
// under SECRETS_KEY (32 bytes, 64 hex digits or base64) from the environment: a dump of the database, a backup or a
// replica gives them to nobody without the key. Each value is bound to where it is kept (its context is the
// cipher's additional data), so a sealed value copied to another place does not open there. A value stored before
// the key was set reads as it is, and is sealed at the next start (sealStoredSecrets).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const PREFIX = 'enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Raised when a sealed secret must be opened or made and SECRETS_KEY is not set. */
export class SecretsKeyMissing extends Error {
	constructor() {
		super('SECRETS_KEY is not set: secrets kept in the database cannot be sealed or opened');
		this.name = 'SecretsKeyMissing';
	}
}

/** The key from the environment, or null when none is set; a malformed one stops the caller at once. */
export function secretsKey(env: NodeJS.ProcessEnv = process.env): Buffer | null {
	const raw = env.SECRETS_KEY?.trim();
	if (!raw) return null;
	const key = /^[0-9a-f]{64}$/i.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
	if (key.length !== 32) throw new Error('SECRETS_KEY must be 32 bytes: 64 hex digits, or base64');
	return key;
}

export const isSealed = (value: string): boolean => value.startsWith(PREFIX);

/** `enc:v1:` and base64url of nonce, tag and ciphertext. */
export function sealSecret(plain: string, context: string, key: Buffer | null = secretsKey()): string {
	if (!key) throw new SecretsKeyMissing();
	const iv = randomBytes(IV_BYTES);
	const cipher = createCipheriv('aes-256-gcm', key, iv);
	cipher.setAAD(Buffer.from(context));
	const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
	return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64url');
}

/** The plain value: a sealed one opened (refused if changed, moved or under another key), an older plain one as it is. */
export function openSecret(stored: string, context: string, key: Buffer | null = secretsKey()): string {
	if (!isSealed(stored)) return stored;
	if (!key) throw new SecretsKeyMissing();
	const raw = Buffer.from(stored.slice(PREFIX.length), 'base64url');
	const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
	decipher.setAAD(Buffer.from(context));
	decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
	return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
}
