import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../db.ts';
import { makeCity, postAs, refusal, signInAs, type SignedIn } from '../test-helpers.ts';

let officeAdmin: SignedIn, adminA: SignedIn, staffA: SignedIn;

beforeAll(async () => {
	await makeCity();
	[officeAdmin, adminA, staffA] = await Promise.all([signInAs('office-admin'), signInAs('admin-a'), signInAs('staff-a')]);
});

const professor = { name: '李明', field: '城乡规划', organisation: '江城大学', contact: '13900000001' };

describe('the expert pool', () => {
	it('is kept by the office: an expert added there is listed for everyone signed in, and audited', async () => {
		const added = await officeAdmin.caller.expert.create(professor);
		expect(added).toMatchObject({ ...professor, active: true });
		expect((await staffA.caller.expert.list()).map((e) => e.name)).toContain('李明');
		const [entry] = await sql<{ actorId: string; after: { field: string } }[]>`
			select actor_id, after from audit_log where action = 'expert.created' and entity_id = ${added.id}`;
		expect(entry).toMatchObject({ actorId: officeAdmin.user.id, after: { field: '城乡规划' } });
	});

	it('is not changed by a press officer, nor by a department’s own administrator', async () => {
		expect((await refusal(staffA.caller.expert.create({ ...professor, name: '王芳' }))).code).toBe('FORBIDDEN');
		expect((await refusal(adminA.caller.expert.create({ ...professor, name: '王芳' }))).code).toBe('FORBIDDEN');
		const [someone] = await officeAdmin.caller.expert.list();
		expect((await refusal(staffA.caller.expert.setActive({ id: someone!.id, active: false }))).code).toBe('FORBIDDEN');
	});

	it('names the field when an entry is refused', async () => {
		const noName = await postAs(officeAdmin, 'expert.create', { ...professor, name: '  ' });
		expect(noName.status).toBe(400);
		expect(noName.body.error.data.fieldErrors).toEqual({ name: '「姓名」必须填写' });
		const noField = await postAs(officeAdmin, 'expert.create', { ...professor, name: '赵强', field: '' });
		expect(noField.body.error.data.fieldErrors).toEqual({ field: '「专业领域」必须填写' });
		const longContact = await postAs(officeAdmin, 'expert.create', { ...professor, name: '赵强', contact: '1'.repeat(101) });
		expect(longContact.body.error.data.fieldErrors).toEqual({ contact: '「联系方式」最多 100 个字符' });
	});

	it('refuses the same person at the same organisation twice', async () => {
		const twin = await postAs(officeAdmin, 'expert.create', { ...professor, field: '公共管理' });
		expect(twin.body.error.data.fieldErrors).toEqual({ name: '「姓名」专家库中已有同名、同单位的专家（已停用的可在列表中重新启用）' });
		const elsewhere = await officeAdmin.caller.expert.create({ ...professor, organisation: '江南师范大学' });
		expect(elsewhere.organisation).toBe('江南师范大学');
	});

	it('edits an expert, recording before and after', async () => {
		const e = await officeAdmin.caller.expert.create({ name: '陈静', field: '卫生健康', organisation: '', contact: '' });
		const edited = await officeAdmin.caller.expert.update({ id: e.id, name: '陈静', field: '公共卫生', organisation: '江城市疾控中心', contact: 'chenjing@example.cn' });
		expect(edited).toMatchObject({ field: '公共卫生', organisation: '江城市疾控中心' });
		const [entry] = await sql<{ before: { field: string }; after: { field: string } }[]>`
			select before, after from audit_log where action = 'expert.updated' and entity_id = ${e.id}`;
		expect([entry!.before.field, entry!.after.field]).toEqual(['卫生健康', '公共卫生']);
	});

	it('deactivates an expert: gone from the pickers, still there for the office to bring back', async () => {
		const e = await officeAdmin.caller.expert.create({ name: '周伟', field: '应急管理', organisation: '', contact: '' });
		await officeAdmin.caller.expert.setActive({ id: e.id, active: false });
		expect((await staffA.caller.expert.list()).map((x) => x.id)).not.toContain(e.id);
		expect((await officeAdmin.caller.expert.list({ includeInactive: true })).find((x) => x.id === e.id)?.active).toBe(false);
		await officeAdmin.caller.expert.setActive({ id: e.id, active: true });
		expect((await staffA.caller.expert.list()).map((x) => x.id)).toContain(e.id);
		const actions = await sql<{ action: string }[]>`select action from audit_log where entity_id = ${e.id} order by id`;
		expect(actions.map((a) => a.action)).toEqual(['expert.created', 'expert.deactivated', 'expert.reactivated']);
	});
});
