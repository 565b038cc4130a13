// Policy documents through the API, as the press office and the leaders' phones use it: the gate that keeps a
// document without its interpretation package from sign-off (同步审签), one approval for the whole bundle voided
// by an edit to any part, disclosure at the source (a withheld document and its files stay with the drafting
// unit), who may draft, see, review and sign, and a second tap on "create" that makes one document.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toIso } from '../../time.ts';
import { sql } from '../db.ts';
import { ConflictError, FieldError } from '../errors.ts';
import { fileAccess, storeFile } from '../files/flows.ts';
import { localStore, type BlobStore } from '../files/store.ts';
import type { PersonRow } from '../people/queries.ts';
import { makePerson, makeProvince, makeUnit, postAs, refusal, signInAs, TEST_PASSWORD, type SignedIn } from '../test-helpers.ts';
import type { UnitRow } from '../units/queries.ts';
import { samplePdf, samplePng } from '../../../../tests/support/sample-files.ts';

const PASSWORD = { kind: 'password' as const, password: TEST_PASSWORD };

let city: Awaited<ReturnType<typeof makeProvince>>;
let deptC: UnitRow;
let reviewerC: PersonRow;
// deptA: the vice-mayor is its named leader in charge, the director its principal; the deputy holds the role only.
let press: SignedIn, viceMayor: SignedIn, director: SignedIn, deputy: SignedIn, duty: SignedIn, officeAdmin: SignedIn;
// deptB: another department, out of the bureau's reach.
let pressB: SignedIn;
// deptC: its chain names a confidentiality reviewer.
let pressC: SignedIn, leaderC: SignedIn, reviewer: SignedIn;
let dir: string;
let store: BlobStore;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'huiying-documents-'));
	store = localStore(dir);
	city = await makeProvince();
	deptC = await makeUnit('江城市交通运输局', city.government.id);
	[reviewerC] = await Promise.all([
		makePerson(deptC.id, ['duty'], { username: 'secret-c', name: '保密员老许' }),
		makePerson(deptC.id, ['press_officer'], { username: 'press-c', name: '冯宣传' }),
		makePerson(deptC.id, ['leader'], { username: 'leader-c', name: '何副局长' })
	]);
	[press, viceMayor, director, deputy, duty, officeAdmin, pressB, pressC, leaderC, reviewer] = await Promise.all([
		signInAs('press-a'),
		signInAs('vice-mayor'),
		signInAs('director-a'),
		signInAs('deputy-a'),
		signInAs('duty-a'),
		signInAs('office-admin'),
		signInAs('press-b'),
		signInAs('press-c'),
		signInAs('leader-c'),
		signInAs('secret-c')
	]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type CreateInput = Parameters<SignedIn['caller']['document']['create']>[0];
let serial = 0;
function draft(overrides: Partial<CreateInput> = {}): CreateInput {
	serial += 1;
	return {
		title: `江城市关于加强安全生产工作的实施意见（${serial}）`,
		docNumber: `江应急发〔2026〕${serial}号`,
		body: '第一条 为加强安全生产工作，结合本市实际，制定本意见。',
		disclosure: 'proactive',
		planInterpreter: '市应急管理局 周局长',
		planApproach: '图解、问答',
		planChannels: ['政府网站', '政务微博'],
		planTiming: '与文件同步发布',
		...overrides
	};
}

const NO_PLAN = { planInterpreter: '', planApproach: '', planChannels: [], planTiming: '' };

const qa = (id: string, title = '政策问答') => ({ id, kind: 'qa' as const, title, body: `问：${title}适用于哪些企业？答：本市行政区域内的生产经营单位。` });

/** Drafted by `by` with `materials` Q&A materials and submitted: the document as the drafter then sees it. */
async function submitted(by: SignedIn, materials = 1, overrides: Partial<CreateInput> = {}) {
	const created = await by.caller.document.create(draft(overrides));
	for (let i = 1; i <= materials; i++) await by.caller.document.attachMaterial(qa(created.id, `政策问答${i}`));
	await by.caller.document.submit({ id: created.id });
	return by.caller.document.byId({ id: created.id });
}

/** The one request `leader` may decide, as their document page offers it. */
async function myRequest(leader: SignedIn, documentId: string) {
	const d = await leader.caller.document.byId({ id: documentId });
	expect(d.can.sign).toHaveLength(1);
	return d.requests.find((q) => q.id === d.can.sign[0])!;
}

async function approveWithPassword(leader: SignedIn, documentId: string) {
	const q = await myRequest(leader, documentId);
	return leader.caller.document.approve({ id: documentId, requestId: q.id, versionHash: q.versionHash, proof: PASSWORD });
}

const approvalsOf = (documentId: string) =>
	sql<{ requestId: string; personId: string; factor: string; versionHash: string; covers: Record<string, string> | null; voidedAt: Date | null; voidReason: string | null }[]>`
		select request_id, person_id, factor, version_hash, covers, voided_at, void_reason from approvals where document_id = ${documentId} order by at`;

const requestsOf = (documentId: string) =>
	sql<{ id: string; status: string; versionHash: string; covers: Record<string, string> | null }[]>`
		select id, status, version_hash, covers from signoff_requests where document_id = ${documentId} order by created_at, seat desc`;

const publishNow = (by: SignedIn, id: string, withMaterials = true) =>
	by.caller.document.publish({ id, publishedAt: toIso(new Date(Date.now() + 60_000)), url: 'https://www.jiangcheng.gov.cn/zcwj/1.html', withMaterials });

const upload = (by: SignedIn, name: string, bytes = samplePdf()) => storeFile(bytes, name, { personId: by.user.id, actor: by.actor }, store);

describe('the gate: no sign-off without the interpretation package', () => {
	it('refuses a document without a plan, on 解读人, in Chinese', async () => {
		const d = await press.caller.document.create(draft(NO_PLAN));
		const e = await refusal(press.caller.document.submit({ id: d.id }));
		expect(e).toBeInstanceOf(FieldError);
		expect((e as FieldError).field).toBe('planInterpreter');
		expect(e.message).toBe('「解读人」必须填写：文件须附解读方案（解读人和解读方式）才能送审签，或填写免于解读的理由');

		const { status, body } = await postAs(press, 'document.submit', { id: d.id });
		expect(status).toBe(400);
		expect(body.error.data.fieldErrors).toEqual({ planInterpreter: e.message });
		expect((await press.caller.document.byId({ id: d.id })).gate).toBe('planInterpreter');
		expect(await requestsOf(d.id)).toEqual([]);
		expect((await press.caller.document.byId({ id: d.id })).status).toBe('drafting');
	});

	it('counts a plan without its approach as no plan, even with a material attached', async () => {
		const d = await press.caller.document.create(draft({ planApproach: '' }));
		await press.caller.document.attachMaterial(qa(d.id));
		const e = await refusal(press.caller.document.submit({ id: d.id }));
		expect((e as FieldError).field).toBe('planInterpreter');
		expect(await requestsOf(d.id)).toEqual([]);
	});

	it('refuses a plan without any material, on 解读材料', async () => {
		const d = await press.caller.document.create(draft());
		const e = await refusal(press.caller.document.submit({ id: d.id }));
		expect(e).toBeInstanceOf(FieldError);
		expect((e as FieldError).field).toBe('materials');
		expect(e.message).toBe('「解读材料」至少需要一份：文件须与解读材料同步送审签，或填写免于解读的理由');
		const { body } = await postAs(press, 'document.submit', { id: d.id });
		expect(body.error.data.fieldErrors).toEqual({ materials: e.message });
		expect(await requestsOf(d.id)).toEqual([]);

		// A material removed from the package no longer counts.
		const m = await press.caller.document.attachMaterial(qa(d.id));
		await press.caller.document.removeMaterial({ id: d.id, materialId: m.id });
		expect(((await refusal(press.caller.document.submit({ id: d.id }))) as FieldError).field).toBe('materials');
	});

	it('lets an exemption with its reason through, with nothing but the document in the bundle', async () => {
		const d = await press.caller.document.create(draft({ ...NO_PLAN, exemptionReason: '仅涉及机关内部管理事项，不需要解读' }));
		expect((await press.caller.document.byId({ id: d.id })).gate).toBeNull();
		const sent = await press.caller.document.submit({ id: d.id });
		expect(sent).toMatchObject({ status: 'submitted', stage: 'awaiting_signoff', exemptionReason: '仅涉及机关内部管理事项，不需要解读' });
		const [request] = await requestsOf(d.id);
		expect(request).toMatchObject({ status: 'open', covers: { document: d.hash } });
		expect(request!.versionHash).toBe((await press.caller.document.byId({ id: d.id })).bundleHash);
	});

	it('sends the document with its plan and materials up together, to the leader in charge', async () => {
		const d = await submitted(press, 2);
		expect(d).toMatchObject({ status: 'submitted', stage: 'awaiting_signoff', gate: null });
		expect(d.requests).toMatchObject([{ seat: 'sign', unitId: city.deptA.id, versionHash: d.bundleHash, state: 'open' }]);
		const [request] = await requestsOf(d.id);
		expect(request!.covers).toEqual({ document: d.hash, ...Object.fromEntries(d.materials.map((m) => [`material:${m.id}`, m.hash])) });
		expect(d.timeline.map((e) => e.kind)).toContain('document.submitted');
		expect((await viceMayor.caller.document.byId({ id: d.id })).can.sign).toEqual([d.requests[0]!.id]);
	});
});

describe('one sign-off covers the bundle, and any change voids it', () => {
	it('records the bundle hash and every part’s hash; an edit to one material voids it, and publishing is refused', async () => {
		const d = await submitted(press, 2);
		const q = await myRequest(viceMayor, d.id);
		const view = await viceMayor.caller.document.signoffView({ id: d.id, requestId: q.id });
		expect(view).toMatchObject({ stale: false, mayDecide: true, covers: { document: d.hash } });
		expect(view.materials.map((m) => m.id)).toEqual(d.materials.map((m) => m.id));

		const approved = await viceMayor.caller.document.approve({ id: d.id, requestId: q.id, versionHash: q.versionHash, proof: PASSWORD });
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
		expect(approval!.voidReason).toBe(`解读材料“${m2!.title}”已修改，原签发失效`);
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

		const voided = await refusal(viceMayor.caller.document.approve({ id: d.id, requestId: old.id, versionHash: old.versionHash, proof: PASSWORD }));
		expect(voided).toBeInstanceOf(ConflictError);
		expect(voided.message).toBe('该签发请求已失效（稿件已修改、撤回或被驳回）');
		expect(await approvalsOf(d.id)).toEqual([]);

		// Sent again: the leader's screen still showing the old bundle cannot sign the new request.
		await press.caller.document.submit({ id: d.id });
		const fresh = await myRequest(viceMayor, d.id);
		expect(fresh.id).not.toBe(old.id);
		expect(fresh.versionHash).not.toBe(old.versionHash);
		const stale = await refusal(viceMayor.caller.document.approve({ id: d.id, requestId: fresh.id, versionHash: old.versionHash, proof: PASSWORD }));
		expect(stale).toBeInstanceOf(FieldError);
		expect((stale as FieldError).field).toBe('versionHash');
		expect(await approvalsOf(d.id)).toEqual([]);
		expect((await requestsOf(d.id)).find((q) => q.id === fresh.id)!.status).toBe('open');

		const signed = await viceMayor.caller.document.approve({ id: d.id, requestId: fresh.id, versionHash: fresh.versionHash, proof: PASSWORD });
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

describe('disclosure at the source', () => {
	it('refuses a withheld document without its reason, on 不予公开的理由, and stores nothing', async () => {
		const input = draft({ disclosure: 'withheld', withheldReason: '   ' });
		const e = await refusal(press.caller.document.create(input));
		expect(e).toBeInstanceOf(FieldError);
		expect((e as FieldError).field).toBe('withheldReason');
		expect(e.message).toBe('「不予公开的理由」必须填写：不予公开须说明法定理由');
		const { status, body } = await postAs(press, 'document.create', input);
		expect(status).toBe(400);
		expect(body.error.data.fieldErrors).toEqual({ withheldReason: e.message });
		expect(await sql`select 1 from document_versions where title = ${input.title}`).toHaveLength(0);

		// Nor can a proactive document be turned withheld without one.
		const d = await press.caller.document.create(draft());
		const edit = await refusal(press.caller.document.update({ ...draft({ title: d.title }), id: d.id, baseVersion: 1, disclosure: 'withheld' }));
		expect((edit as FieldError).field).toBe('withheldReason');
		expect((await press.caller.document.byId({ id: d.id })).disclosure).toBe('proactive');
	});

	it('keeps a withheld document from the interpreting unit when it is another unit, and shows it a proactive one', async () => {
		const withheld = await press.caller.document.create(
			draft({ disclosure: 'withheld', withheldReason: '涉及国家秘密（《保密法》）', interpretingUnitId: city.deptB.id })
		);
		const proactive = await press.caller.document.create(draft({ interpretingUnitId: city.deptB.id }));
		expect(withheld).toMatchObject({ disclosure: 'withheld', interpretingUnitId: city.deptB.id, unitId: city.deptA.id });

		const e = await refusal(pressB.caller.document.byId({ id: withheld.id }));
		expect(e.code).toBe('NOT_FOUND');
		expect(e.message).toBe('未找到该记录，或您无权查看');
		expect((await pressB.caller.document.byId({ id: proactive.id })).interpretingUnitName).toBe(city.deptB.name);
		const listed = (await pressB.caller.document.list()).map((x) => x.id);
		expect(listed).toContain(proactive.id);
		expect(listed).not.toContain(withheld.id);
		// The drafting unit and the office above see both.
		expect((await director.caller.document.byId({ id: withheld.id })).disclosure).toBe('withheld');
		expect((await officeAdmin.caller.document.list()).map((x) => x.id)).toEqual(expect.arrayContaining([withheld.id, proactive.id]));
	});

	it('serves a withheld document’s files only within the drafting unit’s reach, and a proactive one’s to the interpreting unit', async () => {
		const [secretText, secretGraphic, openText, openGraphic] = await Promise.all([
			upload(press, '内部文件.pdf'),
			upload(press, '内部图解.png', samplePng()),
			upload(press, '公开文件.pdf'),
			upload(press, '一图读懂.png', samplePng())
		]);
		const withheld = await press.caller.document.create(
			draft({ disclosure: 'withheld', withheldReason: '涉及国家秘密', interpretingUnitId: city.deptB.id, fileIds: [secretText.id] })
		);
		await press.caller.document.attachMaterial({ id: withheld.id, kind: 'graphic', title: '图解', fileIds: [secretGraphic.id] });
		const proactive = await press.caller.document.create(draft({ interpretingUnitId: city.deptB.id, fileIds: [openText.id] }));
		await press.caller.document.attachMaterial({ id: proactive.id, kind: 'graphic', title: '图解', fileIds: [openGraphic.id] });

		const may = async (s: SignedIn, id: string) => (await fileAccess(s.user, id))?.id === id;
		expect(await may(pressB, secretText.id)).toBe(false);
		expect(await may(pressB, secretGraphic.id)).toBe(false);
		expect(await may(pressB, openText.id)).toBe(true);
		expect(await may(pressB, openGraphic.id)).toBe(true);
		// Within the drafting unit's reach, not the uploader, both are served.
		expect(await may(director, secretText.id)).toBe(true);
		expect(await may(director, secretGraphic.id)).toBe(true);
		expect(await may(pressC, openText.id)).toBe(false);
	});

	it('does not open another unit’s withheld file to someone who attaches its id to their own document', async () => {
		const secret = await upload(press, '不予公开的附件.pdf');
		await press.caller.document.create(draft({ disclosure: 'withheld', withheldReason: '涉及国家秘密', fileIds: [secret.id] }));
		expect(await fileAccess(pressB.user, secret.id)).toBeNull();

		const attempt = await pressB.caller.document.create(draft({ fileIds: [secret.id] })).then(
			() => null,
			(e: unknown) => e
		);
		expect(await fileAccess(pressB.user, secret.id)).toBeNull();
		expect(attempt).toBeInstanceOf(FieldError);
		expect((attempt as FieldError).field).toBe('fileIds');
	});
});

describe('who may draft, see, review and sign', () => {
	it('does not let a duty officer draft a document', async () => {
		const input = draft();
		const e = await refusal(duty.caller.document.create(input));
		expect(e.code).toBe('FORBIDDEN');
		expect(e.message).toBe('您没有权限执行此操作');
		expect(await sql`select 1 from document_versions where title = ${input.title}`).toHaveLength(0);
	});

	it('hides a proactive document of the bureau from another department’s press officer', async () => {
		const d = await submitted(press, 1);
		const attempts: (() => Promise<unknown>)[] = [
			() => pressB.caller.document.byId({ id: d.id }),
			() => pressB.caller.document.signoffView({ id: d.id, requestId: d.requests[0]!.id }),
			() => pressB.caller.document.update({ ...draft(), id: d.id, baseVersion: 1 }),
			() => pressB.caller.document.attachMaterial(qa(d.id, '越权添加')),
			() => pressB.caller.document.submit({ id: d.id })
		];
		for (const attempt of attempts) {
			const e = await refusal(attempt());
			expect(e.code).toBe('NOT_FOUND');
		}
		expect((await pressB.caller.document.list()).map((x) => x.id)).not.toContain(d.id);
		expect((await press.caller.document.byId({ id: d.id })).materials).toHaveLength(1);
	});

	it('lets only the chain’s confidentiality reviewer review, and then the leader is asked', async () => {
		await officeAdmin.caller.release.setChain({ unitId: deptC.id, confidentialityReviewerIds: [reviewerC.id], countersignUnitIds: [], signoffHours: 2 });
		const d = await submitted(pressC, 1);
		expect(d).toMatchObject({ status: 'submitted', stage: 'in_review', requests: [] });
		expect((await reviewer.caller.document.byId({ id: d.id })).can.review).toBe(true);
		expect((await pressC.caller.document.byId({ id: d.id })).can.review).toBe(false);
		const versionHash = (await reviewer.caller.document.byId({ id: d.id })).bundleHash;

		for (const who of [pressC, leaderC, officeAdmin]) {
			const e = await refusal(who.caller.document.review({ id: d.id, version: 1, versionHash, decision: 'passed' }));
			expect(e.code).toBe('FORBIDDEN');
		}
		expect((await refusal(pressB.caller.document.review({ id: d.id, version: 1, versionHash, decision: 'passed' }))).code).toBe('NOT_FOUND');
		// A review of a package that changed since the reviewer's screen showed it is refused.
		expect((await refusal(reviewer.caller.document.review({ id: d.id, version: 1, versionHash: 'f'.repeat(64), decision: 'passed' }))).code).toBe('BAD_REQUEST');
		expect((await pressC.caller.document.byId({ id: d.id })).stage).toBe('in_review');

		const passed = await reviewer.caller.document.review({ id: d.id, version: 1, versionHash, decision: 'passed' });
		expect(passed).toMatchObject({ status: 'submitted', stage: 'awaiting_signoff' });
		const shown = await pressC.caller.document.byId({ id: d.id });
		expect(shown.reviews).toMatchObject([{ decision: 'passed', reviewerName: '保密员老许', versionHash: d.bundleHash }]);
		expect(shown.requests).toMatchObject([{ seat: 'sign', unitId: deptC.id, versionHash: d.bundleHash, state: 'open' }]);
		expect((await approveWithPassword(leaderC, d.id)).status).toBe('signed');
	});

	it('refuses an approval by a press officer, or by a leader who is not the named leader in charge', async () => {
		const d = await submitted(press, 1);
		const q = d.requests[0]!;
		for (const who of [press, deputy]) {
			const e = await refusal(who.caller.document.approve({ id: d.id, requestId: q.id, versionHash: q.versionHash, proof: PASSWORD }));
			expect(e.code).toBe('FORBIDDEN');
			expect(e.message).toBe('您没有权限执行此操作');
		}
		expect((await press.caller.document.byId({ id: d.id })).can.sign).toEqual([]);
		expect((await refusal(pressB.caller.document.approve({ id: d.id, requestId: q.id, versionHash: q.versionHash, proof: PASSWORD }))).code).toBe('NOT_FOUND');
		expect(await approvalsOf(d.id)).toEqual([]);
		expect((await requestsOf(d.id))[0]!.status).toBe('open');
		// The unit's principal may sign in the leader's stead.
		expect((await approveWithPassword(director, d.id)).status).toBe('signed');
		expect(await approvalsOf(d.id)).toMatchObject([{ personId: city.people.director.id, factor: 'password' }]);
	});

	it('refuses an approval with a wrong password, and the request stays open', async () => {
		const d = await submitted(press, 1);
		const q = d.requests[0]!;
		const e = await refusal(viceMayor.caller.document.approve({ id: d.id, requestId: q.id, versionHash: q.versionHash, proof: { kind: 'password', password: 'wrong-password' } }));
		expect((e as FieldError).field).toBe('proof');
		expect(e.message).toContain('身份验证');
		expect(await approvalsOf(d.id)).toEqual([]);
		expect((await requestsOf(d.id))[0]!.status).toBe('open');
	});
});

describe('a second tap on "create"', () => {
	it('makes one document for one client key, and hands back the first', async () => {
		const clientKey = randomUUID();
		const input = draft({ clientKey });
		const first = await press.caller.document.create(input);
		const again = await press.caller.document.create(input);
		expect(again.id).toBe(first.id);
		expect(again.hash).toBe(first.hash);
		expect(await sql`select 1 from documents where client_key = ${clientKey}`).toHaveLength(1);
		expect(await sql`select 1 from document_versions where document_id = ${first.id}`).toHaveLength(1);
		expect(await sql`select 1 from audit_log where action = 'document.created' and entity_id = ${first.id}`).toHaveLength(1);
	});

	it('makes one document when the two taps arrive at once', async () => {
		const clientKey = randomUUID();
		const input = draft({ clientKey });
		const [a, b] = await Promise.all([press.caller.document.create(input), press.caller.document.create(input)]);
		expect(a.id).toBe(b.id);
		expect(await sql`select 1 from documents where client_key = ${clientKey}`).toHaveLength(1);
		expect(await sql`select 1 from document_versions where document_id = ${a.id}`).toHaveLength(1);
	});

	it('keeps another person’s document with the same key apart', async () => {
		const clientKey = randomUUID();
		const mine = await press.caller.document.create(draft({ clientKey }));
		const theirs = await pressB.caller.document.create(draft({ clientKey }));
		expect(theirs.id).not.toBe(mine.id);
		expect(theirs.unitId).toBe(city.deptB.id);
		expect(await sql`select 1 from documents where client_key = ${clientKey}`).toHaveLength(2);
	});
});
