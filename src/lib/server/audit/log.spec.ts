import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../auth/flows.ts';
import { sql } from '../db.ts';
import { createUnit } from '../units/flows.ts';
import { makeCity, signInAs, TEST_PASSWORD, type SignedIn } from '../test-helpers.ts';
import { auditRefusal, type Actor } from './log.ts';

interface AuditRow {
	id: string;
	actorId: string | null;
	action: string;
	entity: string;
	entityId: string | null;
	before: Record<string, unknown> | null;
	after: Record<string, unknown> | null;
	ip: string | null;
	userAgent: string | null;
}

let city: Awaited<ReturnType<typeof makeCity>>;
let officeAdmin: SignedIn;
beforeAll(async () => {
	city = await makeCity();
	officeAdmin = await signInAs('office-admin');
});

async function lastAudit(action: string): Promise<AuditRow | undefined> {
	const [row] = await sql<AuditRow[]>`
		select id, actor_id, action, entity, entity_id, before, after, ip, user_agent
		from audit_log where action = ${action} order by id desc limit 1`;
	return row;
}

const auditCount = async () => (await sql<{ n: number }[]>`select count(*)::int as n from audit_log`)[0]!.n;

const phone: Actor = { personId: null, ip: '203.0.113.50', userAgent: 'Mozilla/5.0 (iPhone) MicroMessenger' };

describe('sign-in is audited', () => {
	it('records a successful sign-in with who, from where and on what device, but never the token', async () => {
		const r = await signIn('staff-a', TEST_PASSWORD, phone);
		expect(r.ok).toBe(true);
		const row = await lastAudit('sign_in.succeeded');
		expect(row).toMatchObject({ actorId: city.staffA.id, entity: 'session', ip: phone.ip, userAgent: phone.userAgent });
		expect(row!.after).toEqual({ login: 'staff-a' });
		if (r.ok && 'token' in r) {
			const [leak] = await sql`
				select 1 from audit_log a where a::text like ${'%' + r.token + '%'} or a::text like ${'%' + r.session.id + '%'}`;
			expect(leak).toBeUndefined();
		}
	});

	it('records a wrong password against the person, with the reason and the address', async () => {
		await signIn('staff-b', 'not-the-password', phone);
		const row = await lastAudit('sign_in.failed');
		expect(row).toMatchObject({ actorId: city.staffB.id, ip: phone.ip, userAgent: phone.userAgent });
		expect(row!.after).toMatchObject({ login: 'staff-b', reason: 'wrong_password', locked: false });
		expect(JSON.stringify(row)).not.toContain('not-the-password');
	});

	it('records an attempt on a name that does not exist', async () => {
		await signIn('ghost', 'not-the-password', phone);
		const row = await lastAudit('sign_in.failed');
		expect(row).toMatchObject({ actorId: null, ip: phone.ip });
		expect(row!.after).toMatchObject({ login: 'ghost', reason: 'unknown_login' });
	});

	it('records an attempt refused because the name is locked', async () => {
		for (let i = 0; i < 6; i++) await signIn('locked-out', 'not-the-password', phone);
		const row = await lastAudit('sign_in.refused');
		expect(row!.after).toEqual({ login: 'locked-out', reason: 'locked' });
	});
});

describe('changes are audited', () => {
	it('records a new person, without the password or its hash', async () => {
		const created = await officeAdmin.caller.person.create({
			name: '审计新人',
			username: 'audit-newcomer',
			unitId: city.deptA.id,
			roles: ['duty'],
			password: 'spring-tide-9173'
		});
		const row = await lastAudit('person.created');
		expect(row).toMatchObject({ actorId: city.officeAdmin.id, entity: 'person', entityId: created.id, ip: '203.0.113.7' });
		expect(row!.after).toMatchObject({ name: '审计新人', username: 'audit-newcomer', roles: ['duty'] });
		expect(JSON.stringify(row)).not.toMatch(/argon2|spring-tide/);
	});

	it('records a unit edit with what it was and what it became', async () => {
		await officeAdmin.caller.unit.update({ id: city.deptB.id, name: '江城市卫生健康委', parentId: city.government.id });
		const row = await lastAudit('unit.updated');
		expect(row).toMatchObject({ actorId: city.officeAdmin.id, entity: 'unit', entityId: city.deptB.id });
		expect(row!.before).toMatchObject({ name: '江城市卫生健康委员会' });
		expect(row!.after).toMatchObject({ name: '江城市卫生健康委' });
	});

	it('records a change of session settings with the old and new values', async () => {
		await officeAdmin.caller.settings.updateSession({ idleHours: 8, absoluteDays: 14 });
		const row = await lastAudit('settings.session_updated');
		expect(row!.before).toEqual({ idleHours: 12, absoluteDays: 30, secondFactorForLeaders: false });
		expect(row!.after).toEqual({ idleHours: 8, absoluteDays: 14, secondFactorForLeaders: false });
	});

	it('writes nothing when the change is refused', async () => {
		const before = await auditCount();
		await expect(
			officeAdmin.caller.person.create({
				name: '重名',
				username: 'staff-a',
				unitId: city.deptA.id,
				roles: ['duty'],
				password: 'spring-tide-9173'
			})
		).rejects.toThrow('「用户名」已被使用');
		expect(await auditCount()).toBe(before);
	});

	it('keeps no change when its audit row cannot be written: both are one transaction', async () => {
		// An actor who is not in people breaks the audit insert after the unit has been inserted.
		const stranger: Actor = { personId: randomUUID(), ip: null, userAgent: null };
		const before = await auditCount();
		await expect(
			createUnit(
				{
					name: '无审计单位',
					parentId: city.government.id,
					kind: 'department',
					isKeyDepartment: false,
					principalId: null,
					leaderInChargeId: null
				},
				null,
				stranger
			)
		).rejects.toThrow(/audit_log/);
		expect(await sql`select 1 from units where name = '无审计单位'`).toHaveLength(0);
		expect(await auditCount()).toBe(before);
	});
});

describe('a refused read or write is recorded as a refusal', () => {
	it("records who asked for another department's record, when and from where", async () => {
		const staffA = await signInAs('staff-a', TEST_PASSWORD, phone);
		await expect(staffA.caller.unit.byId({ id: city.deptB.id })).rejects.toThrow('未找到该记录，或您无权查看');
		const row = await lastAudit('access.refused');
		expect(row).toMatchObject({
			actorId: city.staffA.id,
			entity: 'unit.byId',
			entityId: city.deptB.id,
			after: { code: 'NOT_FOUND' },
			ip: '203.0.113.50',
			userAgent: phone.userAgent
		});
	});

	it('records a write refused for lack of a role, and one refused for reaching beyond the unit', async () => {
		const staffA = await signInAs('staff-a');
		await expect(staffA.caller.unit.setActive({ id: city.deptA.id, active: false })).rejects.toThrow('您没有权限执行此操作');
		expect(await lastAudit('access.refused')).toMatchObject({ entity: 'unit.setActive', entityId: city.deptA.id, after: { code: 'FORBIDDEN' } });
		const adminA = await signInAs('admin-a');
		await expect(adminA.caller.unit.update({ id: city.deptA.id, name: city.deptA.name, parentId: city.government.id, kind: 'office' })).rejects.toThrow(
			'「单位类型」'
		);
		expect(await lastAudit('access.refused')).toMatchObject({ actorId: city.adminA.id, entity: 'unit.update', entityId: city.deptA.id, after: { code: 'BAD_REQUEST' } });
	});

	it('does not record a mistyped input as a refusal', async () => {
		const before = await auditCount();
		await expect(officeAdmin.caller.unit.byId({ id: 'not-an-id' })).rejects.toThrow();
		await expect(officeAdmin.caller.unit.create({ name: '', parentId: city.government.id })).rejects.toThrow('「名称」');
		expect(await auditCount()).toBe(before);
	});

	it('answers the refusal even when its row cannot be written', async () => {
		const stranger: Actor = { personId: randomUUID(), ip: null, userAgent: null };
		const before = await auditCount();
		await expect(auditRefusal(sql, stranger, { entity: 'unit.byId', entityId: null, code: 'NOT_FOUND' })).resolves.toBeUndefined();
		expect(await auditCount()).toBe(before);
	});
});

describe('the audit log is append-only', () => {
	it('refuses to alter a row', async () => {
		await expect(sql`update audit_log set action = 'nothing.happened'`).rejects.toThrow(/append-only/);
		expect(await lastAudit('nothing.happened')).toBeUndefined();
	});

	it('refuses to delete a row', async () => {
		const before = await auditCount();
		await expect(sql`delete from audit_log where action = 'sign_in.failed'`).rejects.toThrow(/append-only/);
		expect(await auditCount()).toBe(before);
	});

	it('refuses to empty the table', async () => {
		const before = await auditCount();
		// refused twice over: by its trigger, and first by the seals that reference its rows
		await expect(sql`truncate audit_log`).rejects.toThrow(/append-only|referenced in a foreign key/);
		expect(before).toBeGreaterThan(0);
		expect(await auditCount()).toBe(before);
	});
});
