import { beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../auth/flows.ts';
import { sql } from '../db.ts';
import type { PersonRow } from './queries.ts';
import { makeCity, makePerson, makeUnit, signInAs, TEST_ACTOR, TEST_PASSWORD, type SignedIn, refusal, walkPages } from '../test-helpers.ts';

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
		const usernames = (await staffA.caller.person.list()).items.map((p) => p.username);
		expect(usernames).toEqual(expect.arrayContaining(['admin-a', 'staff-a']));
		expect(usernames).not.toContain('staff-b');
		expect(usernames).not.toContain('office-admin');
	});

	it('lets the government office see everyone in every department', async () => {
		const usernames = (await officeAdmin.caller.person.list()).items.map((p) => p.username);
		expect(usernames).toEqual(expect.arrayContaining(['office-admin', 'root-admin', 'admin-a', 'staff-a', 'staff-b']));
		const onlyB = await officeAdmin.caller.person.list({ unitId: city.deptB.id });
		expect(onlyB.items.map((p) => p.username)).toEqual(['staff-b']);
	});

	it("answers another department's person as not found", async () => {
		expect((await refusal(staffA.caller.person.byId({ id: city.staffB.id }))).code).toBe('NOT_FOUND');
		expect((await staffA.caller.person.byId({ id: city.adminA.id })).name).toBe(city.adminA.name);
	});

	it("filters by another department's unit to nothing", async () => {
		expect(await adminA.caller.person.list({ unitId: city.deptB.id })).toEqual({ items: [], nextCursor: null });
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

describe('the people list at the size of a province', () => {
	// 48 more people in department A (one in a section below it) and 16 in B: surnames that share characters, phone
	// numbers that share digits, every fifth a principal, every seventh no longer active.
	const NAMES = ['张伟', '张伟民', '王芳', '李娜', '刘洋', '陈静', '杨帆', '黄磊'];
	let section: Awaited<ReturnType<typeof makeUnit>>;

	beforeAll(async () => {
		section = await makeUnit('江城市应急管理局指挥中心', city.deptA.id);
		await sql`
			insert into people (name, username, phone, unit_id, roles, password_hash, active)
			select (${sql.array(NAMES)}::text[])[1 + n % ${NAMES.length}] || n, 'bulk' || n, '1390000' || lpad(n::text, 4, '0'),
				case when n = 0 then ${section.id}::uuid when n < 48 then ${city.deptA.id}::uuid else ${city.deptB.id}::uuid end,
				case when n % 5 = 0 then array['principal'] else array['duty'] end, 'not-a-hash', n % 7 <> 0
			from generate_series(0, 63) as n`;
	});

	type Input = Parameters<SignedIn['caller']['person']['list']>[0];
	const everyPage = (who: SignedIn, input: Input = {}, limit = 7) =>
		walkPages((cursor) => who.caller.person.list({ ...input, cursor, limit }), limit);

	it('gives everyone in reach once, by name in pinyin order, a page at a time', async () => {
		const expected = await sql<{ id: string }[]>`select id from people order by name collate "zh-x-icu", id`;
		const { rows, pages } = await everyPage(officeAdmin);
		expect(rows.map((r) => r.id)).toEqual(expected.map((r) => r.id));
		expect(pages).toBe(Math.ceil(expected.length / 7));
		expect(JSON.stringify(rows)).not.toContain('not-a-hash');
	});

	it('never shows a department administrator anyone outside its unit and the units under it', async () => {
		const reach = await sql<{ id: string }[]>`select id from people where unit_id in (${city.deptA.id}, ${section.id}) order by name collate "zh-x-icu", id`;
		const { rows } = await everyPage(adminA, {}, 5);
		expect(rows.map((r) => r.id)).toEqual(reach.map((r) => r.id));
		expect(rows.some((r) => r.unitId === section.id)).toBe(true);
		// B's people are found by no search, role or unit asked from A's reach: the unit filters to nothing.
		expect((await everyPage(adminA, { q: 'bulk50' })).rows).toEqual([]);
		expect((await everyPage(adminA, { unitId: city.deptB.id })).rows).toEqual([]);
		expect((await everyPage(adminA, { unitId: city.office.id, role: 'office_admin' })).rows).toEqual([]);
	});

	it('finds a Chinese name, a username and the digits of a phone number, word by word, and takes % and _ as typed', async () => {
		const zhangWei = (await everyPage(officeAdmin, { q: '张伟' })).rows;
		expect(zhangWei).toHaveLength(16);
		expect(zhangWei.every((r) => r.name.startsWith('张伟'))).toBe(true);
		expect((await everyPage(officeAdmin, { q: '伟民' })).rows).toHaveLength(8);
		expect((await everyPage(officeAdmin, { q: '张伟 民' })).rows).toHaveLength(8);
		expect((await everyPage(officeAdmin, { q: 'bulk17' })).rows.map((r) => r.username)).toEqual(['bulk17']);
		expect((await everyPage(officeAdmin, { q: '13900000042' })).rows.map((r) => r.username)).toEqual(['bulk42']);
		expect((await everyPage(officeAdmin, { q: 'staff-b' })).rows.map((r) => r.username)).toEqual(['staff-b']);
		expect((await everyPage(officeAdmin, { q: '%' })).rows).toEqual([]);
		expect((await everyPage(officeAdmin, { q: '张_' })).rows).toEqual([]);
	});

	it('filters by the unit itself, a role and whether the person is active', async () => {
		const a = (await everyPage(officeAdmin, { unitId: city.deptA.id })).rows;
		expect(a.length).toBeGreaterThan(40);
		expect(a.every((r) => r.unitId === city.deptA.id)).toBe(true);
		const principals = (await everyPage(officeAdmin, { role: 'principal', active: true })).rows;
		expect(principals.map((r) => r.username).sort()).toEqual(['bulk10', 'bulk15', 'bulk20', 'bulk25', 'bulk30', 'bulk40', 'bulk45', 'bulk5', 'bulk50', 'bulk55', 'bulk60']);
		const inactive = (await everyPage(officeAdmin, { active: false, unitId: city.deptB.id })).rows;
		expect(inactive.map((r) => r.username).sort()).toEqual(['bulk49', 'bulk56', 'bulk63']);
	});

	it('refuses a cursor it did not give, too long a page and an overlong search, in Chinese', async () => {
		for (const input of [{ cursor: 'bm90LWEta2V5' }, { cursor: '!!' }, { limit: 101 }, { q: '张'.repeat(51) }]) {
			expect((await refusal(officeAdmin.caller.person.list(input))).code).toBe('BAD_REQUEST');
		}
		const error = await refusal(officeAdmin.caller.person.list({ cursor: 'bm90LWEta2V5' }));
		expect(JSON.stringify(error.cause)).toContain('翻页位置');
	});
});
