// Where notify/ keeps secrets in the database, sealed under SECRETS_KEY (security/secrets.ts): the WeCom secret and
// the DingTalk app secret in channel_settings, the VAPID private key in settings. Each is bound to its place.
import type { Tx } from '../db.ts';
import { isSealed, sealSecret, secretsKey } from '../security/index.ts';

/** The config field holding each channel's secret. */
export const SECRET_FIELD = { wecom: 'secret', dingtalk: 'appSecret' } as const;

export const channelSecretContext = (channel: string, field: string) => `channel_settings.${channel}.${field}`;
export const VAPID_CONTEXT = 'settings.push.vapid.privateKey';

/**
 * Seals the secrets stored before SECRETS_KEY was set (at start, once the key is there); returns how many. Without
 * the key it changes nothing: the values stay as they are, and the start-up log says so.
 */
export async function sealStoredSecrets(db: Tx): Promise<number> {
	const key = secretsKey();
	if (!key) return 0;
	let sealed = 0;
	const channels = await db<{ channel: keyof typeof SECRET_FIELD; config: Record<string, unknown> }[]>`
		select channel, config from channel_settings where channel in ('wecom', 'dingtalk') for update`;
	for (const row of channels) {
		const field = SECRET_FIELD[row.channel];
		const value = row.config[field];
		if (typeof value !== 'string' || !value || isSealed(value)) continue;
		const config = { ...row.config, [field]: sealSecret(value, channelSecretContext(row.channel, field), key) };
		await db`update channel_settings set config = ${db.json(config as never)} where channel = ${row.channel}`;
		sealed++;
	}
	const [vapid] = await db<{ value: { privateKey?: string } & Record<string, unknown> }[]>`select value from settings where key = 'push.vapid' for update`;
	const privateKey = vapid?.value.privateKey;
	if (typeof privateKey === 'string' && !isSealed(privateKey)) {
		const value = { ...vapid!.value, privateKey: sealSecret(privateKey, VAPID_CONTEXT, key) };
		await db`update settings set value = ${db.json(value as never)} where key = 'push.vapid'`;
		sealed++;
	}
	return sealed;
}
