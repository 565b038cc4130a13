// The people and units the document specs share, signed in, with the steps they take often. Test code: imported
// only by *.spec.ts files (its bindings are filled by setUpDocumentWorld in their beforeAll).
import { expect } from 'vitest';
import type { Text } from '../../i18n/index.ts';
import { toIso } from '../../time.ts';
import { sql } from '../db.ts';
import type { PersonRow } from '../people/queries.ts';
import { makePerson, makeProvince, makeUnit, signInAs, TEST_PASSWORD, type SignedIn } from '../test-helpers.ts';
import type { UnitRow } from '../units/queries.ts';

export const PASSWORD = { kind: 'password' as const, password: TEST_PASSWORD };

export let city: Awaited<ReturnType<typeof makeProvince>>;
export let deptC: UnitRow;
export let reviewerC: PersonRow;
// deptA: the vice-mayor is its named leader in charge, the director its principal; the deputy holds the role only.
export let press: SignedIn, viceMayor: SignedIn, director: SignedIn, deputy: SignedIn, duty: SignedIn, officeAdmin: SignedIn;
// deptB: another department, out of the bureau's reach.
export let pressB: SignedIn;
// deptC: its chain names a confidentiality reviewer.
export let pressC: SignedIn, leaderC: SignedIn, reviewer: SignedIn;

/** The world the document specs work in: call it from beforeAll. */
export async function setUpDocumentWorld() {
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
}

export type CreateInput = Parameters<SignedIn['caller']['document']['create']>[0];
export let serial = 0;
export function draft(overrides: Partial<CreateInput> = {}): CreateInput {
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

export const NO_PLAN = { planInterpreter: '', planApproach: '', planChannels: [], planTiming: '' };

export const qa = (id: string, title = '政策问答') => ({ id, kind: 'qa' as const, title, body: `问：${title}适用于哪些企业？答：本市行政区域内的生产经营单位。` });

/** Drafted by `by` with `materials` Q&A materials and submitted: the document as the drafter then sees it. */
export async function submitted(by: SignedIn, materials = 1, overrides: Partial<CreateInput> = {}) {
	const created = await by.caller.document.create(draft(overrides));
	for (let i = 1; i <= materials; i++) await by.caller.document.attachMaterial(qa(created.id, `政策问答${i}`));
	await by.caller.document.submit({ id: created.id });
	return by.caller.document.byId({ id: created.id });
}

/** The one request `leader` may decide, as their document page offers it. */
export async function myRequest(leader: SignedIn, documentId: string) {
	const d = await leader.caller.document.byId({ id: documentId });
	expect(d.can.sign).toHaveLength(1);
	return d.requests.find((q) => q.id === d.can.sign[0])!;
}

export async function approveWithPassword(leader: SignedIn, documentId: string) {
	const q = await myRequest(leader, documentId);
	return leader.caller.signoff.approve({ kind: 'document', id: documentId, requestId: q.id, versionHash: q.versionHash, proof: PASSWORD });
}

export const approvalsOf = (documentId: string) =>
	sql<{ requestId: string; personId: string; factor: string; versionHash: string; covers: Record<string, string> | null; voidedAt: Date | null; voidReason: Text | null }[]>`
		select request_id, person_id, factor, version_hash, covers, voided_at, void_reason from approvals where document_id = ${documentId} order by at`;

export const requestsOf = (documentId: string) =>
	sql<{ id: string; status: string; versionHash: string; covers: Record<string, string> | null }[]>`
		select id, status, version_hash, covers from signoff_requests where document_id = ${documentId} order by created_at, seat desc`;

export const publishNow = (by: SignedIn, id: string, withMaterials = true) =>
	by.caller.document.publish({ id, publishedAt: toIso(new Date(Date.now() + 60_000)), url: 'https://www.jiangcheng.gov.cn/zcwj/1.html', withMaterials });
