import { beforeAll, describe, expect, it } from 'vitest';
import { makeProvince, refusal, signInAs, type SignedIn } from '../test-helpers.ts';

// Sign-in lengths and the channel fallback apply to every unit of the province.
let cityOffice: SignedIn, deptAdmin: SignedIn, provinceOffice: SignedIn, press: SignedIn;

beforeAll(async () => {
	await makeProvince();
	[cityOffice, deptAdmin, provinceOffice, press] = await Promise.all([
		signInAs('office-admin'),
		signInAs('admin-a'),
		signInAs('province-admin'),
		signInAs('press-a')
	]);
});

describe('organisation-wide settings', () => {
	it("refuses a department's administrator and a city's office", async () => {
		for (const who of [deptAdmin, cityOffice, press]) {
			expect((await refusal(who.caller.settings.updateSession({ idleHours: 72, absoluteDays: 90 }))).code).toBe('FORBIDDEN');
			expect((await refusal(who.caller.settings.updateFallback({ fallbackSeconds: 3600 }))).message).toBe('您没有权限执行此操作');
		}
		expect(await press.caller.settings.session()).toEqual({ idleHours: 12, absoluteDays: 30, secondFactorForLeaders: false });
		expect(await press.caller.settings.fallbackSeconds()).not.toBe(3600);
	});

	it('lets the top office change them for everyone', async () => {
		await provinceOffice.caller.settings.updateSession({ idleHours: 8, absoluteDays: 14, secondFactorForLeaders: true });
		await provinceOffice.caller.settings.updateFallback({ fallbackSeconds: 120 });
		expect(await press.caller.settings.session()).toEqual({ idleHours: 8, absoluteDays: 14, secondFactorForLeaders: true });
		// left out, the leaders' second factor stays as it was
		await provinceOffice.caller.settings.updateSession({ idleHours: 8, absoluteDays: 14 });
		expect(await press.caller.settings.session()).toMatchObject({ secondFactorForLeaders: true });
		expect(await press.caller.settings.fallbackSeconds()).toBe(120);
	});
});
