// Releases through the API, as the press office and the leaders' phones use it: drafting, review, sign-off of
// one exact version with a second factor, what voids a sign-off, two leaders at once, who may see and sign,
// publication against the incident's 5-hour clock, and a passkey approval signed by a software authenticator.
import { createHash, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../i18n/index.ts';
import { toIso } from '../../time.ts';
import { runClock } from '../clocks/flows.ts';
import { clocksOf } from '../clocks/queries.ts';
import { sql } from '../db.ts';
import { ConflictError, FieldError } from '../errors.ts';
import { SoftAuthenticator } from '../passkeys/test-authenticator.ts';
import {
	anonymousCaller,
	logMajorIncident,
	makePerson,
	makeProvince,
	makeUnit,
	postAs,
	refusal,
	signInAs,
	TEST_PASSWORD,
	type SignedIn
} from '../test-helpers.ts';
import { createCaller } from '../trpc/root.ts';
import type { PersonRow } from '../people/queries.ts';
import type { UnitRow } from '../units/queries.ts';

const ORIGIN = 'https://huiying.example.gov.cn';
const HOUR = 3_600_000;
const PASSWORD = { kind: 'password' as const, password: TEST_PASSWORD };

let city: Awaited<ReturnType<typeof makeProvince>>;
let deptC: UnitRow, deptD: UnitRow, deptE: UnitRow;
let reviewerC: PersonRow;
// deptA: the vice-mayor is its named leader in charge, the director its principal; the deputy holds the role only.
let press: SignedIn, viceMayor: SignedIn, director: SignedIn, deputy: SignedIn, officeAdmin: SignedIn;
// deptB: two leaders and no named leader in charge, so either may sign.
let pressB: SignedIn, leaderB1: SignedIn, leaderB2: SignedIn;
// deptC has a confidentiality reviewer; deptD countersigns with deptB; deptE's leader signs with a passkey.
let pressC: SignedIn, leaderC: SignedIn, reviewer: SignedIn;
let pressD: SignedIn, leaderD: SignedIn;
let pressE: SignedIn;
let leaderE: SignedIn & { phone: SoftAuthenticator; api: ReturnType<typeof createCaller> };

beforeAll(async () => {
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
});

let serial = 0;
function draft(overrides: Partial<Parameters<SignedIn['caller']['release']['create']>[0]> = {}) {
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
async function submitted(by: SignedIn, overrides: Parameters<typeof draft>[0] = {}) {
	const created = await by.caller.release.create(draft(overrides));
	await by.caller.release.submit({ id: created.id });
	return by.caller.release.byId({ id: created.id });
}

/** The one request `leader` may decide, as their release page offers it. */
async function myRequest(leader: SignedIn, releaseId: string) {
	const r = await leader.caller.release.byId({ id: releaseId });
	expect(r.can.sign).toHaveLength(1);
	return r.requests.find((q) => q.id === r.can.sign[0])!;
}

async function approveWithPassword(leader: SignedIn, releaseId: string) {
	const q = await myRequest(leader, releaseId);
	return leader.caller.release.approve({ id: releaseId, requestId: q.id, versionHash: q.versionHash, proof: PASSWORD });
}

const approvalsOf = (releaseId: string) =>
	sql<{ requestId: string; personId: string; factor: string; passkeyId: string | null; versionHash: string; voidedAt: Date | null; voidReason: string | null }[]>`
		select request_id, person_id, factor, passkey_id, version_hash, voided_at, void_reason from approvals where release_id = ${releaseId} order by at`;

const requestsOf = (releaseId: string) =>
	sql<{ id: string; seat: string; unitId: string; status: string; versionHash: string; reason: string | null; createdAt: Date; expiresAt: Date; decidedBy: string | null }[]>`
		select id, seat, unit_id, status, version_hash, reason, created_at, expires_at, decided_by from signoff_requests
		where release_id = ${releaseId} order by created_at, seat desc`;

const noticesAbout = (releaseId: string, personId: string) =>
	sql<{ kind: string; urgency: string; title: string; body: string; url: string; acknowledgedAt: Date | null }[]>`
		select kind, urgency, title, body, url, acknowledged_at from notifications
		where subject = 'release' and subject_id = ${releaseId} and person_id = ${personId} order by created_at, id`;

const publishNow = (by: SignedIn, id: string, at = new Date(Date.now() + 60_000)) =>
	by.caller.release.publish({ id, publications: [{ channel: 'gov_website', url: 'https://www.jiangcheng.gov.cn/tb/1.html', publishedAt: toIso(at) }] });

describe('drafting', () => {
	it('stores the text without scripts or handlers, hashed, as version 1, and renders only Markdown-lite', async () => {
		const created = await press.caller.release.create(
			draft({ title: '<b>通报</b>：储罐爆炸', body: '<script>fetch("/api")</script>**现场**已控制<img src=x onerror=alert(1)>', talkingPoints: '<a onclick="x()">口径</a>' })
		);
		expect(created).toMatchObject({ status: 'draft', version: 1, title: '通报：储罐爆炸', body: '**现场**已控制', talkingPoints: '口径', createdByName: '陈宣传' });
		expect(created.hash).toMatch(/^[0-9a-f]{64}$/);
		expect(created.code).toBe(created.hash.slice(0, 4).toUpperCase());

		const [stored] = await sql<{ body: string; hash: string }[]>`select body, hash from release_versions where release_id = ${created.id}`;
		expect(stored).toEqual({ body: '**现场**已控制', hash: created.hash });
		const shown = await press.caller.release.byId({ id: created.id });
		expect(shown.html).toBe('<p><strong>现场</strong>已控制</p>\n');
		expect(shown.timeline.map((e) => e.kind)).toEqual(['release.created']);
		expect(shown.can).toMatchObject({ edit: true, submit: true, publish: false, sign: [] });
	});

	it('refuses a body that is empty once cleaned, naming the field', async () => {
		const { status, body } = await postAs(press, 'release.create', draft({ body: '<script>alert(1)</script>  ' }));
		expect(status).toBe(400);
		expect(body.error.data.fieldErrors).toEqual({ body: '「正文」必须填写' });
	});

	it('refuses an incident outside the drafter’s reach', async () => {
		const { incident } = await logMajorIncident(city.people.press, city.deptA.id, new Date(Date.now() - HOUR), new Date());
		const { body } = await postAs(pressB, 'release.create', draft({ kind: 'authoritative', incidentId: incident.id }));
		expect(body.error.data.fieldErrors).toEqual({ incidentId: t('error.invalid_choice', { field: t('field.incidentId') }) });
		expect((await press.caller.release.list({ status: null, incidentId: incident.id, conferenceId: null, limit: 100 }))).toEqual([]);
	});

	it('asks for a conference for an opening statement', async () => {
		const e = await refusal(press.caller.release.create(draft({ kind: 'opening_statement' })));
		expect(e).toBeInstanceOf(FieldError);
		expect((e as FieldError).field).toBe('conferenceId');
	});

	it('is for the press office: a leader cannot draft', async () => {
		expect((await refusal(viceMayor.caller.release.create(draft()))).code).toBe('FORBIDDEN');
		expect((await refusal(anonymousCaller().release.create(draft()))).code).toBe('UNAUTHORIZED');
	});

	it('saves each edit as a new version with its hash, and refuses an edit made on an old version', async () => {
		const created = await press.caller.release.create(draft());
		const saved = await press.caller.release.update({ id: created.id, baseVersion: 1, ...draft({ title: created.title, body: '现场明火已扑灭。' }) });
		expect(saved).toMatchObject({ version: 2, changed: true, voided: 0, body: '现场明火已扑灭。' });
		expect(saved.versionHash).toBe(saved.hash);
		expect(saved.versionHash).not.toBe(created.hash);

		// Saving the same text again makes no version.
		const same = await press.caller.release.update({ id: created.id, baseVersion: 2, ...draft({ title: created.title, body: '现场明火已扑灭。' }) });
		expect(same).toMatchObject({ version: 2, changed: false, versionHash: saved.versionHash });

		const e = await refusal(press.caller.release.update({ id: created.id, baseVersion: 1, ...draft({ title: created.title, body: '另一人的修改' }) }));
		expect(e.code).toBe('CONFLICT');
		expect((e as ConflictError).existing).toMatchObject({ version: 2, body: '现场明火已扑灭。' });
		const { versions, diff } = await press.caller.release.byId({ id: created.id });
		expect(versions.map((v) => [v.number, v.hash])).toEqual([
			[1, created.hash],
			[2, saved.versionHash]
		]);
		expect(diff?.from).toBe(1);
	});

	it('shows what it answers beyond the drafter’s reach only as there, and keeps it through an edit', async () => {
		// The city office drafts for the emergency bureau a response to the health commission's item, at its conference on its incident.
		const { incident } = await logMajorIncident(city.people.pressB, city.deptB.id, new Date(Date.now() - HOUR), new Date(), '江城市医院停电');
		const soon = toIso(new Date(Date.now() + 4 * HOUR));
		const conference = await officeAdmin.caller.conference.create({ kind: 'briefing', title: '卫健委停电情况吹风会', incidentId: incident.id, unitId: city.deptB.id, plannedAt: soon });
		const item = await officeAdmin.caller.opinion.create({ clientKey: randomUUID(), source: 'weibo', summary: '网传医院停电致手术中断', firstSeenAt: toIso(new Date(Date.now() - HOUR)), type: 'rumour', unitId: city.deptB.id });
		const created = await officeAdmin.caller.release.create(
			draft({ kind: 'response', unitId: city.deptA.id, incidentId: incident.id, conferenceId: conference.id, opinionItemId: item.id })
		);
		const hidden = { incidentId: null, incidentHidden: true, incidentTitle: null, conferenceId: null, conferenceHidden: true, conferenceTitle: null, opinionItemId: null, opinionItemHidden: true, opinionSummary: null };
		const secrets = [incident.id, conference.id, item.id, '江城市医院停电', '卫健委停电情况吹风会', '网传医院停电致手术中断'];
		const shown = await press.caller.release.byId({ id: created.id });
		// Nor the incident's 24-hour clock that the conference's papers serve: not even when it is due.
		expect(shown).toMatchObject({ ...hidden, clock: null });
		const listed = (await press.caller.release.list()).find((r) => r.id === created.id);
		expect(listed).toMatchObject(hidden);

		// The release editor sends only the text: the links stay, and the answer names none of them.
		const saved = await press.caller.release.update({ id: created.id, baseVersion: 1, ...draft({ title: created.title, body: '医院已恢复供电。' }) });
		expect(saved).toMatchObject({ version: 2, changed: true, ...hidden });
		for (const answer of [shown, listed, saved]) for (const secret of secrets) expect(JSON.stringify(answer)).not.toContain(secret);
		expect(await officeAdmin.caller.release.byId({ id: created.id })).toMatchObject({
			incidentId: incident.id,
			incidentHidden: false,
			conferenceId: conference.id,
			conferenceHidden: false,
			opinionItemId: item.id,
			opinionItemHidden: false,
			body: '医院已恢复供电。',
			clock: { ruleName: '召开新闻发布会', label: '24小时' }
		});
	});

	it('keeps the hash when an unchanged draft is saved again as it was loaded', async () => {
		// The editor loads the stored body and sends it back untouched: that is not a new text.
		const created = await press.caller.release.create(draft({ body: '网页中的 &lt;b&gt;加粗&lt;/b&gt; 标记请勿照抄' }));
		const again = await press.caller.release.update({ id: created.id, baseVersion: 1, title: created.title, body: created.body, talkingPoints: created.talkingPoints, channels: created.channels });
		expect(again.changed).toBe(false);
		expect(again.versionHash).toBe(created.hash);
	});
});

describe('sign-off is bound to the version hash', () => {
	it('asks the leader in charge on their phone, and approving makes the release approved', async () => {
		const r = await submitted(press);
		expect(r.status).toBe('awaiting_signoff');
		expect(r.requests).toMatchObject([{ seat: 'sign', unitId: city.deptA.id, versionHash: r.hash, state: 'open' }]);
		const request = r.requests[0]!;

		const inbox = await viceMayor.caller.inbox.list();
		expect(inbox[0]).toMatchObject({ title: `待签发：${r.title}`, url: `/releases/${r.id}/sign/${request.id}`, urgency: 'high' });
		expect(inbox[0]!.body).toContain(`版本 ${r.code}`);
		expect(await noticesAbout(r.id, city.people.viceMayor.id)).toMatchObject([{ kind: 'signoff' }]);

		const view = await viceMayor.caller.release.signoffView({ id: r.id, requestId: request.id });
		expect(view).toMatchObject({ mayDecide: true, hasPasskey: false, version: { number: 1, hash: r.hash, body: r.body } });
		expect(await viceMayor.caller.release.stepUp({ id: r.id, requestId: request.id })).toEqual({ passkeys: false });

		const approved = await viceMayor.caller.release.approve({ id: r.id, requestId: request.id, versionHash: r.hash, proof: PASSWORD });
		expect(approved.status).toBe('approved');
		expect(await approvalsOf(r.id)).toMatchObject([{ requestId: request.id, personId: city.people.viceMayor.id, factor: 'password', versionHash: r.hash, voidedAt: null }]);
		// The leader's notice is answered; the drafter hears it may go out.
		expect((await noticesAbout(r.id, city.people.viceMayor.id))[0]!.acknowledgedAt).not.toBeNull();
		expect(await noticesAbout(r.id, city.people.press.id)).toMatchObject([{ kind: 'alert', title: `已签发：${r.title}` }]);
		const [audited] = await sql`select actor_id, after from audit_log where action = 'release.approved' and entity_id = ${r.id}`;
		expect(audited).toMatchObject({ actorId: city.people.viceMayor.id, after: { factor: 'password', hash: r.hash } });
		expect((await press.caller.release.byId({ id: r.id })).can.publish).toBe(true);
	});

	it('voids the approval when the text is edited afterwards: back to draft, and publishing is refused', async () => {
		const r = await submitted(press);
		await approveWithPassword(viceMayor, r.id);

		const edited = await press.caller.release.update({ id: r.id, baseVersion: 1, title: r.title, body: r.body + '\n\n另有 2 人受伤。', talkingPoints: r.talkingPoints, channels: r.channels });
		expect(edited).toMatchObject({ status: 'draft', version: 2, changed: true });
		expect(edited.voided).toBeGreaterThanOrEqual(1);
		const [approval] = await approvalsOf(r.id);
		expect(approval!.voidedAt).not.toBeNull();
		expect(approval!.voidReason).toBe(`稿件已修改（版本 ${edited.code}），原签发失效`);

		const e = await refusal(publishNow(press, r.id));
		expect(e.code).toBe('BAD_REQUEST');
		expect(e.message).toBe('该稿件尚未签发，不能发布');
		expect(await sql`select 1 from release_publications where release_id = ${r.id}`).toHaveLength(0);
		const after = await press.caller.release.byId({ id: r.id });
		expect(after).toMatchObject({ status: 'draft', publishedAt: null });
		expect(after.approvals[0]!.voidedAt).not.toBeNull();

		// The new version needs a sign-off of its own, and that one can be published.
		await press.caller.release.submit({ id: r.id });
		const q = await myRequest(viceMayor, r.id);
		expect(q).toMatchObject({ version: 2, versionHash: edited.versionHash });
		await viceMayor.caller.release.approve({ id: r.id, requestId: q.id, versionHash: edited.versionHash, proof: PASSWORD });
		expect((await publishNow(press, r.id)).status).toBe('published');
	});

	it('voids the open request when the text is edited while it waits, so the old version cannot be signed', async () => {
		const r = await submitted(press);
		const old = r.requests[0]!;
		await press.caller.release.update({ id: r.id, baseVersion: 1, title: r.title, body: '改后的正文', talkingPoints: '', channels: [] });
		expect((await requestsOf(r.id))[0]).toMatchObject({ id: old.id, status: 'void' });
		expect((await noticesAbout(r.id, city.people.viceMayor.id))[0]!.acknowledgedAt).not.toBeNull();

		const e = await refusal(viceMayor.caller.release.approve({ id: r.id, requestId: old.id, versionHash: old.versionHash, proof: PASSWORD }));
		expect(e.code).toBe('CONFLICT');
		expect(e.message).toBe('该签发请求已失效（稿件已修改、撤回或被驳回）');
		expect(await approvalsOf(r.id)).toEqual([]);
	});

	it('refuses a hash other than the request’s, and nothing is approved', async () => {
		const r = await submitted(press);
		const q = r.requests[0]!;
		const other = createHash('sha256').update('另一个版本').digest('hex');
		const e = await refusal(viceMayor.caller.release.approve({ id: r.id, requestId: q.id, versionHash: other, proof: PASSWORD }));
		expect(e).toBeInstanceOf(FieldError);
		expect((e as FieldError).field).toBe('versionHash');
		expect(e.message).toBe('您看到的版本已不是最新：稿件已修改，请查看最新版本后再签发');
		expect((await requestsOf(r.id))[0]!.status).toBe('open');
		expect(await approvalsOf(r.id)).toEqual([]);
		expect((await press.caller.release.byId({ id: r.id })).status).toBe('awaiting_signoff');
	});
});

describe('approval needs a second factor', () => {
	it('refuses an approval without proof, naming 身份验证', async () => {
		const r = await submitted(press);
		const q = r.requests[0]!;
		const { status, body } = await postAs(viceMayor, 'release.approve', { id: r.id, requestId: q.id, versionHash: q.versionHash });
		expect(status).toBe(400);
		expect(body.error.data.code).toBe('BAD_REQUEST');
		expect(body.error.data.fieldErrors).toEqual({ proof: '「身份验证」必须填写' });
		const e = await refusal(viceMayor.caller.release.approve({ id: r.id, requestId: q.id, versionHash: q.versionHash } as never));
		expect(e.code).toBe('BAD_REQUEST');
		expect(await approvalsOf(r.id)).toEqual([]);
	});

	it('refuses a wrong password on the proof field, and the request stays open', async () => {
		const r = await submitted(press);
		const q = r.requests[0]!;
		const e = await refusal(viceMayor.caller.release.approve({ id: r.id, requestId: q.id, versionHash: q.versionHash, proof: { kind: 'password', password: 'wrong-password' } }));
		expect(e).toBeInstanceOf(FieldError);
		expect(e.code).toBe('BAD_REQUEST');
		expect((e as FieldError).field).toBe('proof');
		expect((await requestsOf(r.id))[0]!.status).toBe('open');
		expect(await approvalsOf(r.id)).toEqual([]);
		// The right password then goes through.
		expect((await viceMayor.caller.release.approve({ id: r.id, requestId: q.id, versionHash: q.versionHash, proof: PASSWORD })).status).toBe('approved');
	});

	it('says in Chinese that the 身份验证 failed when the password is wrong', async () => {
		const r = await submitted(press);
		const q = r.requests[0]!;
		const { status, body } = await postAs(director, 'release.approve', { id: r.id, requestId: q.id, versionHash: q.versionHash, proof: { kind: 'password', password: 'wrong-password' } });
		expect(status).toBe(400);
		expect(Object.keys(body.error.data.fieldErrors)).toEqual(['proof']);
		expect(body.error.message).toMatch(/[\u4e00-\u9fff]/);
		expect(body.error.message).toContain('身份验证');
	});
});

describe('a request lapses, and is used once', () => {
	it('refuses an expired request; the drafter renews it and the leader signs the new one', async () => {
		const r = await submitted(press);
		const old = r.requests[0]!;
		await sql`update signoff_requests set expires_at = now() - interval '1 minute' where id = ${old.id}`;

		const e = await refusal(viceMayor.caller.release.approve({ id: r.id, requestId: old.id, versionHash: old.versionHash, proof: PASSWORD }));
		expect(e.code).toBe('CONFLICT');
		expect(e.message).toBe('签发请求已过期，请联系起草人重新送签');
		const seen = await press.caller.release.byId({ id: r.id });
		expect(seen.requests[0]!.state).toBe('expired');
		expect(seen.can.renew).toBe(true);
		expect((await viceMayor.caller.release.byId({ id: r.id })).can.sign).toEqual([]);
		expect((await refusal(viceMayor.caller.release.renew({ id: r.id }))).code).toBe('FORBIDDEN');

		const renewed = await press.caller.release.renew({ id: r.id });
		expect(renewed.status).toBe('awaiting_signoff');
		const requests = await requestsOf(r.id);
		expect(requests.map((q) => q.status)).toEqual(['void', 'open']);
		expect(requests[0]!.reason).toBe('签发请求已过期，已重新发送');
		const fresh = requests[1]!;
		expect(fresh.expiresAt.getTime() - fresh.createdAt.getTime()).toBe(2 * HOUR);
		expect((await noticesAbout(r.id, city.people.viceMayor.id)).map((n) => n.url)).toEqual([`/releases/${r.id}/sign/${old.id}`, `/releases/${r.id}/sign/${fresh.id}`]);
		expect((await myRequest(viceMayor, r.id)).id).toBe(fresh.id);

		expect((await approveWithPassword(viceMayor, r.id)).status).toBe('approved');
		expect((await approvalsOf(r.id)).map((a) => a.requestId)).toEqual([fresh.id]);
	});

	it('renews nothing while the request is still open', async () => {
		const r = await submitted(press);
		const e = await refusal(press.caller.release.renew({ id: r.id }));
		expect(e.code).toBe('BAD_REQUEST');
		expect(e.message).toBe('没有已过期的签发请求');
		expect((await requestsOf(r.id)).map((q) => q.status)).toEqual(['open']);
	});

	it('refuses a request approved already, saying who decided it', async () => {
		const r = await submitted(press);
		const q = r.requests[0]!;
		await viceMayor.caller.release.approve({ id: r.id, requestId: q.id, versionHash: q.versionHash, proof: PASSWORD });
		const e = await refusal(viceMayor.caller.release.approve({ id: r.id, requestId: q.id, versionHash: q.versionHash, proof: PASSWORD }));
		expect(e.code).toBe('CONFLICT');
		expect(e.message).toBe('该签发请求已处理：已签发');
		expect((e as ConflictError).existing).toMatchObject({ status: 'approved', decidedBy: '刘副市长' });
		// The principal may sign for the unit too, but not a request already decided.
		const byDirector = await refusal(director.caller.release.approve({ id: r.id, requestId: q.id, versionHash: q.versionHash, proof: PASSWORD }));
		expect((byDirector as ConflictError).existing).toMatchObject({ decidedBy: '刘副市长' });
		expect(await approvalsOf(r.id)).toHaveLength(1);
	});
});

describe('two people at once', () => {
	it('lets exactly one of two leaders of the same unit approve; the other hears who did', async () => {
		const r = await submitted(pressB);
		const [q1, q2] = await Promise.all([myRequest(leaderB1, r.id), myRequest(leaderB2, r.id)]);
		expect(q1.id).toBe(q2.id);
		expect((await noticesAbout(r.id, leaderB1.user.id)).map((n) => n.kind)).toEqual(['signoff']);
		expect((await noticesAbout(r.id, leaderB2.user.id)).map((n) => n.kind)).toEqual(['signoff']);

		const results = await Promise.allSettled(
			[leaderB1, leaderB2].map((l) => l.caller.release.approve({ id: r.id, requestId: q1.id, versionHash: q1.versionHash, proof: PASSWORD }))
		);
		const fulfilled = results.filter((x) => x.status === 'fulfilled');
		const rejected = results.filter((x): x is PromiseRejectedResult => x.status === 'rejected');
		expect(fulfilled).toHaveLength(1);
		expect(rejected).toHaveLength(1);
		const e = rejected[0]!.reason as ConflictError;
		expect(e).toBeInstanceOf(ConflictError);
		expect(e.code).toBe('CONFLICT');

		const approvals = await approvalsOf(r.id);
		expect(approvals).toHaveLength(1);
		const winner = approvals[0]!.personId === leaderB1.user.id ? '林副主任' : '郑副主任';
		expect(e.existing).toMatchObject({ status: 'approved', decidedBy: winner });
		expect((await requestsOf(r.id))[0]).toMatchObject({ status: 'approved', decidedBy: approvals[0]!.personId });
		expect((await pressB.caller.release.byId({ id: r.id })).status).toBe('approved');
	});
	it('tells the second of two people saving the same version at once that it was edited meanwhile', async () => {
		const r = await press.caller.release.create(draft());
		const save = (who: SignedIn, body: string) => who.caller.release.update({ id: r.id, baseVersion: 1, title: r.title, body, talkingPoints: '', channels: [] });
		const results = await Promise.allSettled([save(press, '陈宣传的修改'), save(officeAdmin, '王市办的修改')]);
		const won = results.filter((x) => x.status === 'fulfilled');
		const lost = results.filter((x): x is PromiseRejectedResult => x.status === 'rejected');
		expect(won).toHaveLength(1);
		expect(lost).toHaveLength(1);
		const e = lost[0]!.reason as ConflictError;
		expect(e.code).toBe('CONFLICT');
		expect(e.message).toBe('在您编辑期间，稿件已被他人保存为新版本。您的修改仍在下方，请对照后再保存。');
		expect(e.existing).toMatchObject({ version: 2 });
		expect((await press.caller.release.byId({ id: r.id })).versions).toHaveLength(2);
	});

	it('never leaves a standing approval for the old text when an approval and an edit race', async () => {
		const r = await submitted(press);
		const q = r.requests[0]!;
		const [approval, edit] = await Promise.allSettled([
			viceMayor.caller.release.approve({ id: r.id, requestId: q.id, versionHash: q.versionHash, proof: PASSWORD }),
			press.caller.release.update({ id: r.id, baseVersion: 1, title: r.title, body: '抢在签发时改稿', talkingPoints: '', channels: [] })
		]);
		expect(edit.status).toBe('fulfilled');
		if (approval.status === 'rejected') expect((approval.reason as ConflictError).code).toBe('CONFLICT');
		const after = await press.caller.release.byId({ id: r.id });
		expect(after).toMatchObject({ status: 'draft', version: 2 });
		expect((await approvalsOf(r.id)).filter((a) => a.voidedAt === null)).toEqual([]);
		expect((await requestsOf(r.id)).filter((x) => x.status === 'open')).toEqual([]);
	});
});

describe('who may sign, and who may see', () => {
	it('refuses a press officer, and a leader who is not the named leader in charge', async () => {
		const r = await submitted(press);
		const q = r.requests[0]!;
		for (const who of [press, deputy]) {
			const e = await refusal(who.caller.release.approve({ id: r.id, requestId: q.id, versionHash: q.versionHash, proof: PASSWORD }));
			expect(e.code).toBe('FORBIDDEN');
			expect(e.message).toBe('您没有权限执行此操作');
		}
		expect((await press.caller.release.byId({ id: r.id })).can.sign).toEqual([]);
		expect((await refusal(press.caller.release.reject({ id: r.id, requestId: q.id, reason: '不同意' }))).code).toBe('FORBIDDEN');
		expect(await approvalsOf(r.id)).toEqual([]);
		expect((await requestsOf(r.id))[0]!.status).toBe('open');
	});

	it('lets the unit’s principal sign as well as its leader in charge', async () => {
		const r = await submitted(press);
		expect((await director.caller.release.byId({ id: r.id })).can.sign).toEqual([r.requests[0]!.id]);
		expect((await approveWithPassword(director, r.id)).status).toBe('approved');
		expect(await approvalsOf(r.id)).toMatchObject([{ personId: city.people.director.id, factor: 'password' }]);
	});

	it('hides the release from a leader of another department: not found, not listed, nothing to sign', async () => {
		const r = await submitted(press);
		const q = r.requests[0]!;
		const attempts: (() => Promise<unknown>)[] = [
			() => leaderB1.caller.release.byId({ id: r.id }),
			() => leaderB1.caller.release.signoffView({ id: r.id, requestId: q.id }),
			() => leaderB1.caller.release.stepUp({ id: r.id, requestId: q.id }),
			() => leaderB1.caller.release.approve({ id: r.id, requestId: q.id, versionHash: q.versionHash, proof: PASSWORD }),
			() => pressB.caller.release.update({ id: r.id, baseVersion: 1, title: '越权修改', body: '越权', talkingPoints: '', channels: [] })
		];
		for (const attempt of attempts) {
			const e = await refusal(attempt());
			expect(e.code).toBe('NOT_FOUND');
			expect(e.message).toBe('未找到该记录，或您无权查看');
		}
		expect((await leaderB1.caller.release.list()).map((x) => x.id)).not.toContain(r.id);
		expect((await pressB.caller.release.list()).map((x) => x.id)).not.toContain(r.id);
		// The city office and the vice-mayor above the bureau see it.
		expect((await officeAdmin.caller.release.list()).map((x) => x.id)).toContain(r.id);
		expect((await viceMayor.caller.release.list({ status: 'awaiting_signoff', incidentId: null, conferenceId: null, limit: 100 })).map((x) => x.id)).toContain(r.id);
		expect((await press.caller.release.byId({ id: r.id })).status).toBe('awaiting_signoff');
	});
});

describe('rejecting and flagging', () => {
	it('needs a reason to reject, on the reason field', async () => {
		const r = await submitted(press);
		const q = r.requests[0]!;
		for (const reason of ['', '   ']) {
			const e = await refusal(viceMayor.caller.release.reject({ id: r.id, requestId: q.id, reason }));
			expect(e).toBeInstanceOf(FieldError);
			expect((e as FieldError).field).toBe('reason');
			expect(e.message).toContain('「理由」');
		}
		const { body } = await postAs(viceMayor, 'release.reject', { id: r.id, requestId: q.id, reason: ' ' });
		expect(body.error.data.fieldErrors).toEqual({ reason: '「理由」必须填写：驳回或撤回须说明理由' });
		expect((await requestsOf(r.id))[0]!.status).toBe('open');
	});

	it('sends a rejected release back to the drafter with the reason, and it cannot be approved after', async () => {
		const r = await submitted(press);
		const q = r.requests[0]!;
		const reason = '伤亡数字须与卫健委核对后再发';
		const rejected = await viceMayor.caller.release.reject({ id: r.id, requestId: q.id, reason: `  ${reason} ` });
		expect(rejected).toMatchObject({ status: 'rejected', statusReason: reason });
		expect((await requestsOf(r.id))[0]).toMatchObject({ status: 'rejected', reason, decidedBy: city.people.viceMayor.id });
		expect(await noticesAbout(r.id, city.people.press.id)).toMatchObject([{ kind: 'alert', title: `已驳回：${r.title}`, body: `刘副市长驳回签发：${reason}`, url: `/releases/${r.id}` }]);

		const e = await refusal(viceMayor.caller.release.approve({ id: r.id, requestId: q.id, versionHash: q.versionHash, proof: PASSWORD }));
		expect(e.code).toBe('CONFLICT');
		expect(e.message).toBe('该签发请求已处理：已驳回');
		expect((await press.caller.release.byId({ id: r.id })).can).toMatchObject({ submit: true, edit: true, publish: false });

		// A corrected version goes round again.
		await press.caller.release.update({ id: r.id, baseVersion: 1, title: r.title, body: r.body + '\n\n伤亡数字经卫健委核对。', talkingPoints: '', channels: r.channels });
		expect((await press.caller.release.submit({ id: r.id })).status).toBe('awaiting_signoff');
		expect((await approveWithPassword(viceMayor, r.id)).status).toBe('approved');
	});

	it('tells the office above at once when a leader flags a request, and leaves it undecided', async () => {
		const r = await submitted(press);
		const q = r.requests[0]!;
		const flagged = await viceMayor.caller.release.flag({ id: r.id, requestId: q.id, note: '我没有安排过这篇稿件' });
		expect(flagged.status).toBe('awaiting_signoff');
		const officeNotices = await noticesAbout(r.id, city.people.officeAdmin.id);
		expect(officeNotices).toMatchObject([{ kind: 'alert', urgency: 'critical', title: `签发疑问：刘副市长对“${r.title}”有疑问`, url: `/releases/${r.id}` }]);
		expect(officeNotices[0]!.body).toContain('我没有安排过这篇稿件');
		// Not the bureau's own administrator, nor the province.
		expect(await noticesAbout(r.id, city.people.deptAdmin.id)).toEqual([]);
		expect(await noticesAbout(r.id, city.people.provinceAdmin.id)).toEqual([]);

		const shown = await press.caller.release.byId({ id: r.id });
		expect(shown.requests[0]).toMatchObject({ state: 'open', flagNote: '我没有安排过这篇稿件' });
		expect(shown.requests[0]!.flaggedAt).not.toBeNull();
		expect(shown.timeline.map((e) => e.kind)).toContain('release.signoff_flagged');
		expect((await refusal(press.caller.release.flag({ id: r.id, requestId: q.id, note: '' }))).code).toBe('FORBIDDEN');
	});
});

describe('confidentiality review', () => {
	beforeAll(async () => {
		await officeAdmin.caller.release.setChain({ unitId: deptC.id, confidentialityReviewerIds: [reviewerC.id], countersignUnitIds: [], signoffHours: 2 });
	});

	it('is set by the office only', async () => {
		const e = await refusal(pressC.caller.release.setChain({ unitId: deptC.id, confidentialityReviewerIds: [], countersignUnitIds: [], signoffHours: 2 }));
		expect(e.code).toBe('FORBIDDEN');
		expect(await officeAdmin.caller.release.chain({ unitId: deptC.id })).toMatchObject({ confidentialityReviewerIds: [reviewerC.id], countersignUnitIds: [], signoffHours: 2 });
	});

	it('goes to the reviewer first; only the reviewer passes it, and then the leader is asked', async () => {
		const r = await submitted(pressC);
		expect(r.status).toBe('in_review');
		expect(r.requests).toEqual([]);
		expect(await noticesAbout(r.id, reviewerC.id)).toMatchObject([{ kind: 'alert', title: `待保密审查：${r.title}` }]);
		expect(await noticesAbout(r.id, leaderC.user.id)).toEqual([]);
		expect((await reviewer.caller.release.byId({ id: r.id })).can.review).toBe(true);

		for (const who of [pressC, leaderC]) {
			expect((await refusal(who.caller.release.review({ id: r.id, version: 1, decision: 'passed' }))).code).toBe('FORBIDDEN');
		}
		const stale = await refusal(reviewer.caller.release.review({ id: r.id, version: 2, decision: 'passed' }));
		expect((stale as FieldError).field).toBe('version');
		const noReason = await refusal(reviewer.caller.release.review({ id: r.id, version: 1, decision: 'rejected' }));
		expect((noReason as FieldError).field).toBe('reason');
		expect((await pressC.caller.release.byId({ id: r.id })).status).toBe('in_review');

		const passed = await reviewer.caller.release.review({ id: r.id, version: 1, decision: 'passed' });
		expect(passed.status).toBe('awaiting_signoff');
		const shown = await pressC.caller.release.byId({ id: r.id });
		expect(shown.reviews).toMatchObject([{ decision: 'passed', reviewerName: '保密员老许', versionHash: r.hash }]);
		expect(shown.requests).toMatchObject([{ seat: 'sign', unitId: deptC.id, state: 'open' }]);
		expect(await noticesAbout(r.id, leaderC.user.id)).toMatchObject([{ kind: 'signoff' }]);
		expect((await refusal(reviewer.caller.release.review({ id: r.id, version: 1, decision: 'passed' }))).code).toBe('BAD_REQUEST');
		expect((await approveWithPassword(leaderC, r.id)).status).toBe('approved');
	});

	it('sends a release the reviewer rejects back to the drafter with the reason', async () => {
		const r = await submitted(pressC);
		const rejected = await reviewer.caller.release.review({ id: r.id, version: 1, decision: 'rejected', reason: '涉及未公开的调查细节' });
		expect(rejected).toMatchObject({ status: 'rejected', statusReason: '涉及未公开的调查细节' });
		expect(await noticesAbout(r.id, pressC.user.id)).toMatchObject([{ kind: 'alert', body: '保密员老许在保密审查中驳回：涉及未公开的调查细节' }]);
		expect(await requestsOf(r.id)).toEqual([]);
	});
});

describe('countersigning', () => {
	beforeAll(async () => {
		await officeAdmin.caller.release.setChain({ unitId: deptD.id, confidentialityReviewerIds: [], countersignUnitIds: [city.deptB.id], signoffHours: 2 });
	});

	it('opens a request for each seat, and approves the release only when both have signed', async () => {
		const r = await submitted(pressD);
		expect(r.status).toBe('awaiting_signoff');
		const requests = await requestsOf(r.id);
		expect(requests.map((q) => [q.seat, q.unitId, q.status])).toEqual([
			['sign', deptD.id, 'open'],
			['countersign', city.deptB.id, 'open']
		]);
		expect(await noticesAbout(r.id, leaderD.user.id)).toMatchObject([{ kind: 'signoff', url: `/releases/${r.id}/sign/${requests[0]!.id}` }]);
		expect(await noticesAbout(r.id, leaderB2.user.id)).toMatchObject([{ kind: 'signoff', url: `/releases/${r.id}/sign/${requests[1]!.id}` }]);
		expect((await noticesAbout(r.id, leaderB2.user.id))[0]!.body).toContain('会签');

		const afterSign = await approveWithPassword(leaderD, r.id);
		expect(afterSign.status).toBe('awaiting_signoff');
		expect((await refusal(publishNow(pressD, r.id))).message).toBe('该稿件尚未签发，不能发布');
		expect(await noticesAbout(r.id, pressD.user.id)).toEqual([]);

		// The commission's leader, in another department, sees the release because it is asked to countersign.
		const countersigned = await approveWithPassword(leaderB2, r.id);
		expect(countersigned.status).toBe('approved');
		expect((await approvalsOf(r.id)).map((a) => [a.requestId, a.personId])).toEqual([
			[requests[0]!.id, leaderD.user.id],
			[requests[1]!.id, leaderB2.user.id]
		]);
		expect(await noticesAbout(r.id, pressD.user.id)).toMatchObject([{ title: `已签发：${r.title}` }]);
		const audits = await sql<{ action: string }[]>`select action from audit_log where entity_id = ${r.id} and action like 'release.%' order by id`;
		expect(audits.map((a) => a.action)).toEqual(['release.created', 'release.submitted', 'release.approved', 'release.countersigned']);
		expect((await publishNow(pressD, r.id)).status).toBe('published');
	});

	it('shows the countersigning leader the release but not the incident it answers, which is beyond their reach', async () => {
		const { incident } = await logMajorIncident({ id: pressD.user.id, unitId: deptD.id }, deptD.id, new Date(), new Date(), '江城河段水体污染事件');
		const r = await submitted(pressD, { incidentId: incident.id });
		expect(r.incidentTitle).toBe('江城河段水体污染事件');
		const seen = await leaderB2.caller.release.byId({ id: r.id });
		expect(seen.title).toBe(r.title);
		expect(seen).toMatchObject({ incidentId: null, incidentHidden: true, incidentTitle: null });
		expect(JSON.stringify(seen)).not.toContain(incident.id);
		expect(JSON.stringify(seen)).not.toContain('江城河段水体污染事件');
		expect((await refusal(leaderB2.caller.incident.byId({ id: incident.id }))).code).toBe('NOT_FOUND');
	});

	it('does not let the countersigning unit’s press officer change, withdraw, renew or publish the release', async () => {
		const actions: Record<string, (id: string, r: Awaited<ReturnType<typeof submitted>>) => Promise<unknown>> = {
			update: (id, r) => pressB.caller.release.update({ id, baseVersion: 1, title: r.title, body: '别的部门改了正文', talkingPoints: '', channels: [] }),
			withdraw: (id) => pressB.caller.release.withdraw({ id, reason: '别的部门撤回' }),
			renew: async (id) => {
				await sql`update signoff_requests set expires_at = now() - interval '1 minute' where release_id = ${id}`;
				return pressB.caller.release.renew({ id });
			},
			publish: async (id) => {
				await approveWithPassword(leaderD, id);
				await approveWithPassword(leaderB1, id);
				return publishNow(pressB, id);
			}
		};
		const outcomes: Record<string, string> = {};
		const states: Record<string, string> = {};
		for (const [name, act] of Object.entries(actions)) {
			const r = await submitted(pressD);
			// Visible to the commission because it countersigns, but not theirs to act on: forbidden or not found.
			outcomes[name] = await act(r.id, r).then(
				() => 'done',
				(e: { code: string }) => (['FORBIDDEN', 'NOT_FOUND'].includes(e.code) ? 'refused' : e.code)
			);
			const still = await pressD.caller.release.byId({ id: r.id });
			states[name] = `${still.status} v${still.version}`;
		}
		expect(outcomes).toEqual({ update: 'refused', withdraw: 'refused', renew: 'refused', publish: 'refused' });
		expect(states).toEqual({ update: 'awaiting_signoff v1', withdraw: 'awaiting_signoff v1', renew: 'awaiting_signoff v1', publish: 'approved v1' });
	});

	it('does not let the countersigning unit sign the unit’s own seat', async () => {
		const r = await submitted(pressD);
		const [sign] = await requestsOf(r.id);
		const e = await refusal(leaderB1.caller.release.approve({ id: r.id, requestId: sign!.id, versionHash: sign!.versionHash, proof: PASSWORD }));
		expect(e.code).toBe('FORBIDDEN');
	});
});

describe('withdrawing', () => {
	it('needs a reason, voids the open requests and settles the leader’s notice', async () => {
		const r = await submitted(press);
		const q = r.requests[0]!;
		const e = await refusal(press.caller.release.withdraw({ id: r.id, reason: '  ' }));
		expect((e as FieldError).field).toBe('reason');

		const withdrawn = await press.caller.release.withdraw({ id: r.id, reason: '已由市政府统一发布' });
		expect(withdrawn).toMatchObject({ status: 'withdrawn', statusReason: '已由市政府统一发布' });
		expect(await requestsOf(r.id)).toMatchObject([{ status: 'void', reason: '稿件已撤回' }]);
		expect((await noticesAbout(r.id, city.people.viceMayor.id))[0]!.acknowledgedAt).not.toBeNull();

		const late = await refusal(viceMayor.caller.release.approve({ id: r.id, requestId: q.id, versionHash: q.versionHash, proof: PASSWORD }));
		expect(late.code).toBe('CONFLICT');
		expect(late.message).toBe('该签发请求已失效（稿件已修改、撤回或被驳回）');
		expect(await approvalsOf(r.id)).toEqual([]);
		const edit = await refusal(press.caller.release.update({ id: r.id, baseVersion: 1, title: r.title, body: '再改', talkingPoints: '', channels: [] }));
		expect(edit.message).toBe('该稿件已撤回');
	});
});

describe('publication and the 5-hour clock', () => {
	it('tells the leader how long is left, and lets the request run no longer than 2 hours', async () => {
		const { incident, fiveHour } = await logMajorIncident(city.people.press, city.deptA.id, new Date(Date.now() - HOUR), new Date());
		const r = await submitted(press, { kind: 'authoritative', incidentId: incident.id });
		const [q] = await requestsOf(r.id);
		expect(q!.expiresAt.getTime() - q!.createdAt.getTime()).toBe(2 * HOUR);
		expect(q!.expiresAt < fiveHour!.dueAt).toBe(true);
		const [notice] = await noticesAbout(r.id, city.people.viceMayor.id);
		expect(notice!.title.startsWith(`待签发：${r.title}（距5小时时限剩余 `)).toBe(true);
		expect(notice!.urgency).toBe('critical');
		expect((await press.caller.release.byId({ id: r.id })).clock).toMatchObject({ id: fiveHour!.id, label: '5小时', status: 'running' });
	});

	it('lets the request lapse at the deadline when that comes first', async () => {
		const { incident, fiveHour } = await logMajorIncident(city.people.press, city.deptA.id, new Date(Date.now() - 4 * HOUR), new Date());
		const r = await submitted(press, { kind: 'authoritative', incidentId: incident.id });
		const [q] = await requestsOf(r.id);
		expect(q!.expiresAt).toEqual(fiveHour!.dueAt);
		expect(r.requests[0]!.expiresAt).toBe(toIso(fiveHour!.dueAt));
	});

	it('meets the clock at the time of publication, on the incident’s timeline', async () => {
		const { incident, fiveHour } = await logMajorIncident(city.people.press, city.deptA.id, new Date(Date.now() - HOUR), new Date());
		const r = await submitted(press, { kind: 'authoritative', incidentId: incident.id });
		await approveWithPassword(viceMayor, r.id);
		const publishedAt = toIso(new Date(Date.now() + 60_000));
		const published = await press.caller.release.publish({
			id: r.id,
			publications: [
				{ channel: 'gov_weibo', url: null, publishedAt: toIso(new Date(Date.now() + 120_000)) },
				{ channel: 'gov_website', url: 'https://www.jiangcheng.gov.cn/tb/2.html', publishedAt }
			]
		});
		expect(published).toMatchObject({ status: 'published', publishedAt, satisfied: [{ id: fiveHour!.id, ruleName: '发布权威信息', status: 'satisfied' }] });

		const clock = (await clocksOf(sql, { type: 'incident', id: incident.id })).find((c) => c.id === fiveHour!.id)!;
		expect(clock.status).toBe('satisfied');
		expect(clock.satisfiedAt).toEqual(new Date(publishedAt));
		expect(clock.evidence).toMatchObject({ releaseId: r.id, hash: r.hash });

		const { timeline } = await press.caller.incident.byId({ id: incident.id });
		const kinds = timeline.map((e) => e.kind);
		expect(kinds).toEqual(expect.arrayContaining(['release.created', 'release.submitted', 'release.approved', 'release.published', 'clock.satisfied']));
		expect(timeline.find((e) => e.kind === 'clock.satisfied')!.at).toBe(publishedAt);
		expect(timeline.find((e) => e.kind === 'release.published')!.at).toBe(publishedAt);

		const shown = await press.caller.release.byId({ id: r.id });
		expect(shown.publications.map((p) => [p.channel, p.publishedAt])).toEqual([
			['gov_website', publishedAt],
			['gov_weibo', toIso(new Date(Date.parse(publishedAt) + 60_000))]
		]);
		expect(shown.clock).toMatchObject({ status: 'satisfied', satisfiedAt: publishedAt });
		expect((await refusal(publishNow(press, r.id))).code).toBe('BAD_REQUEST');
		expect((await refusal(press.caller.release.update({ id: r.id, baseVersion: 1, title: r.title, body: '更正', talkingPoints: '', channels: [] }))).message).toBe(
			'该稿件已发布，不能再修改；如需更正，请另起一篇后续发布'
		);
	});

	it('meets a breached clock late, and the breach stays on record', async () => {
		const { incident, fiveHour } = await logMajorIncident(city.people.press, city.deptA.id, new Date(Date.now() - 6 * HOUR), new Date());
		expect((await runClock(fiveHour!.id)).breached).toBe(true);
		const r = await submitted(press, { kind: 'authoritative', incidentId: incident.id });
		// Past the deadline the request gets its full 2 hours.
		const [q] = await requestsOf(r.id);
		expect(q!.expiresAt.getTime() - q!.createdAt.getTime()).toBe(2 * HOUR);
		expect((await noticesAbout(r.id, city.people.viceMayor.id))[0]!.title).toContain('（距5小时时限已超时');
		await approveWithPassword(viceMayor, r.id);
		const publishedAt = new Date(Date.now() + 60_000);
		const published = await publishNow(press, r.id, publishedAt);
		expect(published.satisfied).toMatchObject([{ id: fiveHour!.id, status: 'satisfied_late' }]);

		const clock = (await clocksOf(sql, { type: 'incident', id: incident.id })).find((c) => c.id === fiveHour!.id)!;
		expect(clock).toMatchObject({ status: 'satisfied_late', breachedAt: fiveHour!.dueAt });
		expect(clock.satisfiedAt).toEqual(new Date(toIso(publishedAt)));
		expect(await sql`select 1 from breaches where clock_id = ${fiveHour!.id}`).toHaveLength(1);
	});

	it('does not meet the clock with a release of another kind', async () => {
		const { incident, fiveHour } = await logMajorIncident(city.people.press, city.deptA.id, new Date(Date.now() - HOUR), new Date());
		const r = await submitted(press, { kind: 'follow_up', incidentId: incident.id });
		expect((await noticesAbout(r.id, city.people.viceMayor.id))[0]!.title).toBe(`待签发：${r.title}`);
		await approveWithPassword(viceMayor, r.id);
		expect((await publishNow(press, r.id)).satisfied).toEqual([]);
		expect((await clocksOf(sql, { type: 'incident', id: incident.id })).find((c) => c.id === fiveHour!.id)!.status).toBe('running');
	});

	it('refuses a publication time in the future, naming the field in words', async () => {
		const r = await submitted(press);
		await approveWithPassword(viceMayor, r.id);
		const e = await refusal(publishNow(press, r.id, new Date(Date.now() + HOUR)));
		expect(e.code).toBe('BAD_REQUEST');
		expect(e.message).toContain('「发布时间」');
		expect(e.message).not.toMatch(/[{}]|publications/);
		expect((await press.caller.release.byId({ id: r.id })).status).toBe('approved');
	});

	it('refuses a link that is not a web address, in Chinese', async () => {
		const r = await submitted(press);
		await approveWithPassword(viceMayor, r.id);
		const e = await refusal(press.caller.release.publish({ id: r.id, publications: [{ channel: 'gov_website', url: 'ftp://x', publishedAt: toIso(new Date()) }] }));
		expect((e as FieldError).field).toBe('publications.gov_website.url');
		expect(e.message).toContain('「链接」');
		expect(e.message).toContain('政府网站');
		expect(e.message).not.toContain('gov_website');
	});

	it('is for the drafter’s side: a leader cannot record a publication', async () => {
		const r = await submitted(press);
		await approveWithPassword(viceMayor, r.id);
		expect((await refusal(publishNow(viceMayor, r.id))).code).toBe('FORBIDDEN');
	});
});

describe('signing with a passkey', () => {
	beforeAll(async () => {
		const { challengeId, options } = await leaderE.api.passkey.registrationOptions();
		await leaderE.api.passkey.register({ challengeId, name: '彭局的 iPhone', response: leaderE.phone.create(options, ORIGIN) });
	});

	async function challengeFor(releaseId: string, requestId: string) {
		const o = await leaderE.api.release.stepUp({ id: releaseId, requestId });
		if (!o.passkeys) throw new Error('expected a passkey challenge');
		return o;
	}

	it('binds the challenge to the request and the version, and approves with factor passkey', async () => {
		const r = await submitted(pressE);
		const q = r.requests[0]!;
		const o = await challengeFor(r.id, q.id);
		const binding = `release-signoff:${q.id}:${q.versionHash}`;
		expect(Buffer.from(o.options.challenge, 'base64url').subarray(16).equals(createHash('sha256').update(binding).digest())).toBe(true);
		expect(o.options.userVerification).toBe('required');
		expect((await leaderE.api.release.signoffView({ id: r.id, requestId: q.id })).hasPasskey).toBe(true);

		const response = leaderE.phone.get(o.options, ORIGIN);
		const approved = await leaderE.api.release.approve({ id: r.id, requestId: q.id, versionHash: q.versionHash, proof: { kind: 'passkey', challengeId: o.challengeId, response } });
		expect(approved.status).toBe('approved');
		expect(await approvalsOf(r.id)).toMatchObject([{ requestId: q.id, personId: leaderE.user.id, factor: 'passkey', passkeyId: leaderE.phone.credentials[0]!.id }]);
		const shown = await pressE.caller.release.byId({ id: r.id });
		expect(shown.approvals).toMatchObject([{ factor: 'passkey', personName: '彭副局长' }]);
		expect((await pressE.caller.release.publish({ id: r.id, publications: [{ channel: 'wechat_official', url: null, publishedAt: toIso(new Date(Date.now() + 60_000)) }] })).status).toBe(
			'published'
		);
	});

	it('does not take the password from a leader who has a passkey', async () => {
		const r = await submitted(pressE);
		const q = r.requests[0]!;
		const e = await refusal(leaderE.api.release.approve({ id: r.id, requestId: q.id, versionHash: q.versionHash, proof: PASSWORD }));
		expect(e).toBeInstanceOf(FieldError);
		expect((e as FieldError).field).toBe('proof');
		expect(e.message).toBe('「身份验证」：您已登记通行密钥，请用通行密钥确认');
		expect(await approvalsOf(r.id)).toEqual([]);
	});

	it('refuses a signature made for another request', async () => {
		const first = await submitted(pressE);
		const second = await submitted(pressE);
		const o = await challengeFor(first.id, first.requests[0]!.id);
		const response = leaderE.phone.get(o.options, ORIGIN);
		const q = second.requests[0]!;
		const e = await refusal(leaderE.api.release.approve({ id: second.id, requestId: q.id, versionHash: q.versionHash, proof: { kind: 'passkey', challengeId: o.challengeId, response } }));
		expect((e as FieldError).field).toBe('proof');
		expect(e.message).toBe('「身份验证」未通过：无效的通行密钥验证');
		expect(await approvalsOf(second.id)).toEqual([]);
		expect((await requestsOf(second.id))[0]!.status).toBe('open');
	});

	it('refuses a signature over a version that was edited meanwhile', async () => {
		const r = await submitted(pressE);
		const q = r.requests[0]!;
		const o = await challengeFor(r.id, q.id);
		await pressE.caller.release.update({ id: r.id, baseVersion: 1, title: r.title, body: '临时改稿', talkingPoints: '', channels: [] });
		const response = leaderE.phone.get(o.options, ORIGIN);
		const e = await refusal(leaderE.api.release.approve({ id: r.id, requestId: q.id, versionHash: q.versionHash, proof: { kind: 'passkey', challengeId: o.challengeId, response } }));
		expect(e.code).toBe('CONFLICT');
		expect(e.message).toBe('该签发请求已失效（稿件已修改、撤回或被驳回）');
		expect(await approvalsOf(r.id)).toEqual([]);
		expect((await pressE.caller.release.byId({ id: r.id })).status).toBe('draft');
	});
});

describe('a create replayed from the outbox', () => {
	it('makes one release of two identical submissions', async () => {
		const input = { ...draft(), clientKey: randomUUID() };
		const [a, b] = await Promise.all([press.caller.release.create(input), press.caller.release.create(input)]);
		expect(a.id).toBe(b.id);
		expect(await sql`select 1 from release_versions where release_id = ${a.id}`).toHaveLength(1);
	});
});
