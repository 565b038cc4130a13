import { beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../roles.ts';
import type { Actor } from './actor.ts';
import { sql } from './db.ts';
import { makePerson, makeProvince, signInAs, TEST_ACTOR, type SignedIn } from './test-helpers.ts';
import { adminProcedure, authedProcedure, createCallerFactory, officeProcedure, router, topOfficeProcedure } from './trpc/init.ts';

// What each procedure builder hands a procedure as `ctx.actor`, and whom its gate lets through.
const probe = router({
	whoAmI: authedProcedure.query(({ ctx }) => ctx.actor),
	office: officeProcedure.query(({ ctx }) => ctx.actor.personId),
	topOffice: topOfficeProcedure.query(({ ctx }) => ctx.actor.personId),
	admin: adminProcedure.query(({ ctx }) => ctx.actor.personId)
});
const ORIGIN = 'https://huiying.example.gov.cn';
const callerOf = (s: SignedIn | null) =>
	createCallerFactory(probe)(s ? { user: s.user, session: s.session, actor: s.actor, origin: ORIGIN } : { user: null, session: null, actor: TEST_ACTOR });

let world: Awaited<ReturnType<typeof makeProvince>>;
const signedIn: Record<string, SignedIn> = {};
beforeAll(async () => {
	world = await makeProvince();
	await makePerson(world.office.id, ['sysadmin'], { username: 'root-admin', name: '系统管理员' });
	for (const login of ['province-admin', 'office-admin', 'admin-a', 'press-a', 'vice-mayor', 'root-admin']) signedIn[login] = await signInAs(login);
});

interface Expected {
	unit: () => string;
	scope: () => string | null;
	roles: Role[];
	isOffice: boolean;
	isTopOffice: boolean;
	scopeIsRoot: boolean;
}

const EXPECTED: Record<string, Expected> = {
	// The province's office serves the province: the top of the tree.
	'province-admin': { unit: () => world.provinceOffice.id, scope: () => world.province.id, roles: ['office_admin'], isOffice: true, isTopOffice: true, scopeIsRoot: true },
	// The city's office serves the city's government, under the province.
	'office-admin': { unit: () => world.office.id, scope: () => world.government.id, roles: ['office_admin'], isOffice: true, isTopOffice: false, scopeIsRoot: false },
	// A department's administrator is no office: its reach is its own department.
	'admin-a': { unit: () => world.deptA.id, scope: () => world.deptA.id, roles: ['office_admin'], isOffice: false, isTopOffice: false, scopeIsRoot: false },
	'press-a': { unit: () => world.deptA.id, scope: () => world.deptA.id, roles: ['press_officer'], isOffice: false, isTopOffice: false, scopeIsRoot: false },
	'vice-mayor': { unit: () => world.government.id, scope: () => world.government.id, roles: ['leader'], isOffice: false, isTopOffice: false, scopeIsRoot: false },
	// A system administrator reaches every unit, whatever unit they sit in.
	'root-admin': { unit: () => world.office.id, scope: () => null, roles: ['sysadmin'], isOffice: true, isTopOffice: true, scopeIsRoot: false }
};

describe('the actor set by authedProcedure', () => {
	for (const [login, e] of Object.entries(EXPECTED)) {
		it(`is ${login}: who, where, what they reach and whether they are the office`, async () => {
			const s = signedIn[login]!;
			const actor: Actor = await callerOf(s).whoAmI();
			expect(actor).toMatchObject({
				personId: s.user.id,
				name: s.user.name,
				unitId: e.unit(),
				scope: e.scope(),
				scopeIsRoot: e.scopeIsRoot,
				roles: e.roles,
				isOffice: e.isOffice,
				isTopOffice: e.isTopOffice,
				origin: ORIGIN
			});
			// The request it came from, for the audit log, on the actor itself and as its own record.
			expect(actor).toMatchObject({ ip: TEST_ACTOR.ip, userAgent: TEST_ACTOR.userAgent });
			expect(actor.actor).toEqual({ personId: s.user.id, ip: TEST_ACTOR.ip, userAgent: TEST_ACTOR.userAgent });
		});
	}

	it('is nobody without a session: the procedure never runs', async () => {
		await expect(callerOf(null).whoAmI()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
	});

	it('is who the audit log names for a refusal', async () => {
		const s = signedIn['press-a']!;
		await expect(callerOf(s).office()).rejects.toMatchObject({ code: 'FORBIDDEN' });
		const [row] = await sql<{ actorId: string; ip: string }[]>`
			select actor_id::text, ip from audit_log where action = 'access.refused' and entity = 'office' order by id desc limit 1`;
		expect(row).toEqual({ actorId: s.user.id, ip: TEST_ACTOR.ip });
	});
});

describe('the gates read the actor', () => {
	const gate = async (login: string, which: 'office' | 'topOffice' | 'admin') =>
		callerOf(signedIn[login]!)[which]().then(
			() => 'allowed',
			(e: { code?: string }) => e.code
		);

	it('lets the office through officeProcedure, and no department', async () => {
		expect(await gate('province-admin', 'office')).toBe('allowed');
		expect(await gate('office-admin', 'office')).toBe('allowed');
		expect(await gate('root-admin', 'office')).toBe('allowed');
		expect(await gate('admin-a', 'office')).toBe('FORBIDDEN');
		expect(await gate('press-a', 'office')).toBe('FORBIDDEN');
	});

	it('lets only the top office (or a system administrator) through topOfficeProcedure', async () => {
		expect(await gate('province-admin', 'topOffice')).toBe('allowed');
		expect(await gate('root-admin', 'topOffice')).toBe('allowed');
		expect(await gate('office-admin', 'topOffice')).toBe('FORBIDDEN');
		expect(await gate('admin-a', 'topOffice')).toBe('FORBIDDEN');
	});

	it("lets any administrator through adminProcedure, a department's too", async () => {
		expect(await gate('admin-a', 'admin')).toBe('allowed');
		expect(await gate('office-admin', 'admin')).toBe('allowed');
		expect(await gate('root-admin', 'admin')).toBe('allowed');
		expect(await gate('press-a', 'admin')).toBe('FORBIDDEN');
		expect(await gate('vice-mayor', 'admin')).toBe('FORBIDDEN');
	});
});
