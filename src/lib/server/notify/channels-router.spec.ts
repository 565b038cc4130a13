import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../db.ts';
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
		expect(row!.config).toMatchObject({ corpId: 'ww0000000001', secret: 'the-real-secret' });
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
