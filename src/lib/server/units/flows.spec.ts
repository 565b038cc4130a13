import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../db.ts';
import { makeProvince, refusal, signInAs, type SignedIn } from '../test-helpers.ts';

// A city's office is an office, but not the top one: the province's office is.
let p: Awaited<ReturnType<typeof makeProvince>>;
let cityOffice: SignedIn, provinceOffice: SignedIn;

beforeAll(async () => {
	p = await makeProvince();
	[cityOffice, provinceOffice] = await Promise.all([signInAs('office-admin'), signInAs('province-admin')]);
});

const fields = (u: { id: string; name: string; parentId: string | null; kind: 'region' | 'government' | 'office' | 'department' }) => ({
	id: u.id,
	name: u.name,
	parentId: u.parentId,
	kind: u.kind
});

describe('what only the top office may change', () => {
	it("does not let a city's office move its own office up to the province, nor make itself something else", async () => {
		const e = await refusal(cityOffice.caller.unit.update({ ...fields(p.office), parentId: p.province.id }));
		expect(e.message).toBe('「上级单位」：本单位的上级单位和类型只能由最上级政府的政务公开办更改');
		expect((await refusal(cityOffice.caller.unit.update({ ...fields(p.office), kind: 'government' }))).message).toContain('「单位类型」');
		const [row] = await sql<{ parentId: string; kind: string }[]>`select parent_id, kind from units where id = ${p.office.id}`;
		expect(row).toEqual({ parentId: p.government.id, kind: 'office' });
	});

	it("does not let a city's office turn a department into an office", async () => {
		const e = await refusal(cityOffice.caller.unit.update({ ...fields(p.deptB), kind: 'office' }));
		expect(e.message).toBe('「单位类型」只有最上级政府的政务公开办才能设为办公厅（室）');
	});

	it('does not let anyone move a unit outside their reach', async () => {
		const e = await refusal(cityOffice.caller.unit.update({ ...fields(p.deptB), parentId: p.province.id }));
		expect(e.message).toBe('「上级单位」不是可选的值');
		const [row] = await sql<{ parentId: string }[]>`select parent_id from units where id = ${p.deptB.id}`;
		expect(row!.parentId).toBe(p.government.id);
	});

	it("lets the province's office rename its own office and make a city unit an office", async () => {
		const own = await provinceOffice.caller.unit.update({ ...fields(p.provinceOffice), name: '江南省人民政府办公厅（政务公开办）' });
		expect(own.name).toBe('江南省人民政府办公厅（政务公开办）');
		const unit = await provinceOffice.caller.unit.create({ name: '江城市政务公开办公室', parentId: p.government.id, kind: 'office' });
		expect(unit.kind).toBe('office');
	});
});

describe("a department's own administrator", () => {
	it('saves the unit with its leader in charge kept, though the vice-mayor is outside the department, and sees him by name', async () => {
		const deptAdmin = await signInAs('admin-a');
		const unit = await deptAdmin.caller.unit.byId({ id: p.deptA.id });
		expect(unit).toMatchObject({ leaderInChargeId: p.people.viceMayor.id, leaderInChargeName: '刘副市长', parentName: '江城市人民政府' });
		const saved = await deptAdmin.caller.unit.update({
			id: unit.id,
			name: '江城市应急管理局（市安委会办公室）',
			parentId: unit.parentId,
			kind: unit.kind,
			isKeyDepartment: unit.isKeyDepartment,
			principalId: unit.principalId,
			leaderInChargeId: unit.leaderInChargeId
		});
		expect(saved).toMatchObject({ name: '江城市应急管理局（市安委会办公室）', leaderInChargeId: p.people.viceMayor.id });
		// Choosing someone outside the department is still refused.
		const e = await refusal(deptAdmin.caller.unit.update({ ...fields(saved), isKeyDepartment: true, principalId: p.people.officeAdmin.id, leaderInChargeId: saved.leaderInChargeId }));
		expect(e.message).toBe('「主要负责人」不是可选的值');
	});
});
