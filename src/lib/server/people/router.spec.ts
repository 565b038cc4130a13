import { beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../auth/flows.ts';
import { sql } from '../db.ts';
import type { PersonRow } from './queries.ts';
import { makeCity, makePerson, signInAs, TEST_ACTOR, TEST_PASSWORD, type SignedIn, refusal } from '../test-helpers.ts';

let city: Awaited<ReturnType<typeof makeCity>>;
let officeAdmin: SignedIn, sysadmin: SignedIn, adminA: SignedIn, staffA: SignedIn;

beforeAll(async () => {
	city = await makeCity();
	[officeAdmin, sysadmin, adminA, staffA] = await Promise.all([
		signInAs('office-admin'),
		signInAs('root-admin'),
		signInAs('admin-a'),
		signInAs('staff-a')
	]);
});

/** The editable fields of a person, as the edit form sends them back. */
const fieldsOf = ({ id, name, username, phone, unitId, roles }: PersonRow) => ({ id, name, username, phone, unitId, roles });

let serial = 0;
const newcomer = (unitId: string, extra: Record<string, unknown> = {}) => {
	serial += 1;
	return { name: '新同事', username: `newcomer${serial}`, unitId, roles: ['duty' as const], password: 'spring-tide-9173', ...extra };
};

describe('what a person may see', () => {
	it('lists only the people of their own department', async () => {
		const usernames = (await staffA.caller.person.list()).map((p) => p.username);
		expect(usernames).toEqual(expect.arrayContaining(['admin-a', 'staff-a']));
		expect(usernames).not.toContain('staff-b');
		expect(usernames).not.toContain('office-admin');
	});

	it('lets the government office see everyone in every department', async () => {
		const usernames = (await officeAdmin.caller.person.list()).map((p) => p.username);
		expect(usernames).toEqual(expect.arrayContaining(['office-admin', 'root-admin', 'admin-a', 'staff-a', 'staff-b']));
		const onlyB = await officeAdmin.caller.person.list({ unitId: city.deptB.id });
		expect(onlyB.map((p) => p.username)).toEqual(['staff-b']);
	});

	it("answers another department's person as not found", async () => {
		expect((await refusal(staffA.caller.person.byId({ id: city.staffB.id }))).code).toBe('NOT_FOUND');
		expect((await staffA.caller.person.byId({ id: city.adminA.id })).name).toBe(city.adminA.name);
	});

	it("filters by another department's unit to nothing", async () => {
		expect(await adminA.caller.person.list({ unitId: city.deptB.id })).toEqual([]);
	});

	it('never hands out a password hash', async () => {
		const person = await officeAdmin.caller.person.byId({ id: city.staffA.id });
		expect(JSON.stringify(person)).not.toContain('argon2');
		expect(person).not.toHaveProperty('passwordHash');
	});
});

describe("another department's people cannot be changed", () => {
	it('answers update, deactivation and password reset as not found, and changes nothing', async () => {
		for (const call of [
			() => adminA.caller.person.update({ ...fieldsOf(city.staffB), name: '被改名' }),
			() => adminA.caller.person.setActive({ id: city.staffB.id, active: false }),
			() => adminA.caller.person.resetPassword({ id: city.staffB.id, password: 'taken-over-account-1' })
		]) {
			expect((await refusal(call())).code).toBe('NOT_FOUND');
		}
		const [b] = await sql<{ name: string; active: boolean }[]>`select name, active from people where id = ${city.staffB.id}`;
		expect(b).toEqual({ name: city.staffB.name, active: true });
		expect((await signIn('staff-b', TEST_PASSWORD, TEST_ACTOR)).ok).toBe(true);
	});

	it('does not let a department administrator place a newcomer in another department', async () => {
		const e = await refusal(adminA.caller.person.create(newcomer(city.deptB.id)));
		expect(e.message).toBe('「所属单位」不是可选的值');
	});

	it('does not let a department administrator move their own person into another department', async () => {
		const e = await refusal(adminA.caller.person.update({ ...fieldsOf(city.staffA), unitId: city.deptB.id }));
		expect(e.message).toBe('「所属单位」不是可选的值');
	});
});

describe('who may manage people', () => {
	it('refuses every change to someone who is not an administrator', async () => {
		expect((await refusal(staffA.caller.person.create(newcomer(city.deptA.id)))).code).toBe('FORBIDDEN');
		expect((await refusal(staffA.caller.person.update({ ...fieldsOf(city.staffA), roles: ['office_admin'] }))).code).toBe(
			'FORBIDDEN'
		);
		expect((await refusal(staffA.caller.person.setActive({ id: city.adminA.id, active: false }))).code).toBe('FORBIDDEN');
	});

	it('lets a department administrator add someone who can then sign in', async () => {
		const input = newcomer(city.deptA.id, { username: 'New.Colleague', phone: '13912345678' });
		const created = await adminA.caller.person.create(input);
		expect(created).toMatchObject({ username: 'new.colleague', phone: '13912345678', unitName: '江城市应急管理局' });
		expect((await signIn('13912345678', 'spring-tide-9173', TEST_ACTOR)).ok).toBe(true);
	});

	it('only lets a system administrator grant the system administrator role', async () => {
		const e = await refusal(officeAdmin.caller.person.create(newcomer(city.office.id, { roles: ['sysadmin'] })));
		expect(e.message).toBe('「角色」只有系统管理员可以授予系统管理员角色');
		const promote = { ...fieldsOf(city.staffA), roles: ['press_officer' as const, 'sysadmin' as const] };
		expect((await refusal(officeAdmin.caller.person.update(promote))).message).toContain('「角色」');
		expect((await sql`select 1 from people where id = ${city.staffA.id} and 'sysadmin' = any(roles)`).length).toBe(0);

		const granted = await sysadmin.caller.person.update(promote);
		expect(granted.roles).toContain('sysadmin');
		await sysadmin.caller.person.update(fieldsOf(city.staffA));
	});

	it('does not let an office administrator change, lock out or reset a system administrator', async () => {
		const demote = { ...fieldsOf(city.sysadmin), roles: ['office_admin' as const] };
		expect((await refusal(officeAdmin.caller.person.update(demote))).code).toBe('FORBIDDEN');
		const rename = { ...fieldsOf(city.sysadmin), name: '改名的管理员' };
		expect((await refusal(officeAdmin.caller.person.update(rename))).code).toBe('FORBIDDEN');
		expect((await refusal(officeAdmin.caller.person.setActive({ id: city.sysadmin.id, active: false }))).code).toBe(
			'FORBIDDEN'
		);
		expect(
			(await refusal(officeAdmin.caller.person.resetPassword({ id: city.sysadmin.id, password: 'taken-over-account-1' })))
				.code
		).toBe('FORBIDDEN');
		expect((await signIn('root-admin', TEST_PASSWORD, TEST_ACTOR)).ok).toBe(true);
	});

	it('does not let an administrator deactivate their own account', async () => {
		const e = await refusal(officeAdmin.caller.person.setActive({ id: city.officeAdmin.id, active: false }));
		expect(e.message).toBe('不能停用自己的账号');
	});
});

describe('bad input', () => {
	it('names the password field when the password is too short', async () => {
		const e = await refusal(officeAdmin.caller.person.create(newcomer(city.deptA.id, { password: 'short1' })));
		expect(e.code).toBe('BAD_REQUEST');
		expect(e.message).toBe('「密码」至少需要 8 个字符');
	});

	it('names the password field when the password is too common', async () => {
		const e = await refusal(officeAdmin.caller.person.create(newcomer(city.deptA.id, { password: 'password123' })));
		expect(e.message).toBe('「密码」过于常见，容易被猜到，请换一个');
		const reset = await refusal(officeAdmin.caller.person.resetPassword({ id: city.staffA.id, password: '12345678' }));
		expect(reset.message).toContain('「密码」');
	});

	it("calls a person's name 「姓名」, as the form does, not a unit's 「名称」", async () => {
		const e = await refusal(officeAdmin.caller.person.create(newcomer(city.deptA.id, { name: ' ' })));
		expect(e.message).toContain('「姓名」必须填写');
		const long = await refusal(officeAdmin.caller.person.create(newcomer(city.deptA.id, { name: '名'.repeat(51) })));
		expect(long.message).toContain('「姓名」最多 50 个字符');
	});

	it('says a username or phone number is already in use', async () => {
		const u = await refusal(officeAdmin.caller.person.create(newcomer(city.deptA.id, { username: 'STAFF-B' })));
		expect(u.message).toBe('「用户名」已被使用');
		const p = await refusal(officeAdmin.caller.person.create(newcomer(city.deptA.id, { phone: '13800000002' })));
		expect(p.message).toBe('「手机号」已被使用');
	});

	it('asks for a username or a phone number', async () => {
		const e = await refusal(officeAdmin.caller.person.create(newcomer(city.deptA.id, { username: '', phone: '' })));
		expect(e.message).toBe('「用户名」和「手机号」至少填写一项');
	});

	it('names the phone field when the number is not a mainland mobile number', async () => {
		const e = await refusal(officeAdmin.caller.person.create(newcomer(city.deptA.id, { phone: '0755-1234567' })));
		expect(e.message).toContain('「手机号」格式不正确');
	});

	it('asks for at least one role', async () => {
		const e = await refusal(officeAdmin.caller.person.create(newcomer(city.deptA.id, { roles: [] })));
		expect(e.message).toContain('「角色」必须填写');
	});

	it('refuses a wrong current password when someone changes their own', async () => {
		const change = { currentPassword: 'guess-guess', newPassword: 'kite-over-river-7' };
		const e = await refusal(staffA.caller.person.changeOwnPassword(change));
		expect(e.message).toBe('「当前密码」不正确');
	});

	it('stops guessing the current password after five wrong tries, even with the right one', async () => {
		await makePerson(city.deptB.id, ['duty'], { username: 'guesser' });
		const guesser = await signInAs('guesser');
		const wrong = { currentPassword: 'guess-guess', newPassword: 'kite-over-river-7' };
		const messages: string[] = [];
		for (let i = 0; i < 5; i++) messages.push((await refusal(guesser.caller.person.changeOwnPassword(wrong))).message);
		expect(messages.slice(0, 4)).toEqual(Array(4).fill('「当前密码」不正确'));
		expect(messages[4]).toContain('错误次数过多');
		const right = { currentPassword: TEST_PASSWORD, newPassword: 'kite-over-river-7' };
		expect((await refusal(guesser.caller.person.changeOwnPassword(right))).message).toContain('错误次数过多');
	});
});
