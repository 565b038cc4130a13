import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../db.ts';
import { StepUpRequired } from '../errors.ts';
import { createCaller } from '../trpc/root.ts';
import { makeCity, refusal, signInAs, TEST_PASSWORD, type SignedIn } from '../test-helpers.ts';
import { validateSessionToken } from './session.ts';

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
	return createCaller({ user, session, actor: s.actor });
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
		for (const change of [stale.person.create(newPerson()), stale.settings.updateSession({ idleHours: 12, absoluteDays: 30 }), stale.person.setActive({ id: city.staffA.id, active: true })]) {
			const e = await refusal(change);
			expect(e).toBeInstanceOf(StepUpRequired);
			expect(e.message).toContain('再次确认身份');
		}
		// reading is not a change: no password asked
		await expect(stale.person.byId({ id: city.staffA.id })).resolves.toBeDefined();

		const wrong = await refusal(stale.session.stepUp({ password: 'not-the-password' }));
		expect(wrong.message).toContain('密码不对');
		const [failed] = await sql<{ n: number }[]>`select count(*)::int as n from audit_log where action = 'session.step_up_failed' and entity_id = ${admin.user.id}`;
		expect(failed!.n).toBe(1);

		await expect(stale.session.stepUp({ password: TEST_PASSWORD })).resolves.toEqual({ ok: true });
		const fresh = await callerNow(admin);
		await expect(fresh.person.create(newPerson())).resolves.toMatchObject({ name: '新同事' });
	});

	it('stops guessing after five wrong passwords', async () => {
		const admin = await signInAs('root-admin');
		const stale = await provedAgo(admin, 30);
		for (let i = 0; i < 5; i++) await refusal(stale.session.stepUp({ password: `wrong-${i}` }));
		const locked = await refusal(stale.session.stepUp({ password: TEST_PASSWORD }));
		expect(locked.message).toContain('次数过多');
	});
});
