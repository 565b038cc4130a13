// The application server (VAPID) keys: taken from VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY / VAPID_SUBJECT
// when set, otherwise generated on first start and kept in the settings table.
import { createECDH } from 'node:crypto';
import type { Tx } from '../db.ts';
import { openSecret, sealSecret, secretsKey } from '../security/index.ts';
import { VAPID_CONTEXT } from './secrets.ts';

export interface VapidKeys {
	publicKey: string;
	privateKey: string;
	subject: string;
}

const DEFAULT_SUBJECT = 'mailto:huiying-admin@localhost';

/** A P-256 key pair in the encoding the Push API and web-push use (base64url, uncompressed point). */
export function newVapidKeys(subject = DEFAULT_SUBJECT): VapidKeys {
	const ecdh = createECDH('prime256v1');
	ecdh.generateKeys();
	return {
		publicKey: ecdh.getPublicKey().toString('base64url'),
		privateKey: ecdh.getPrivateKey().toString('base64url'),
		subject
	};
}

export async function vapidKeys(db: Tx): Promise<VapidKeys> {
	const env = process.env;
	if (env.VAPID_PUBLIC_KEY && env.VAPID_PRIVATE_KEY) {
		return { publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY, subject: env.VAPID_SUBJECT ?? DEFAULT_SUBJECT };
	}
	// The private key is kept sealed under SECRETS_KEY (security/secrets.ts) when the key is set.
	const opened = (v: VapidKeys): VapidKeys => ({ ...v, privateKey: openSecret(v.privateKey, VAPID_CONTEXT) });
	const [row] = await db<{ value: VapidKeys }[]>`select value from settings where key = 'push.vapid'`;
	if (row) return opened(row.value);
	const keys = newVapidKeys(env.VAPID_SUBJECT);
	const key = secretsKey();
	const stored = key ? { ...keys, privateKey: sealSecret(keys.privateKey, VAPID_CONTEXT, key) } : keys;
	// Two instances starting together: the first insert wins and both use it.
	await db`insert into settings (key, value) values ('push.vapid', ${db.json(stored as never)}) on conflict (key) do nothing`;
	const [kept] = await db<{ value: VapidKeys }[]>`select value from settings where key = 'push.vapid'`;
	return opened(kept!.value);
}
