// The people and units the release and sign-off specs share, signed in, with the steps they take often. Test code:
// imported only by *.spec.ts files (its bindings are filled by setUpReleaseWorld in their beforeAll).
import { expect } from 'vitest';
import type { Text } from '../../i18n/index.ts';
import { toIso } from '../../time.ts';
import { sql } from '../db.ts';
import { SoftAuthenticator } from '../passkeys/test-authenticator.ts';
import { makePerson, makeProvince, makeUnit, signInAs, TEST_PASSWORD, type SignedIn } from '../test-helpers.ts';
import { createCaller } from '../trpc/root.ts';
import type { PersonRow } from '../people/queries.ts';
import type { UnitRow } from '../units/queries.ts';
import { inChinese } from '../notify/test-notices.ts';

export const ORIGIN = 'https://huiying.example.gov.cn';
export const HOUR = 3_600_000;
export const PASSWORD = { kind: 'password' as const, password: TEST_PASSWORD };

export let city: Awaited<ReturnType<typeof makeProvince>>;
export let deptC: UnitRow, deptD: UnitRow, deptE: UnitRow;
export let reviewerC: PersonRow;
// deptA: the vice-mayor is its named leader in charge, the director its principal; the deputy holds the role only.
export let press: SignedIn, viceMayor: SignedIn, director: SignedIn, deputy: SignedIn, officeAdmin: SignedIn;
// deptB: two leaders and no named leader in charge, so either may sign.
export let pressB: SignedIn, leaderB1: SignedIn, leaderB2: SignedIn;
// deptC has a confidentiality reviewer; deptD countersigns with deptB; deptE's leader signs with a passkey.
export let pressC: SignedIn, leaderC: SignedIn, reviewer: SignedIn;
export let pressD: SignedIn, leaderD: SignedIn;
export let pressE: SignedIn;
export let leaderE: SignedIn & { phone: SoftAuthenticator; api: ReturnType<typeof createCaller> };

/** The world every release and sign-off spec works in: call it from beforeAll. */
export async function setUpReleaseWorld() {
	city = await makeProvince();
	deptC = await makeUnit('江城市交通运输局', city.government.id);
	deptD = await makeUnit('江城市生态环境局', city.government.id);
	deptE = await makeUnit('江城市公安局', city.government.id);
	[reviewerC] = await Promise.all([
		makePerson(deptC.id, ['duty'], { username: 'secret-c', name: '保密员老许' }),
		makePerson(deptE.id, ['press_officer'], { username: 'press-e', name: '蒋宣传' }),
		makePerson(city.deptB.id, ['leader'], { username: 'leader-b1', name: '林副主任' }),
		makePerson(city.deptB.id, ['leader'], { username: 'leader-b2', name: '郑副主任' }),
		makePerson(deptC.id, ['press_officer'], { username: 'press-c', name: '冯宣传' }),
		makePerson(deptC.id, ['leader'], { username: 'leader-c', name: '何副局长' }),
		makePerson(deptD.id, ['press_officer'], { username: 'press-d', name: '沈宣传' }),
		makePerson(deptD.id, ['leader'], { username: 'leader-d', name: '曹副局长' }),
		makePerson(deptE.id, ['leader'], { username: 'leader-e', name: '彭副局长' })
	]);
	[press, viceMayor, director, deputy, officeAdmin, pressB, leaderB1, leaderB2, pressC, leaderC, reviewer, pressD, leaderD, pressE] = await Promise.all([
		signInAs('press-a'),
		signInAs('vice-mayor'),
		signInAs('director-a'),
		signInAs('deputy-a'),
		signInAs('office-admin'),
		signInAs('press-b'),
		signInAs('leader-b1'),
		signInAs('leader-b2'),
		signInAs('press-c'),
		signInAs('leader-c'),
		signInAs('secret-c'),
		signInAs('press-d'),
		signInAs('leader-d'),
		signInAs('press-e')
	]);
	const e = await signInAs('leader-e');
	leaderE = { ...e, phone: new SoftAuthenticator(), api: createCaller({ user: e.user, session: e.session, actor: e.actor, origin: ORIGIN }) };
}

export let serial = 0;
export function draft(overrides: Partial<Parameters<SignedIn['caller']['release']['create']>[0]> = {}) {
	serial += 1;
	return {
		kind: 'follow_up' as const,
		title: `关于江城化工园区事故的情况通报（${serial}）`,
		body: '**截至目前**，现场明火已扑灭。\n\n- 已疏散周边群众\n- 已封闭周边道路',
		talkingPoints: '伤亡情况以官方通报为准',
		channels: ['gov_website' as const, 'gov_weibo' as const],
		...overrides
	};
}

/** Drafted and submitted by `by`; the release as the drafter then sees it. */
export async function submitted(by: SignedIn, overrides: Parameters<typeof draft>[0] = {}) {
	const created = await by.caller.release.create(draft(overrides));
	await by.caller.release.submit({ id: created.id });
	return by.caller.release.byId({ id: created.id });
}

/** The one request `leader` may decide, as their release page offers it. */
export async function myRequest(leader: SignedIn, releaseId: string) {
	const r = await leader.caller.release.byId({ id: releaseId });
	expect(r.can.sign).toHaveLength(1);
	return r.requests.find((q) => q.id === r.can.sign[0])!;
}

export async function approveWithPassword(leader: SignedIn, releaseId: string) {
	const q = await myRequest(leader, releaseId);
	return leader.caller.signoff.approve({ kind: 'release', id: releaseId, requestId: q.id, versionHash: q.versionHash, proof: PASSWORD });
}

export const approvalsOf = (releaseId: string) =>
	sql<{ requestId: string; personId: string; factor: string; passkeyId: string | null; versionHash: string; voidedAt: Date | null; voidReason: Text | null }[]>`
		select request_id, person_id, factor, passkey_id, version_hash, voided_at, void_reason from approvals where release_id = ${releaseId} order by at`;

export const requestsOf = (releaseId: string) =>
	sql<{ id: string; seat: string; unitId: string; status: string; versionHash: string; reason: Text | null; createdAt: Date; expiresAt: Date; decidedBy: string | null }[]>`
		select id, seat, unit_id, status, version_hash, reason, created_at, expires_at, decided_by from signoff_requests
		where release_id = ${releaseId} order by created_at, seat desc`;

export const noticesAbout = async (releaseId: string, personId: string) =>
	inChinese(
		await sql<{ kind: string; urgency: string; title: unknown; body: unknown; url: string; acknowledgedAt: Date | null }[]>`
			select kind, urgency, title, body, url, acknowledged_at from notifications
			where subject = 'release' and subject_id = ${releaseId} and person_id = ${personId} order by created_at, id`
	);

export const publishNow = (by: SignedIn, id: string, at = new Date(Date.now() + 60_000)) =>
	by.caller.release.publish({ id, publications: [{ channel: 'gov_website', url: 'https://www.jiangcheng.gov.cn/tb/1.html', publishedAt: toIso(at) }] });
