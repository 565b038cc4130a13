import { TRPCError } from '@trpc/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../db.ts';
import { makeCity, signInAs } from '../test-helpers.ts';
import { signOut } from './flows.ts';
import { sessionIdFromToken, validateSessionToken } from './session.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let city: Awaited<ReturnType<typeof makeCity>>;
beforeAll(async () => {
	city = await makeCity();
});

async function sessionsOf(personId: string) {
	return sql<{ id: string; expiresAt: Date }[]>`select id, expires_at from sessions where person_id = ${personId}`;
}

describe('session tokens', () => {
	it('stores only the SHA-256 of the token, never the token itself', async () => {
		const { token, session } = await signInAs('staff-a');
		expect(session.id).toBe(sessionIdFromToken(token));
		expect(session.id).toMatch(/^[0-9a-f]{64}$/);
		const [leak] = await sql`select 1 from sessions s where s::text like ${'%' + token + '%'}`;
		expect(leak).toBeUndefined();
		const [row] = await sql`select 1 from sessions where id = ${session.id}`;
		expect(row).toBeDefined();
	});

	it('hands out a new token at every sign-in, and each one works', async () => {
		const first = await signInAs('staff-b');
		const second = await signInAs('staff-b');
		expect(second.token).not.toBe(first.token);
		expect(second.session.id).not.toBe(first.session.id);
		expect((await validateSessionToken(first.token)).user?.id).toBe(city.staffB.id);
		expect((await validateSessionToken(second.token)).user?.id).toBe(city.staffB.id);
	});

	it('does not accept a token nobody was given', async () => {
		expect(await validateSessionToken('not-a-real-token')).toEqual({ session: null, user: null });
	});

	it('tells the app who is signed in and which units they may see', async () => {
		const { user } = await signInAs('office-admin');
		expect(user).toMatchObject({
			id: city.officeAdmin.id,
			unitId: city.office.id,
			unitName: '江城市人民政府办公室',
			// The office works for the whole government.
			scopeUnitId: city.government.id,
			unitKind: 'office',
			scopeIsRoot: true,
			roles: ['office_admin']
		});
		const { user: staff } = await signInAs('staff-a');
		expect(staff.scopeUnitId).toBe(city.deptA.id);
		expect(staff.scopeIsRoot).toBe(false);
	});
});

describe('session expiry', () => {
	it('keeps a session alive while it is used, and slides the idle deadline forward', async () => {
		const { token, session } = await signInAs('staff-a');
		await sql`update sessions set last_seen_at = now() - interval '11 hours' where id = ${session.id}`;
		expect((await validateSessionToken(token)).session).not.toBeNull();
		const [row] = await sql<{ idleFor: number }[]>`
			select extract(epoch from now() - last_seen_at)::int as idle_for from sessions where id = ${session.id}`;
		expect(row!.idleFor).toBeLessThan(60);
	});

	it('ends a session left idle longer than the idle limit and deletes it', async () => {
		const { token, session } = await signInAs('staff-a');
		await sql`update sessions set last_seen_at = now() - interval '12 hours 1 minute' where id = ${session.id}`;
		expect(await validateSessionToken(token)).toEqual({ session: null, user: null });
		const [row] = await sql`select 1 from sessions where id = ${session.id}`;
		expect(row).toBeUndefined();
	});

	it('ends a session past its absolute lifetime even if it was used a moment ago', async () => {
		const { token, session } = await signInAs('staff-a');
		expect(session.expiresAt.getTime() - Date.now()).toBeGreaterThan(30 * DAY - HOUR);
		await sql`update sessions set expires_at = now() - interval '1 second' where id = ${session.id}`;
		expect(await validateSessionToken(token)).toEqual({ session: null, user: null });
		const [row] = await sql`select 1 from sessions where id = ${session.id}`;
		expect(row).toBeUndefined();
	});
});

describe('session settings', () => {
	it('lets the office administrator shorten the lifetime of new sessions', async () => {
		const admin = await signInAs('office-admin');
		const before = await signInAs('staff-b');
		await admin.caller.settings.updateSession({ idleHours: 2, absoluteDays: 3 });
		expect(await admin.caller.settings.session()).toEqual({ idleHours: 2, absoluteDays: 3, secondFactorForLeaders: false });

		const after = await signInAs('staff-b');
		expect(after.session.expiresAt.getTime() - Date.now()).toBeGreaterThan(3 * DAY - HOUR);
		expect(after.session.expiresAt.getTime() - Date.now()).toBeLessThan(3 * DAY + HOUR);
		// A session already issued keeps the expiry it was given.
		const [old] = await sql<{ expiresAt: Date }[]>`select expires_at from sessions where id = ${before.session.id}`;
		expect(old!.expiresAt.getTime()).toBe(before.session.expiresAt.getTime());

		// The shorter idle limit applies at once: three idle hours now end a session.
		await sql`update sessions set last_seen_at = now() - interval '3 hours' where id = ${after.session.id}`;
		expect((await validateSessionToken(after.token)).session).toBeNull();

		await admin.caller.settings.updateSession({ idleHours: 12, absoluteDays: 30 });
	});

	it('refuses the change to anyone who is not an administrator', async () => {
		const staff = await signInAs('staff-a');
		await expect(staff.caller.settings.updateSession({ idleHours: 72, absoluteDays: 90 })).rejects.toMatchObject({
			code: 'FORBIDDEN'
		});
		expect(await staff.caller.settings.session()).toEqual({ idleHours: 12, absoluteDays: 30, secondFactorForLeaders: false });
	});

	it('refuses limits outside the allowed range, naming the field', async () => {
		const admin = await signInAs('office-admin');
		const error = await admin.caller.settings.updateSession({ idleHours: 0, absoluteDays: 30 }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(TRPCError);
		expect((error as TRPCError).code).toBe('BAD_REQUEST');
		expect((error as TRPCError).message).toContain('「空闲超时（小时）」不能小于 1');
	});
});

describe('ending sessions', () => {
	it('signs out only the session that asked', async () => {
		const phone = await signInAs('staff-a');
		const desk = await signInAs('staff-a');
		await signOut(phone.session.id, phone.actor);
		expect(await validateSessionToken(phone.token)).toEqual({ session: null, user: null });
		expect((await validateSessionToken(desk.token)).session?.id).toBe(desk.session.id);
	});

	it('ends every session of a person the moment they are deactivated', async () => {
		const admin = await signInAs('office-admin');
		const phone = await signInAs('staff-b');
		const desk = await signInAs('staff-b');
		await admin.caller.person.setActive({ id: city.staffB.id, active: false });

		expect((await validateSessionToken(phone.token)).session).toBeNull();
		expect((await validateSessionToken(desk.token)).session).toBeNull();
		expect(await sessionsOf(city.staffB.id)).toHaveLength(0);
		await expect(signInAs('staff-b')).rejects.toThrow(/invalid/);

		await admin.caller.person.setActive({ id: city.staffB.id, active: true });
		await expect(signInAs('staff-b')).resolves.toBeDefined();
	});

	it('ends every session of a person whose password an administrator resets', async () => {
		const admin = await signInAs('office-admin');
		const staff = await signInAs('staff-a');
		await admin.caller.person.resetPassword({ id: city.staffA.id, password: 'a-brand-new-secret' });
		expect((await validateSessionToken(staff.token)).session).toBeNull();
		await expect(signInAs('staff-a')).rejects.toThrow(/invalid/);
		await expect(signInAs('staff-a', 'a-brand-new-secret')).resolves.toBeDefined();
		await admin.caller.person.resetPassword({ id: city.staffA.id, password: 'harbour-lantern-42' });
	});

	it('keeps the session that changed its own password and ends the others', async () => {
		const here = await signInAs('admin-a');
		const elsewhere = await signInAs('admin-a');
		await here.caller.person.changeOwnPassword({ currentPassword: 'harbour-lantern-42', newPassword: 'kite-over-river-7' });
		expect((await validateSessionToken(here.token)).session?.id).toBe(here.session.id);
		expect((await validateSessionToken(elsewhere.token)).session).toBeNull();
		await expect(signInAs('admin-a', 'kite-over-river-7')).resolves.toBeDefined();
	});
});
