import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../db.ts';
import { StepUpRequired } from '../errors.ts';
import { createCaller } from '../trpc/root.ts';
import { makeCity, refusal, signInAs, TEST_PASSWORD, type SignedIn } from '../test-helpers.ts';
import { SoftAuthenticator } from '../passkeys/test-authenticator.ts';
import { validateSessionToken } from './session.ts';

const ORIGIN = 'https://huiying.example.gov.cn';

let city: Awaited<ReturnType<typeof makeCity>>;
beforeAll(async () => {
	city = await makeCity();
});

/** The caller of this sign-in as the next request sees it, its last proof of identity `minutesAgo` back. */
async function provedAgo(s: SignedIn, minutesAgo: number) {
	await sql`update sessions set authenticated_at = now() - make_interval(mins => ${minutesAgo}) where id = ${s.session.id}`;
	return callerNow(s);
}
async function callerNow(s: SignedIn) {
	const { session, user } = await validateSessionToken(s.token);
	return createCaller({ user, session, actor: s.actor, origin: ORIGIN });
}
const newPerson = () => ({ name: '新同事', username: `new.${Math.random().toString(36).slice(2, 8)}`, phone: null, unitId: city.deptA.id, roles: ['duty' as const], password: 'spring-tide-9173' });

describe('step-up before changing people, roles, rules, channel secrets and settings', () => {
	it('lets an administrator who signed in within 15 minutes change people at once', async () => {
		const admin = await signInAs('office-admin');
		await expect(admin.caller.person.create(newPerson())).resolves.toMatchObject({ name: '新同事' });
	});

	it('asks for the password again after 15 minutes, refuses a wrong one on the record, and goes on after the right one', async () => {
		const admin = await signInAs('office-admin');
		const stale = await provedAgo(admin, 20);
		for (const change of [() => stale.person.create(newPerson()), () => stale.settings.updateSession({ idleHours: 12, absoluteDays: 30 }), () => stale.person.setActive({ id: city.staffA.id, active: true })]) {
			const e = await refusal(change());
			expect(e).toBeInstanceOf(StepUpRequired);
			expect(e.message).toBe('这项更改需要再次确认是您本人。');
		}
		// reading is not a change: no password asked
		await expect(stale.person.byId({ id: city.staffA.id })).resolves.toBeDefined();

		const wrong = await refusal(stale.session.stepUp({ proof: { kind: 'password', password: 'not-the-password' } }));
		expect(wrong.message).toContain('密码不正确');
		const [failed] = await sql<{ n: number }[]>`select count(*)::int as n from audit_log where action = 'session.step_up_failed' and entity_id = ${admin.user.id}`;
		expect(failed!.n).toBe(1);

		expect(await stale.session.stepUpOptions()).toEqual({ passkeys: false });
		await expect(stale.session.stepUp({ proof: { kind: 'password', password: TEST_PASSWORD } })).resolves.toEqual({ ok: true });
		const fresh = await callerNow(admin);
		await expect(fresh.person.create(newPerson())).resolves.toMatchObject({ name: '新同事' });
	});

	it('stops guessing after five wrong passwords', async () => {
		const admin = await signInAs('root-admin');
		const stale = await provedAgo(admin, 30);
		for (let i = 0; i < 5; i++) await refusal(stale.session.stepUp({ proof: { kind: 'password', password: `wrong-${i}` } }));
		const locked = await refusal(stale.session.stepUp({ proof: { kind: 'password', password: TEST_PASSWORD } }));
		expect(locked.message).toContain('次数过多');
	});

	it('takes the passkey of whoever has one, bound to this session, and not the password', async () => {
		const admin = await signInAs('office-admin');
		const phone = new SoftAuthenticator();
		const api = await callerNow(admin);
		const { challengeId, options } = await api.passkey.registrationOptions();
		await api.passkey.register({ challengeId, name: '王主任的手机', response: phone.create(options, ORIGIN) });
		const stale = await provedAgo(admin, 20);
		expect((await refusal(stale.session.stepUp({ proof: { kind: 'password', password: TEST_PASSWORD } }))).message).toContain('请用通行密钥确认');

		// a challenge made for another sign-in of the same person does not prove this one
		const other = await callerNow(await signInAs('office-admin'));
		const foreign = await other.session.stepUpOptions();
		if (!foreign.passkeys) throw new Error('expected a passkey challenge');
		const misused = await refusal(stale.session.stepUp({ proof: { kind: 'passkey', challengeId: foreign.challengeId, response: phone.get(foreign.options, ORIGIN) } }));
		expect(misused.message).toContain('身份验证');

		const o = await stale.session.stepUpOptions();
		if (!o.passkeys) throw new Error('expected a passkey challenge');
		await expect(stale.session.stepUp({ proof: { kind: 'passkey', challengeId: o.challengeId, response: phone.get(o.options, ORIGIN) } })).resolves.toEqual({ ok: true });
		await expect((await callerNow(admin)).settings.updateSession({ idleHours: 12, absoluteDays: 30 })).resolves.toBeDefined();
		const [row] = await sql<{ after: { factor: string } }[]>`
			select after from audit_log where action = 'session.stepped_up' and entity_id = ${admin.user.id} order by id desc limit 1`;
		expect(row!.after.factor).toBe('passkey');
	});
});
