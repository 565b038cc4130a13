// A release's review chain through the API: confidentiality review, countersigning units, and a passkey approval
// signed by a software authenticator.
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { toIso } from '../../time.ts';
import { sql } from '../db.ts';
import { FieldError } from '../errors.ts';
import { logMajorIncident, refusal } from '../test-helpers.ts';
import {
	ORIGIN,
	PASSWORD,
	city,
	deptC,
	deptD,
	reviewerC,
	press,
	officeAdmin,
	pressB,
	leaderB1,
	leaderB2,
	pressC,
	leaderC,
	reviewer,
	pressD,
	leaderD,
	pressE,
	leaderE,
	draft,
	submitted,
	approveWithPassword,
	approvalsOf,
	requestsOf,
	noticesAbout,
	publishNow,
	setUpReleaseWorld
} from '../releases/test-world.ts';

beforeAll(setUpReleaseWorld);

describe('confidentiality review', () => {
	beforeAll(async () => {
		await officeAdmin.caller.signoff.setChain({ unitId: deptC.id, confidentialityReviewerIds: [reviewerC.id], countersignUnitIds: [], signoffHours: 2 });
	});

	it('is set by the office only', async () => {
		const e = await refusal(pressC.caller.signoff.setChain({ unitId: deptC.id, confidentialityReviewerIds: [], countersignUnitIds: [], signoffHours: 2 }));
		expect(e.code).toBe('FORBIDDEN');
		expect(await officeAdmin.caller.signoff.chain({ unitId: deptC.id })).toMatchObject({ confidentialityReviewerIds: [reviewerC.id], countersignUnitIds: [], signoffHours: 2 });
	});

	it('goes to the reviewer first; only the reviewer passes it, and then the leader is asked', async () => {
		const r = await submitted(pressC);
		expect(r.status).toBe('in_review');
		expect(r.requests).toEqual([]);
		expect(await noticesAbout(r.id, reviewerC.id)).toMatchObject([{ kind: 'alert', title: `待保密审查：${r.title}` }]);
		expect(await noticesAbout(r.id, leaderC.user.id)).toEqual([]);
		expect((await reviewer.caller.release.byId({ id: r.id })).can.review).toBe(true);

		for (const who of [pressC, leaderC]) {
			expect((await refusal(who.caller.signoff.review({ kind: 'release', id: r.id, version: 1, decision: 'passed' }))).code).toBe('FORBIDDEN');
		}
		const stale = await refusal(reviewer.caller.signoff.review({ kind: 'release', id: r.id, version: 2, decision: 'passed' }));
		expect((stale as FieldError).field).toBe('version');
		const noReason = await refusal(reviewer.caller.signoff.review({ kind: 'release', id: r.id, version: 1, decision: 'rejected' }));
		expect((noReason as FieldError).field).toBe('reason');
		expect((await pressC.caller.release.byId({ id: r.id })).status).toBe('in_review');

		const passed = await reviewer.caller.signoff.review({ kind: 'release', id: r.id, version: 1, decision: 'passed' });
		expect(passed.status).toBe('awaiting_signoff');
		const shown = await pressC.caller.release.byId({ id: r.id });
		expect(shown.reviews).toMatchObject([{ decision: 'passed', reviewerName: '保密员老许', versionHash: r.hash }]);
		expect(shown.requests).toMatchObject([{ seat: 'sign', unitId: deptC.id, state: 'open' }]);
		expect(await noticesAbout(r.id, leaderC.user.id)).toMatchObject([{ kind: 'signoff' }]);
		expect((await refusal(reviewer.caller.signoff.review({ kind: 'release', id: r.id, version: 1, decision: 'passed' }))).code).toBe('BAD_REQUEST');
		expect((await approveWithPassword(leaderC, r.id)).status).toBe('approved');
	});

	it('sends a release the reviewer rejects back to the drafter with the reason', async () => {
		const r = await submitted(pressC);
		const rejected = await reviewer.caller.signoff.review({ kind: 'release', id: r.id, version: 1, decision: 'rejected', reason: '涉及未公开的调查细节' });
		expect(rejected).toMatchObject({ status: 'rejected', statusReason: '涉及未公开的调查细节' });
		expect(await noticesAbout(r.id, pressC.user.id)).toMatchObject([{ kind: 'alert', body: '保密员老许在保密审查中驳回：涉及未公开的调查细节' }]);
		expect(await requestsOf(r.id)).toEqual([]);
	});
});

describe('countersigning', () => {
	beforeAll(async () => {
		await officeAdmin.caller.signoff.setChain({ unitId: deptD.id, confidentialityReviewerIds: [], countersignUnitIds: [city.deptB.id], signoffHours: 2 });
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
				return pressB.caller.signoff.renew({ kind: 'release', id });
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
		const e = await refusal(leaderB1.caller.signoff.approve({ kind: 'release', id: r.id, requestId: sign!.id, versionHash: sign!.versionHash, proof: PASSWORD }));
		expect(e.code).toBe('FORBIDDEN');
	});
});

describe('signing with a passkey', () => {
	beforeAll(async () => {
		const { challengeId, options } = await leaderE.api.passkey.registrationOptions();
		await leaderE.api.passkey.register({ challengeId, name: '彭局的 iPhone', response: leaderE.phone.create(options, ORIGIN) });
	});

	async function challengeFor(releaseId: string, requestId: string) {
		const o = await leaderE.api.signoff.stepUp({ kind: 'release', id: releaseId, requestId });
		if (!o.passkeys) throw new Error('expected a passkey challenge');
		return o;
	}

	it('binds the challenge to the request and the version, and approves with factor passkey', async () => {
		const r = await submitted(pressE);
		const q = r.requests[0]!;
		const o = await challengeFor(r.id, q.id);
		const binding = `signoff:${q.id}:${q.versionHash}`;
		expect(Buffer.from(o.options.challenge, 'base64url').subarray(16).equals(createHash('sha256').update(binding).digest())).toBe(true);
		expect(o.options.userVerification).toBe('required');
		expect((await leaderE.api.release.signoffView({ id: r.id, requestId: q.id })).hasPasskey).toBe(true);

		const response = leaderE.phone.get(o.options, ORIGIN);
		const approved = await leaderE.api.signoff.approve({ kind: 'release', id: r.id, requestId: q.id, versionHash: q.versionHash, proof: { kind: 'passkey', challengeId: o.challengeId, response } });
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
		const e = await refusal(leaderE.api.signoff.approve({ kind: 'release', id: r.id, requestId: q.id, versionHash: q.versionHash, proof: PASSWORD }));
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
		const e = await refusal(leaderE.api.signoff.approve({ kind: 'release', id: second.id, requestId: q.id, versionHash: q.versionHash, proof: { kind: 'passkey', challengeId: o.challengeId, response } }));
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
		const e = await refusal(leaderE.api.signoff.approve({ kind: 'release', id: r.id, requestId: q.id, versionHash: q.versionHash, proof: { kind: 'passkey', challengeId: o.challengeId, response } }));
		expect(e.code).toBe('CONFLICT');
		expect(e.message).toBe('该签发请求已失效（稿件已修改、撤回或被驳回）');
		expect(await approvalsOf(r.id)).toEqual([]);
		expect((await pressE.caller.release.byId({ id: r.id })).status).toBe('draft');
	});
});
