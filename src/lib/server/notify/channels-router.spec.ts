import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../db.ts';
import { isSealed, openSecret } from '../security/index.ts';
import { makeProvince, refusal, signInAs, type SignedIn } from '../test-helpers.ts';

let city: Awaited<ReturnType<typeof makeProvince>>;
let top: SignedIn, cityOffice: SignedIn, press: SignedIn;

beforeAll(async () => {
	city = await makeProvince();
	[top, cityOffice, press] = await Promise.all([signInAs('province-admin'), signInAs('office-admin'), signInAs('press-a')]);
});

const wecom = { channel: 'wecom' as const, enabled: true, config: { corpId: 'ww1234567890', agentId: 1000002, secret: 'the-real-secret' } };

describe('WeCom and DingTalk settings', () => {
	it('are set by the top office, and the secret never comes back to any screen', async () => {
		const saved = await top.caller.channel.updateSettings(wecom);
		expect(saved).toMatchObject({ channel: 'wecom', enabled: true, secretSet: true, config: { corpId: 'ww1234567890', secret: '' } });
		const listed = (await cityOffice.caller.channel.settings()).find((s) => s.channel === 'wecom')!;
		expect(JSON.stringify(listed)).not.toContain('the-real-secret');
		const [audited] = await sql<{ after: unknown }[]>`select after from audit_log where action = 'channel.settings_updated' order by id desc limit 1`;
		expect(JSON.stringify(audited!.after)).not.toContain('the-real-secret');
	});

	it('keeps the stored secret when the form leaves it blank', async () => {
		await top.caller.channel.updateSettings(wecom);
		await top.caller.channel.updateSettings({ ...wecom, config: { ...wecom.config, corpId: 'ww0000000001', secret: '' } });
		const [row] = await sql<{ config: { secret: string; corpId: string } }[]>`select config from channel_settings where channel = 'wecom'`;
		expect(row!.config.corpId).toBe('ww0000000001');
		expect(openSecret(row!.config.secret, 'channel_settings.wecom.secret')).toBe('the-real-secret');
	});

	it('keep the secret sealed under SECRETS_KEY, never in the clear, and refuse a new one without the key', async () => {
		await top.caller.channel.updateSettings(wecom);
		const [row] = await sql<{ text: string; secret: string }[]>`select config::text as text, config->>'secret' as secret from channel_settings where channel = 'wecom'`;
		expect(row!.text).not.toContain('the-real-secret');
		expect(isSealed(row!.secret)).toBe(true);
		const kept = process.env.SECRETS_KEY;
		delete process.env.SECRETS_KEY;
		try {
			const e = await refusal(top.caller.channel.updateSettings({ ...wecom, config: { ...wecom.config, secret: 'another-secret' } }));
			expect(e.message).toContain('SECRETS_KEY');
			// a blank secret, keeping the sealed one, is still fine without the key
			await top.caller.channel.updateSettings({ ...wecom, enabled: false, config: { ...wecom.config, secret: '' } });
		} finally {
			process.env.SECRETS_KEY = kept;
		}
		const [after] = await sql<{ secret: string }[]>`select config->>'secret' as secret from channel_settings where channel = 'wecom'`;
		expect(openSecret(after!.secret, 'channel_settings.wecom.secret')).toBe('the-real-secret');
	});

	it('seals, at start, the secrets stored before the key was set, the VAPID private key too', async () => {
		await sql`update channel_settings set config = jsonb_set(config, '{secret}', '"stored-in-the-clear"') where channel = 'wecom'`;
		const { vapidKeys } = await import('./vapid.ts');
		const { sealStoredSecrets } = await import('./index.ts');
		const plainVapid = await vapidKeys(sql);
		await sql`update settings set value = jsonb_set(value, '{privateKey}', to_jsonb(${plainVapid.privateKey}::text)) where key = 'push.vapid'`;
		expect(await sql.begin((tx) => sealStoredSecrets(tx))).toBe(2);
		const [row] = await sql<{ secret: string }[]>`select config->>'secret' as secret from channel_settings where channel = 'wecom'`;
		expect(isSealed(row!.secret)).toBe(true);
		expect(openSecret(row!.secret, 'channel_settings.wecom.secret')).toBe('stored-in-the-clear');
		const [vapid] = await sql<{ privateKey: string }[]>`select value->>'privateKey' as private_key from settings where key = 'push.vapid'`;
		expect(isSealed(vapid!.privateKey)).toBe(true);
		expect((await vapidKeys(sql)).privateKey).toBe(plainVapid.privateKey);
		// nothing left to seal the second time
		expect(await sql.begin((tx) => sealStoredSecrets(tx))).toBe(0);
	});

	it('cannot be changed by a city office or a press officer, nor read by a press officer', async () => {
		expect((await refusal(cityOffice.caller.channel.updateSettings(wecom))).code).toBe('FORBIDDEN');
		expect((await refusal(press.caller.channel.settings())).code).toBe('FORBIDDEN');
	});

	it('names the field when the agent id is missing', async () => {
		const e = await refusal(top.caller.channel.updateSettings({ ...wecom, config: { ...wecom.config, agentId: 0 } }));
		expect(e.message).toContain('「应用 AgentId」');
	});
});

describe('people’s ids on the channels', () => {
	it('are set within reach, cleared with a blank, and answer not found for someone out of reach', async () => {
		await cityOffice.caller.channel.setMapping({ personId: city.people.press.id, channel: 'wecom', externalId: 'ChenXuanChuan' });
		const row = (await cityOffice.caller.channel.mappings()).find((m) => m.personId === city.people.press.id)!;
		expect(row.wecom).toBe('ChenXuanChuan');
		await cityOffice.caller.channel.setMapping({ personId: city.people.press.id, channel: 'wecom', externalId: '' });
		expect((await cityOffice.caller.channel.mappings()).find((m) => m.personId === city.people.press.id)!.wecom).toBeNull();

		const departmentAdmin = await signInAs('admin-a');
		const e = await refusal(departmentAdmin.caller.channel.setMapping({ personId: city.people.pressB.id, channel: 'wecom', externalId: 'x' }));
		expect(e.code).toBe('NOT_FOUND');
	});
});

describe('my channel order', () => {
	it('is mine to set, without repeats', async () => {
		expect(await press.caller.channel.myOrder()).toEqual(['web_push', 'wecom', 'dingtalk']);
		await press.caller.channel.setMyOrder({ order: ['dingtalk', 'web_push'] });
		expect(await press.caller.channel.myOrder()).toEqual(['dingtalk', 'web_push']);
		expect((await refusal(press.caller.channel.setMyOrder({ order: ['wecom', 'wecom'] }))).code).toBe('BAD_REQUEST');
	});
});
