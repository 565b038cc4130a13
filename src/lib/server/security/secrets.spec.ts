import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isSealed, openSecret, sealSecret, secretsKey, SecretsKeyMissing } from './secrets.ts';

const key = randomBytes(32);

describe('secrets sealed at rest', () => {
	it('seal to something that is not the secret and open back to it, a new nonce each time', () => {
		const a = sealSecret('corp-secret-値', 'channel_settings.wecom.secret', key);
		const b = sealSecret('corp-secret-値', 'channel_settings.wecom.secret', key);
		expect(isSealed(a)).toBe(true);
		expect(a).not.toContain('corp-secret');
		expect(a).not.toBe(b);
		expect(openSecret(a, 'channel_settings.wecom.secret', key)).toBe('corp-secret-値');
	});

	it('refuse to open under another key, in another place, or changed by one character', () => {
		const sealed = sealSecret('app-secret', 'channel_settings.dingtalk.appSecret', key);
		expect(() => openSecret(sealed, 'channel_settings.dingtalk.appSecret', randomBytes(32))).toThrow();
		expect(() => openSecret(sealed, 'channel_settings.wecom.secret', key)).toThrow();
		const flipped = sealed.slice(0, -2) + (sealed.at(-2) === 'A' ? 'B' : 'A') + sealed.at(-1);
		expect(() => openSecret(flipped, 'channel_settings.dingtalk.appSecret', key)).toThrow();
	});

	it('read a value stored before the key was set as it is, and need the key for a sealed one', () => {
		expect(openSecret('plain-old-secret', 'x', null)).toBe('plain-old-secret');
		expect(() => openSecret(sealSecret('s', 'x', key), 'x', null)).toThrow(SecretsKeyMissing);
		expect(() => sealSecret('s', 'x', null)).toThrow(SecretsKeyMissing);
	});

	it('take the key as 64 hex digits or base64 of 32 bytes, and nothing else', () => {
		expect(secretsKey({ SECRETS_KEY: key.toString('hex') })).toEqual(key);
		expect(secretsKey({ SECRETS_KEY: key.toString('base64') })).toEqual(key);
		expect(secretsKey({})).toBeNull();
		expect(() => secretsKey({ SECRETS_KEY: 'too-short' })).toThrow(/32 bytes/);
	});
});
