// One approval covers a document's whole bundle (the document version and every material version), and any change to
// a part voids it: through the API, as the press office and the leader's phone use it.
import { beforeAll, describe, expect, it } from 'vitest';
import { render } from '../../i18n/index.ts';
import { sql } from '../db.ts';
import { ConflictError, FieldError } from '../errors.ts';
import { refusal } from '../test-helpers.ts';
import {
	PASSWORD,
	qa,
	city,
	press,
	viceMayor,
	draft,
	submitted,
	myRequest,
	approveWithPassword,
	approvalsOf,
	requestsOf,
	publishNow,
	setUpDocumentWorld
} from '../documents/test-world.ts';

beforeAll(setUpDocumentWorld);

describe('one sign-off covers the bundle, and any change voids it', () => {
	it('records the bundle hash and every part’s hash; an edit to one material voids it, and publishing is refused', async () => {
		const d = await submitted(press, 2);
		const q = await myRequest(viceMayor, d.id);
		const view = await viceMayor.caller.document.signoffView({ id: d.id, requestId: q.id });
		expect(view).toMatchObject({ stale: false, mayDecide: true, covers: { document: d.hash } });
		expect(view.materials.map((m) => m.id)).toEqual(d.materials.map((m) => m.id));

		const approved = await viceMayor.caller.signoff.approve({ kind: 'document', id: d.id, requestId: q.id, versionHash: q.versionHash, proof: PASSWORD });
		expect(approved.status).toBe('signed');
		const [m1, m2] = d.materials;
		expect(await approvalsOf(d.id)).toEqual([
			{
				requestId: q.id,
				personId: city.people.viceMayor.id,
				factor: 'password',
				versionHash: d.bundleHash,
				covers: { document: d.hash, [`material:${m1!.id}`]: m1!.hash, [`material:${m2!.id}`]: m2!.hash },
				voidedAt: null,
				voidReason: null
			}
		]);
		expect((await press.caller.document.byId({ id: d.id })).can.publish).toBe(true);

		// One word of the second material changes.
		const edited = await press.caller.document.updateMaterial({ id: d.id, materialId: m2!.id, baseVersion: 1, title: m2!.title, body: m2!.body + '另有补充说明。' });
		expect(edited).toMatchObject({ version: 2 });
		expect(edited.hash).not.toBe(m2!.hash);
		const [approval] = await approvalsOf(d.id);
		expect(approval!.voidedAt).not.toBeNull();
		expect(approval!.voidReason).toEqual({ key: 'document.void_material', params: { title: m2!.title } });
		expect(render(approval!.voidReason!)).toBe(`解读材料“${m2!.title}”已修改，原签发失效`);
		const after = await press.caller.document.byId({ id: d.id });
		expect(after).toMatchObject({ status: 'drafting', stage: null, publishedAt: null });
		expect(after.bundleHash).not.toBe(d.bundleHash);
		expect(after.can.publish).toBe(false);
		expect(after.approvals[0]!.voidedAt).not.toBeNull();

		const e = await refusal(publishNow(press, d.id));
		expect(e.code).toBe('BAD_REQUEST');
		expect(e.message).toBe('文件及解读材料尚未签发，不能发布');
		expect((await press.caller.document.byId({ id: d.id })).publishedAt).toBeNull();
		expect(await sql`select 1 from clocks where subject = 'document' and subject_id = ${d.id}`).toHaveLength(0);
		expect(await sql`select 1 from materials where document_id = ${d.id} and published_at is not null`).toHaveLength(0);
	});

	it('refuses an approval of the old bundle: the old request is void, and the new one wants the new hash', async () => {
		const d = await submitted(press, 2);
		const old = await myRequest(viceMayor, d.id);
		const m = d.materials[0]!;
		await press.caller.document.updateMaterial({ id: d.id, materialId: m.id, baseVersion: 1, title: '政策问答（修改）', body: m.body });
		expect((await requestsOf(d.id))[0]).toMatchObject({ id: old.id, status: 'void' });
		expect((await viceMayor.caller.document.signoffView({ id: d.id, requestId: old.id })).stale).toBe(true);

		const voided = await refusal(viceMayor.caller.signoff.approve({ kind: 'document', id: d.id, requestId: old.id, versionHash: old.versionHash, proof: PASSWORD }));
		expect(voided).toBeInstanceOf(ConflictError);
		expect(voided.message).toBe('该签发请求已失效（稿件已修改、撤回或被驳回）');
		expect(await approvalsOf(d.id)).toEqual([]);

		// Sent again: the leader's screen still showing the old bundle cannot sign the new request.
		await press.caller.document.submit({ id: d.id });
		const fresh = await myRequest(viceMayor, d.id);
		expect(fresh.id).not.toBe(old.id);
		expect(fresh.versionHash).not.toBe(old.versionHash);
		const stale = await refusal(viceMayor.caller.signoff.approve({ kind: 'document', id: d.id, requestId: fresh.id, versionHash: old.versionHash, proof: PASSWORD }));
		expect(stale).toBeInstanceOf(FieldError);
		expect((stale as FieldError).field).toBe('versionHash');
		expect(await approvalsOf(d.id)).toEqual([]);
		expect((await requestsOf(d.id)).find((q) => q.id === fresh.id)!.status).toBe('open');

		const signed = await viceMayor.caller.signoff.approve({ kind: 'document', id: d.id, requestId: fresh.id, versionHash: fresh.versionHash, proof: PASSWORD });
		expect(signed.status).toBe('signed');
		const shown = await press.caller.document.byId({ id: d.id });
		expect((await approvalsOf(d.id))[0]!.covers).toMatchObject({ document: d.hash, [`material:${m.id}`]: shown.materials.find((x) => x.id === m.id)!.hash });
		const published = await publishNow(press, d.id);
		expect(published.status).toBe('published');
		expect(published.clocks).toMatchObject([{ ruleName: '发布政策解读材料' }]);
		expect(await sql`select status from clocks where subject = 'document' and subject_id = ${d.id}`).toEqual([{ status: 'satisfied' }]);
	});

	it('voids it too when the document text, a new material or a removed material changes the package', async () => {
		const changes: Record<string, (d: Awaited<ReturnType<typeof submitted>>) => Promise<unknown>> = {
			text: (d) => press.caller.document.update({ ...draft({ title: d.title }), id: d.id, baseVersion: 1, body: d.body + '第二条 本意见自发布之日起施行。' }),
			attach: (d) => press.caller.document.attachMaterial(qa(d.id, '补充问答')),
			remove: (d) => press.caller.document.removeMaterial({ id: d.id, materialId: d.materials[1]!.id })
		};
		for (const [name, change] of Object.entries(changes)) {
			const d = await submitted(press, 2);
			await approveWithPassword(viceMayor, d.id);
			await change(d);
			const after = await press.caller.document.byId({ id: d.id });
			expect(after.status, name).toBe('drafting');
			expect(after.bundleHash, name).not.toBe(d.bundleHash);
			expect((await approvalsOf(d.id)).every((a) => a.voidedAt !== null), name).toBe(true);
			expect((await refusal(publishNow(press, d.id))).message, name).toBe('文件及解读材料尚未签发，不能发布');
		}
	});

	it('keeps the sign-off when a material is saved unchanged', async () => {
		const d = await submitted(press, 1);
		await approveWithPassword(viceMayor, d.id);
		const m = d.materials[0]!;
		const same = await press.caller.document.updateMaterial({ id: d.id, materialId: m.id, baseVersion: 1, title: m.title, body: m.body });
		expect(same).toMatchObject({ version: 1, hash: m.hash });
		expect((await press.caller.document.byId({ id: d.id })).status).toBe('signed');
		expect((await approvalsOf(d.id))[0]!.voidedAt).toBeNull();
	});
});
