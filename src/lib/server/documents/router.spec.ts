// Policy documents through the API, as the press office uses it: the gate that keeps a document without its
// interpretation package from sign-off (同步审签), disclosure at the source (a withheld document and its files stay with
// the drafting unit), who may draft, see, review and sign, and a second tap on "create" that makes one document. The
// bundle's sign-off is in signoff/document-bundle.spec.ts.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../db.ts';
import { FieldError } from '../errors.ts';
import { fileAccess, storeFile } from '../files/flows.ts';
import { localStore, type BlobStore } from '../files/store.ts';
import { postAs, refusal, type SignedIn } from '../test-helpers.ts';
import { samplePdf, samplePng } from '../../../../tests/support/sample-files.ts';
import {
	PASSWORD,
	NO_PLAN,
	qa,
	city,
	deptC,
	reviewerC,
	press,
	viceMayor,
	director,
	deputy,
	duty,
	officeAdmin,
	pressB,
	pressC,
	leaderC,
	reviewer,
	draft,
	submitted,
	approveWithPassword,
	approvalsOf,
	requestsOf,
	setUpDocumentWorld
} from './test-world.ts';

let dir: string;
let store: BlobStore;
beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'huiying-documents-'));
	store = localStore(dir);
	await setUpDocumentWorld();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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
		const listed = (await pressB.caller.document.list()).items.map((x) => x.id);
		expect(listed).toContain(proactive.id);
		expect(listed).not.toContain(withheld.id);
		// The drafting unit and the office above see both.
		expect((await director.caller.document.byId({ id: withheld.id })).disclosure).toBe('withheld');
		expect((await officeAdmin.caller.document.list()).items.map((x) => x.id)).toEqual(expect.arrayContaining([withheld.id, proactive.id]));
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
		expect((await pressB.caller.document.list()).items.map((x) => x.id)).not.toContain(d.id);
		expect((await press.caller.document.byId({ id: d.id })).materials).toHaveLength(1);
	});

	it('lets only the chain’s confidentiality reviewer review, and then the leader is asked', async () => {
		await officeAdmin.caller.signoff.setChain({ unitId: deptC.id, confidentialityReviewerIds: [reviewerC.id], countersignUnitIds: [], signoffHours: 2 });
		const d = await submitted(pressC, 1);
		expect(d).toMatchObject({ status: 'submitted', stage: 'in_review', requests: [] });
		expect((await reviewer.caller.document.byId({ id: d.id })).can.review).toBe(true);
		expect((await pressC.caller.document.byId({ id: d.id })).can.review).toBe(false);
		const versionHash = (await reviewer.caller.document.byId({ id: d.id })).bundleHash;

		for (const who of [pressC, leaderC, officeAdmin]) {
			const e = await refusal(who.caller.signoff.review({ kind: 'document', id: d.id, version: 1, versionHash, decision: 'passed' }));
			expect(e.code).toBe('FORBIDDEN');
		}
		expect((await refusal(pressB.caller.signoff.review({ kind: 'document', id: d.id, version: 1, versionHash, decision: 'passed' }))).code).toBe('NOT_FOUND');
		// A review of a package that changed since the reviewer's screen showed it is refused.
		expect((await refusal(reviewer.caller.signoff.review({ kind: 'document', id: d.id, version: 1, versionHash: 'f'.repeat(64), decision: 'passed' }))).code).toBe('BAD_REQUEST');
		expect((await pressC.caller.document.byId({ id: d.id })).stage).toBe('in_review');

		const passed = await reviewer.caller.signoff.review({ kind: 'document', id: d.id, version: 1, versionHash, decision: 'passed' });
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
			const e = await refusal(who.caller.signoff.approve({ kind: 'document', id: d.id, requestId: q.id, versionHash: q.versionHash, proof: PASSWORD }));
			expect(e.code).toBe('FORBIDDEN');
			expect(e.message).toBe('您没有权限执行此操作');
		}
		expect((await press.caller.document.byId({ id: d.id })).can.sign).toEqual([]);
		expect((await refusal(pressB.caller.signoff.approve({ kind: 'document', id: d.id, requestId: q.id, versionHash: q.versionHash, proof: PASSWORD }))).code).toBe('NOT_FOUND');
		expect(await approvalsOf(d.id)).toEqual([]);
		expect((await requestsOf(d.id))[0]!.status).toBe('open');
		// The unit's principal may sign in the leader's stead.
		expect((await approveWithPassword(director, d.id)).status).toBe('signed');
		expect(await approvalsOf(d.id)).toMatchObject([{ personId: city.people.director.id, factor: 'password' }]);
	});

	it('refuses an approval with a wrong password, and the request stays open', async () => {
		const d = await submitted(press, 1);
		const q = d.requests[0]!;
		const e = await refusal(viceMayor.caller.signoff.approve({ kind: 'document', id: d.id, requestId: q.id, versionHash: q.versionHash, proof: { kind: 'password', password: 'wrong-password' } }));
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
