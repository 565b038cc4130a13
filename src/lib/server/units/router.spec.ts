import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../db.ts';
import { anonymousCaller, makeCity, makeUnit, signInAs, type SignedIn, refusal } from '../test-helpers.ts';

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

const edit = (u: { id: string; name: string; parentId: string | null }, changes: { name?: string; parentId?: string | null }) => ({
	id: u.id,
	name: changes.name ?? u.name,
	parentId: changes.parentId === undefined ? u.parentId : changes.parentId
});

describe('what a person may see', () => {
	it('shows a department only its own subtree', async () => {
		const names = (await staffA.caller.unit.list()).map((u) => u.name);
		expect(names).toEqual(['江城市应急管理局']);
	});

	it('shows the government office every department of its government', async () => {
		const ids = (await officeAdmin.caller.unit.list()).map((u) => u.id);
		expect(ids).toEqual(expect.arrayContaining([city.government.id, city.office.id, city.deptA.id, city.deptB.id]));
		expect((await officeAdmin.caller.unit.byId({ id: city.deptB.id })).name).toBe('江城市卫生健康委员会');
	});

	it('shows the system administrator everything', async () => {
		expect(await sysadmin.caller.unit.list()).toHaveLength((await sql`select id from units where active`).length);
	});

	it("answers another unit's record as not found, not as forbidden", async () => {
		expect((await refusal(staffA.caller.unit.byId({ id: city.deptB.id }))).code).toBe('NOT_FOUND');
		expect((await refusal(staffA.caller.unit.byId({ id: city.government.id }))).code).toBe('NOT_FOUND');
		expect((await refusal(adminA.caller.unit.byId({ id: city.deptB.id }))).message).toBe('未找到该记录，或您无权查看');
		expect((await staffA.caller.unit.byId({ id: city.deptA.id })).name).toBe('江城市应急管理局');
	});

	it('asks a visitor who is not signed in to sign in', async () => {
		const e = await refusal(anonymousCaller().unit.list());
		expect(e.code).toBe('UNAUTHORIZED');
		expect(e.message).toBe('请先登录');
	});

	it('hides deactivated units unless asked for them', async () => {
		const old = await makeUnit('江城市已撤销局', city.government.id);
		await officeAdmin.caller.unit.setActive({ id: old.id, active: false });
		expect((await officeAdmin.caller.unit.list()).map((u) => u.id)).not.toContain(old.id);
		expect((await officeAdmin.caller.unit.list({ includeInactive: true })).map((u) => u.id)).toContain(old.id);
	});
});

describe('who may change units', () => {
	it("does not let a department administrator touch another department's unit", async () => {
		expect((await refusal(adminA.caller.unit.update(edit(city.deptB, { name: '改名' })))).code).toBe('NOT_FOUND');
		expect((await refusal(adminA.caller.unit.setActive({ id: city.deptB.id, active: false }))).code).toBe('NOT_FOUND');
		const [b] = await sql<{ name: string; active: boolean }[]>`select name, active from units where id = ${city.deptB.id}`;
		expect(b).toEqual({ name: '江城市卫生健康委员会', active: true });
	});

	it("does not let a department administrator create a unit under another department", async () => {
		const e = await refusal(adminA.caller.unit.create({ name: '卫健委下属科室', parentId: city.deptB.id }));
		expect(e.code).toBe('BAD_REQUEST');
		expect(e.message).toContain('「上级单位」');
		const [row] = await sql`select 1 from units where name = '卫健委下属科室'`;
		expect(row).toBeUndefined();
	});

	it('lets a department administrator build inside their own department but not move it away', async () => {
		const section = await adminA.caller.unit.create({ name: '新闻宣传科', parentId: city.deptA.id });
		expect((await adminA.caller.unit.list()).map((u) => u.id)).toContain(section.id);
		const e = await refusal(adminA.caller.unit.update(edit(city.deptA, { parentId: city.office.id })));
		expect(e.message).toContain('「上级单位」');
	});

	it('does not let a department administrator make its department an office and so reach the whole city', async () => {
		const e = await refusal(adminA.caller.unit.update({ ...edit(city.deptA, {}), kind: 'office' }));
		expect(e.code).toBe('BAD_REQUEST');
		expect(e.message).toBe('「单位类型」只有最上级政府的政务公开办才能设为办公厅（室）');
		const [a] = await sql<{ kind: string }[]>`select kind from units where id = ${city.deptA.id}`;
		expect(a!.kind).toBe('department');
		const again = await signInAs('admin-a');
		expect((await again.caller.unit.list()).map((u) => u.id)).not.toContain(city.deptB.id);
		expect(again.user.scopeUnitId).toBe(city.deptA.id);
	});

	it('does not let a department administrator change what its own unit is, nor create or turn a unit into an office', async () => {
		const e = await refusal(adminA.caller.unit.update({ ...edit(city.deptA, {}), kind: 'government' }));
		expect(e.message).toBe('「单位类型」：本单位的上级单位和类型只能由最上级政府的政务公开办更改');
		expect((await refusal(adminA.caller.unit.create({ name: '应急办公室', parentId: city.deptA.id, kind: 'office' }))).message).toContain(
			'「单位类型」只有最上级政府的政务公开办'
		);
		const section = await adminA.caller.unit.create({ name: '应急值守科', parentId: city.deptA.id });
		expect((await refusal(adminA.caller.unit.update({ ...edit(section, {}), kind: 'office' }))).code).toBe('BAD_REQUEST');
		const [row] = await sql`select 1 from units where kind = 'office' and id <> ${city.office.id}`;
		expect(row).toBeUndefined();
	});

	it('lets the top office make an office', async () => {
		const office = await officeAdmin.caller.unit.create({ name: '江城市政务服务办公室', parentId: city.government.id, kind: 'office' });
		expect(office.kind).toBe('office');
		await officeAdmin.caller.unit.setActive({ id: office.id, active: false });
	});

	it('lets the government office edit any department', async () => {
		const renamed = await officeAdmin.caller.unit.update(edit(city.deptB, { name: '江城市卫生健康委' }));
		expect(renamed.name).toBe('江城市卫生健康委');
		await officeAdmin.caller.unit.update(edit(city.deptB, { name: '江城市卫生健康委员会' }));
	});

	it('refuses to create a unit for someone who is not an administrator', async () => {
		const e = await refusal(staffA.caller.unit.create({ name: '自建单位', parentId: city.deptA.id }));
		expect(e.code).toBe('FORBIDDEN');
		expect(e.message).toBe('您没有权限执行此操作');
		expect((await refusal(staffA.caller.unit.update(edit(city.deptA, { name: '改名' })))).code).toBe('FORBIDDEN');
	});

	it('does not let anyone make a second top-level unit', async () => {
		const e = await refusal(sysadmin.caller.unit.create({ name: '另一个政府', parentId: null, kind: 'government' }));
		expect(e.message).toBe('「上级单位」必须填写：最上级单位已存在');
	});

	it('does not let a unit move under its own department', async () => {
		const e = await refusal(sysadmin.caller.unit.update(edit(city.government, { parentId: city.deptA.id })));
		expect(e.message).toBe('「上级单位」不能是本单位或其下级单位');
	});

	it('refuses to deactivate a unit that still has people in it', async () => {
		const e = await refusal(officeAdmin.caller.unit.setActive({ id: city.deptB.id, active: false }));
		expect(e.message).toContain('仍有在职人员');
	});

	it("does not accept another department's person as principal", async () => {
		const e = await refusal(adminA.caller.unit.update({ ...edit(city.deptA, {}), principalId: city.staffB.id }));
		expect(e.message).toBe('「主要负责人」不是可选的值');
	});
});

describe('bad input', () => {
	it('names the field in Chinese when the name is empty', async () => {
		const e = await refusal(officeAdmin.caller.unit.create({ name: '   ', parentId: city.government.id }));
		expect(e.code).toBe('BAD_REQUEST');
		expect(e.message).toContain('「名称」必须填写');
	});

	it('names the field when the name is too long', async () => {
		const e = await refusal(officeAdmin.caller.unit.create({ name: '局'.repeat(101), parentId: city.government.id }));
		expect(e.message).toContain('「名称」最多 100 个字符');
	});

	it('says so when a sibling already has the name', async () => {
		const e = await refusal(officeAdmin.caller.unit.create({ name: '江城市应急管理局', parentId: city.government.id }));
		expect(e.message).toBe('「名称」同一上级下已有同名单位');
	});
});
