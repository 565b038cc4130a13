import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../db.ts';
import { makeCity, makePerson, refusal, TEST_ACTOR, TEST_PASSWORD } from '../test-helpers.ts';
import { signIn } from './flows.ts';
import { completeSignIn, pendingId, secondFactorScreen } from './second-factor.ts';
import { validateSessionToken } from './session.ts';
import { totpCode, totpOf, TOTP_PERIOD_SECONDS } from './totp.ts';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';

let city: Awaited<ReturnType<typeof makeCity>>;
beforeAll(async () => {
	city = await makeCity();
});

let address = 0;
const from = () => ({ ...TEST_ACTOR, ip: `198.51.100.${++address}` });

async function passwordStep(login: string): Promise<string> {
	const r = await signIn(login, TEST_PASSWORD, from());
	if (!r.ok || !('pending' in r)) throw new Error(`${login}: expected a pending sign-in, got ${JSON.stringify(r)}`);
	return r.pending;
}

const auditRows = (personId: string, action: string) =>
	sql<{ after: Record<string, unknown> }[]>`select after from audit_log where actor_id = ${personId} and action = ${action} order by id`;

describe('an administrator signs in with two factors', () => {
	it('holds no session after the password, sets up the authenticator at the first sign-in and gets ten recovery codes', async () => {
		const admin = await makePerson(city.office.id, ['office_admin'], { username: 'first-admin' });
		const pending = await passwordStep('first-admin');
		expect(await sql`select 1 from sessions where person_id = ${admin.id}`).toHaveLength(0);
		// the pending token is no session token
		expect((await validateSessionToken(pending)).session).toBeNull();

		const screen = await secondFactorScreen(pending, undefined);
		if (screen.state !== 'enrol') throw new Error(`expected enrolment, got ${screen.state}`);
		expect(screen.uri).toMatch(/^otpauth:\/\/totp\/.+secret=[A-Z2-7]+/);
		expect(screen.qrSvg).toMatch(/^<svg/);
		// a reload shows the same key, so the one already scanned still works
		const again = await secondFactorScreen(pending, undefined);
		expect(again).toMatchObject({ state: 'enrol', key: screen.key });
		const key = decodeBase32IgnorePadding(screen.key.replaceAll(' ', ''));

		expect(await completeSignIn(pending, { kind: 'totp', code: '000000' === totpCode(key) ? '111111' : '000000' }, from(), undefined)).toEqual({
			ok: false,
			error: 'wrong'
		});
		const done = await completeSignIn(pending, { kind: 'totp', code: totpCode(key) }, from(), undefined);
		if (!done.ok) throw new Error(done.error);
		expect(done.recoveryCodes).toHaveLength(10);
		expect(new Set(done.recoveryCodes).size).toBe(10);
		expect((await validateSessionToken(done.token)).user?.id).toBe(admin.id);
		expect((await totpOf(sql, admin.id))?.confirmed).toBe(true);
		// the pending sign-in is used up
		expect(await completeSignIn(pending, { kind: 'totp', code: totpCode(key) }, from(), undefined)).toEqual({ ok: false, error: 'expired' });

		expect(await auditRows(admin.id, 'sign_in.second_factor_asked')).toHaveLength(1);
		expect(await auditRows(admin.id, 'second_factor.enrolled')).toHaveLength(1);
		expect((await auditRows(admin.id, 'sign_in.succeeded')).map((r) => r.after.secondFactor)).toEqual(['totp']);
		expect((await auditRows(admin.id, 'sign_in.second_factor_failed')).map((r) => r.after)).toEqual([{ factor: 'totp', reason: 'wrong', locked: false }]);
		// the key is sealed at rest, and no code is stored in clear anywhere
		const [stored] = await sql<{ keySealed: string }[]>`select key_sealed from totp_keys where person_id = ${admin.id}`;
		expect(stored!.keySealed).toMatch(/^enc:v1:/);
		const [leak] = await sql`select 1 from recovery_codes where person_id = ${admin.id} and encode(code_hash, 'escape') like ${'%' + done.recoveryCodes![0]!.slice(0, 5) + '%'}`;
		expect(leak).toBeUndefined();

		// the next sign-in asks for a code; the code just used is not accepted twice, a recovery code once only
		const next = await passwordStep('first-admin');
		expect(await secondFactorScreen(next, undefined)).toMatchObject({ state: 'ask', totp: true, recoveryLeft: 10, passkey: null });
		expect(await completeSignIn(next, { kind: 'totp', code: totpCode(key) }, from(), undefined)).toEqual({ ok: false, error: 'wrong' });
		const recovery = done.recoveryCodes![3]!;
		const byRecovery = await completeSignIn(next, { kind: 'recovery', code: recovery.toLowerCase() }, from(), undefined);
		expect(byRecovery).toMatchObject({ ok: true, recoveryCodes: null });
		const third = await passwordStep('first-admin');
		expect(await secondFactorScreen(third, undefined)).toMatchObject({ state: 'ask', recoveryLeft: 9 });
		expect(await completeSignIn(third, { kind: 'recovery', code: recovery }, from(), undefined)).toEqual({ ok: false, error: 'wrong' });
		// the next 30-second step's code is the phone's next one, and it works
		const later = totpCode(key, Date.now() + TOTP_PERIOD_SECONDS * 1000);
		expect(await completeSignIn(third, { kind: 'totp', code: later }, from(), undefined)).toMatchObject({ ok: true });
	});

	it('locks the second factor after five wrong answers and ends the pending sign-in, every try in the log', async () => {
		const admin = await makePerson(city.office.id, ['sysadmin'], { username: 'guessed-admin' });
		const pending = await passwordStep('guessed-admin');
		await secondFactorScreen(pending, undefined);
		const answers = [];
		for (let i = 0; i < 5; i++) answers.push(await completeSignIn(pending, { kind: 'totp', code: `12345${i}` }, from(), undefined));
		expect(answers.map((a) => (a.ok ? 'ok' : a.error))).toEqual(['wrong', 'wrong', 'wrong', 'wrong', 'locked']);
		expect(await sql`select 1 from pending_sign_ins where id = ${pendingId(pending)}`).toHaveLength(0);
		// a new password step leads to a locked screen, and even the right code is refused meanwhile
		const next = await passwordStep('guessed-admin');
		expect(await secondFactorScreen(next, undefined)).toEqual({ state: 'locked', name: admin.name });
		const key = (await totpOf(sql, admin.id))!.key;
		expect(await completeSignIn(next, { kind: 'totp', code: totpCode(key) }, from(), undefined)).toEqual({ ok: false, error: 'locked' });
		expect((await auditRows(admin.id, 'sign_in.second_factor_failed')).map((r) => r.after.reason)).toEqual(['wrong', 'wrong', 'wrong', 'wrong', 'wrong', 'locked']);
	});

	it('lets a pending sign-in lapse after ten minutes', async () => {
		await makePerson(city.office.id, ['office_admin'], { username: 'slow-admin' });
		const pending = await passwordStep('slow-admin');
		await sql`update pending_sign_ins set expires_at = now() - interval '1 second' where id = ${pendingId(pending)}`;
		expect(await secondFactorScreen(pending, undefined)).toEqual({ state: 'expired' });
		expect(await completeSignIn(pending, { kind: 'totp', code: '123456' }, from(), undefined)).toEqual({ ok: false, error: 'expired' });
		expect(await secondFactorScreen(undefined, undefined)).toEqual({ state: 'expired' });
	});

	it('asks nothing more of staff, and of leaders only once the office requires it', async () => {
		await makePerson(city.deptA.id, ['leader'], { username: 'dept-leader' });
		const staff = await signIn('staff-a', TEST_PASSWORD, from());
		expect(staff.ok && 'token' in staff).toBe(true);
		const leader = await signIn('dept-leader', TEST_PASSWORD, from());
		expect(leader.ok && 'token' in leader).toBe(true);

		await sql`update settings set value = 'true' where key = 'session.second_factor_leaders'`;
		try {
			const asked = await signIn('dept-leader', TEST_PASSWORD, from());
			expect(asked.ok && 'pending' in asked).toBe(true);
			const stillStaff = await signIn('staff-a', TEST_PASSWORD, from());
			expect(stillStaff.ok && 'token' in stillStaff).toBe(true);
		} finally {
			await sql`update settings set value = 'false' where key = 'session.second_factor_leaders'`;
		}
	});

	it('never asks for a second factor before the right password', async () => {
		await makePerson(city.office.id, ['office_admin'], { username: 'careful-admin' });
		expect(await signIn('careful-admin', 'not-the-password', from())).toEqual({ ok: false, error: 'invalid' });
		expect(await sql`select 1 from pending_sign_ins p join people x on x.id = p.person_id where x.username = 'careful-admin'`).toHaveLength(0);
	});
});

describe('the auditor', () => {
	it('is granted only by a system administrator, and holds no other role', async () => {
		const { signInAs } = await import('../test-helpers.ts');
		const officeAdmin = await signInAs('office-admin');
		const base = { name: '审计一', username: 'auditor-one', phone: null, unitId: city.office.id, password: 'quiet-river-4821' };
		expect(await refusal(officeAdmin.caller.person.create({ ...base, roles: ['auditor'] }))).toMatchObject({ code: 'BAD_REQUEST' });
		const root = await signInAs('root-admin');
		const refused = await refusal(root.caller.person.create({ ...base, roles: ['auditor', 'duty'] }));
		expect(refused.message).toBe('「角色」审计员不能同时担任其他角色');
		await expect(root.caller.person.create({ ...base, roles: ['auditor'] })).resolves.toMatchObject({ roles: ['auditor'] });
		await expect(sql`update people set roles = array['auditor', 'duty'] where username = 'auditor-one'`).rejects.toThrow(/people_roles_check/);
	});
});

describe('a lost phone', () => {
	it('the office resets the second factor: sessions end, and the next sign-in sets up a new authenticator', async () => {
		const { signInAs } = await import('../test-helpers.ts');
		const lost = await makePerson(city.office.id, ['office_admin'], { username: 'lost-phone' });
		const before = await signInAs('lost-phone');
		expect((await totpOf(sql, lost.id))?.confirmed).toBe(true);
		const root = await signInAs('root-admin');
		// nobody resets their own
		await expect(before.caller.person.resetSecondFactor({ id: lost.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
		await root.caller.person.resetSecondFactor({ id: lost.id });
		expect((await validateSessionToken(before.token)).session).toBeNull();
		expect(await totpOf(sql, lost.id)).toBeNull();
		expect(await sql`select 1 from recovery_codes where person_id = ${lost.id}`).toHaveLength(0);
		expect(await secondFactorScreen(await passwordStep('lost-phone'), undefined)).toMatchObject({ state: 'enrol' });
		expect(await auditRows(root.user.id, 'second_factor.reset')).toEqual([{ after: null }]);
	});
});
