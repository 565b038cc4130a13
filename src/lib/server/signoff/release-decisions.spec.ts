// Sign-off of a release through the API, as the leaders' phones use it: one exact version with a second factor, what
// voids a sign-off, requests that lapse, two leaders at once, who may sign and see, rejecting and flagging.
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { render } from '../../i18n/index.ts';
import { sql } from '../db.ts';
import { ConflictError, FieldError } from '../errors.ts';
import { postAs, refusal, type SignedIn } from '../test-helpers.ts';
import {
	HOUR,
	PASSWORD,
	city,
	press,
	viceMayor,
	director,
	deputy,
	officeAdmin,
	pressB,
	leaderB1,
	leaderB2,
	draft,
	submitted,
	myRequest,
	approveWithPassword,
	approvalsOf,
	requestsOf,
	noticesAbout,
	publishNow,
	setUpReleaseWorld
} from '../releases/test-world.ts';

beforeAll(setUpReleaseWorld);

describe('sign-off is bound to the version hash', () => {
	it('asks the leader in charge on their phone, and approving makes the release approved', async () => {
		const r = await submitted(press);
		expect(r.status).toBe('awaiting_signoff');
		expect(r.requests).toMatchObject([{ seat: 'sign', unitId: city.deptA.id, versionHash: r.hash, state: 'open' }]);
		const request = r.requests[0]!;

		const inbox = (await viceMayor.caller.inbox.list()).items;
		expect(inbox[0]).toMatchObject({ title: `待签发：${r.title}`, url: `/releases/${r.id}/sign/${request.id}`, urgency: 'high' });
		expect(inbox[0]!.body).toContain(`版本 ${r.code}`);
		expect(await noticesAbout(r.id, city.people.viceMayor.id)).toMatchObject([{ kind: 'signoff' }]);

		const view = await viceMayor.caller.release.signoffView({ id: r.id, requestId: request.id });
		expect(view).toMatchObject({ mayDecide: true, hasPasskey: false, version: { number: 1, hash: r.hash, body: r.body } });
		expect(await viceMayor.caller.signoff.stepUp({ kind: 'release', id: r.id, requestId: request.id })).toEqual({ passkeys: false });

		const approved = await viceMayor.caller.signoff.approve({ kind: 'release', id: r.id, requestId: request.id, versionHash: r.hash, proof: PASSWORD });
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
		// Stored as its key and parameters, and read in each reader's language.
		expect(approval!.voidReason).toEqual({ key: 'release.void_edited', params: { code: edited.code } });
		expect(render(approval!.voidReason!, 'zh-CN')).toBe(`稿件已修改（版本 ${edited.code}），原签发失效`);
		expect(render(approval!.voidReason!, 'en')).toBe(`Release changed (version ${edited.code}); the earlier sign-off no longer applies`);

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
		await viceMayor.caller.signoff.approve({ kind: 'release', id: r.id, requestId: q.id, versionHash: edited.versionHash, proof: PASSWORD });
		expect((await publishNow(press, r.id)).status).toBe('published');
	});

	it('voids the open request when the text is edited while it waits, so the old version cannot be signed', async () => {
		const r = await submitted(press);
		const old = r.requests[0]!;
		await press.caller.release.update({ id: r.id, baseVersion: 1, title: r.title, body: '改后的正文', talkingPoints: '', channels: [] });
		expect((await requestsOf(r.id))[0]).toMatchObject({ id: old.id, status: 'void' });
		expect((await noticesAbout(r.id, city.people.viceMayor.id))[0]!.acknowledgedAt).not.toBeNull();

		const e = await refusal(viceMayor.caller.signoff.approve({ kind: 'release', id: r.id, requestId: old.id, versionHash: old.versionHash, proof: PASSWORD }));
		expect(e.code).toBe('CONFLICT');
		expect(e.message).toBe('该签发请求已失效（稿件已修改、撤回或被驳回）');
		expect(await approvalsOf(r.id)).toEqual([]);
	});

	it('refuses a hash other than the request’s, and nothing is approved', async () => {
		const r = await submitted(press);
		const q = r.requests[0]!;
		const other = createHash('sha256').update('另一个版本').digest('hex');
		const e = await refusal(viceMayor.caller.signoff.approve({ kind: 'release', id: r.id, requestId: q.id, versionHash: other, proof: PASSWORD }));
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
		const { status, body } = await postAs(viceMayor, 'signoff.approve', { kind: 'release', id: r.id, requestId: q.id, versionHash: q.versionHash });
		expect(status).toBe(400);
		expect(body.error.data.code).toBe('BAD_REQUEST');
		expect(body.error.data.fieldErrors).toEqual({ proof: '「身份验证」必须填写' });
		const e = await refusal(viceMayor.caller.signoff.approve({ kind: 'release', id: r.id, requestId: q.id, versionHash: q.versionHash } as never));
		expect(e.code).toBe('BAD_REQUEST');
		expect(await approvalsOf(r.id)).toEqual([]);
	});

	it('refuses a wrong password on the proof field, and the request stays open', async () => {
		const r = await submitted(press);
		const q = r.requests[0]!;
		const e = await refusal(viceMayor.caller.signoff.approve({ kind: 'release', id: r.id, requestId: q.id, versionHash: q.versionHash, proof: { kind: 'password', password: 'wrong-password' } }));
		expect(e).toBeInstanceOf(FieldError);
		expect(e.code).toBe('BAD_REQUEST');
		expect((e as FieldError).field).toBe('proof');
		expect((await requestsOf(r.id))[0]!.status).toBe('open');
		expect(await approvalsOf(r.id)).toEqual([]);
		// The right password then goes through.
		expect((await viceMayor.caller.signoff.approve({ kind: 'release', id: r.id, requestId: q.id, versionHash: q.versionHash, proof: PASSWORD })).status).toBe('approved');
	});

	it('says in Chinese that the 身份验证 failed when the password is wrong', async () => {
		const r = await submitted(press);
		const q = r.requests[0]!;
		const { status, body } = await postAs(director, 'signoff.approve', { kind: 'release', id: r.id, requestId: q.id, versionHash: q.versionHash, proof: { kind: 'password', password: 'wrong-password' } });
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

		const e = await refusal(viceMayor.caller.signoff.approve({ kind: 'release', id: r.id, requestId: old.id, versionHash: old.versionHash, proof: PASSWORD }));
		expect(e.code).toBe('CONFLICT');
		expect(e.message).toBe('签发请求已过期，请联系起草人重新送签');
		const seen = await press.caller.release.byId({ id: r.id });
		expect(seen.requests[0]!.state).toBe('expired');
		expect(seen.can.renew).toBe(true);
		expect((await viceMayor.caller.release.byId({ id: r.id })).can.sign).toEqual([]);
		expect((await refusal(viceMayor.caller.signoff.renew({ kind: 'release', id: r.id }))).code).toBe('FORBIDDEN');

		const renewed = await press.caller.signoff.renew({ kind: 'release', id: r.id });
		expect(renewed.status).toBe('awaiting_signoff');
		const requests = await requestsOf(r.id);
		expect(requests.map((q) => q.status)).toEqual(['void', 'open']);
		expect(requests[0]!.reason).toEqual({ key: 'signoff.void_lapsed' });
		expect(render(requests[0]!.reason!)).toBe('签发请求已过期，已重新发送');
		const fresh = requests[1]!;
		expect(fresh.expiresAt.getTime() - fresh.createdAt.getTime()).toBe(2 * HOUR);
		expect((await noticesAbout(r.id, city.people.viceMayor.id)).map((n) => n.url)).toEqual([`/releases/${r.id}/sign/${old.id}`, `/releases/${r.id}/sign/${fresh.id}`]);
		expect((await myRequest(viceMayor, r.id)).id).toBe(fresh.id);

		expect((await approveWithPassword(viceMayor, r.id)).status).toBe('approved');
		expect((await approvalsOf(r.id)).map((a) => a.requestId)).toEqual([fresh.id]);
	});

	it('renews nothing while the request is still open', async () => {
		const r = await submitted(press);
		const e = await refusal(press.caller.signoff.renew({ kind: 'release', id: r.id }));
		expect(e.code).toBe('BAD_REQUEST');
		expect(e.message).toBe('没有已过期的签发请求');
		expect((await requestsOf(r.id)).map((q) => q.status)).toEqual(['open']);
	});

	it('refuses a request approved already, saying who decided it', async () => {
		const r = await submitted(press);
		const q = r.requests[0]!;
		await viceMayor.caller.signoff.approve({ kind: 'release', id: r.id, requestId: q.id, versionHash: q.versionHash, proof: PASSWORD });
		const e = await refusal(viceMayor.caller.signoff.approve({ kind: 'release', id: r.id, requestId: q.id, versionHash: q.versionHash, proof: PASSWORD }));
		expect(e.code).toBe('CONFLICT');
		expect(e.message).toBe('该签发请求已处理：已签发');
		expect((e as ConflictError).existing).toMatchObject({ status: 'approved', decidedBy: '刘副市长' });
		// The principal may sign for the unit too, but not a request already decided.
		const byDirector = await refusal(director.caller.signoff.approve({ kind: 'release', id: r.id, requestId: q.id, versionHash: q.versionHash, proof: PASSWORD }));
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
			[leaderB1, leaderB2].map((l) => l.caller.signoff.approve({ kind: 'release', id: r.id, requestId: q1.id, versionHash: q1.versionHash, proof: PASSWORD }))
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
			viceMayor.caller.signoff.approve({ kind: 'release', id: r.id, requestId: q.id, versionHash: q.versionHash, proof: PASSWORD }),
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
			const e = await refusal(who.caller.signoff.approve({ kind: 'release', id: r.id, requestId: q.id, versionHash: q.versionHash, proof: PASSWORD }));
			expect(e.code).toBe('FORBIDDEN');
			expect(e.message).toBe('您没有权限执行此操作');
		}
		expect((await press.caller.release.byId({ id: r.id })).can.sign).toEqual([]);
		expect((await refusal(press.caller.signoff.reject({ kind: 'release', id: r.id, requestId: q.id, reason: '不同意' }))).code).toBe('FORBIDDEN');
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
			() => leaderB1.caller.signoff.stepUp({ kind: 'release', id: r.id, requestId: q.id }),
			() => leaderB1.caller.signoff.approve({ kind: 'release', id: r.id, requestId: q.id, versionHash: q.versionHash, proof: PASSWORD }),
			() => pressB.caller.release.update({ id: r.id, baseVersion: 1, title: '越权修改', body: '越权', talkingPoints: '', channels: [] })
		];
		for (const attempt of attempts) {
			const e = await refusal(attempt());
			expect(e.code).toBe('NOT_FOUND');
			expect(e.message).toBe('未找到该记录，或您无权查看');
		}
		expect((await leaderB1.caller.release.list()).items.map((x) => x.id)).not.toContain(r.id);
		expect((await pressB.caller.release.list()).items.map((x) => x.id)).not.toContain(r.id);
		// The city office and the vice-mayor above the bureau see it.
		expect((await officeAdmin.caller.release.list()).items.map((x) => x.id)).toContain(r.id);
		expect((await viceMayor.caller.release.list({ status: 'awaiting_signoff', incidentId: null, conferenceId: null, limit: 100 })).items.map((x) => x.id)).toContain(r.id);
		expect((await press.caller.release.byId({ id: r.id })).status).toBe('awaiting_signoff');
	});
});

describe('rejecting and flagging', () => {
	it('needs a reason to reject, on the reason field', async () => {
		const r = await submitted(press);
		const q = r.requests[0]!;
		for (const reason of ['', '   ']) {
			const e = await refusal(viceMayor.caller.signoff.reject({ kind: 'release', id: r.id, requestId: q.id, reason }));
			expect(e).toBeInstanceOf(FieldError);
			expect((e as FieldError).field).toBe('reason');
			expect(e.message).toContain('「理由」');
		}
		const { body } = await postAs(viceMayor, 'signoff.reject', { kind: 'release', id: r.id, requestId: q.id, reason: ' ' });
		expect(body.error.data.fieldErrors).toEqual({ reason: '「理由」必须填写：驳回或撤回须说明理由' });
		expect((await requestsOf(r.id))[0]!.status).toBe('open');
	});

	it('sends a rejected release back to the drafter with the reason, and it cannot be approved after', async () => {
		const r = await submitted(press);
		const q = r.requests[0]!;
		const reason = '伤亡数字须与卫健委核对后再发';
		const rejected = await viceMayor.caller.signoff.reject({ kind: 'release', id: r.id, requestId: q.id, reason: `  ${reason} ` });
		expect(rejected).toMatchObject({ status: 'rejected', statusReason: reason });
		// The leader's words stay theirs, whatever language the record is read in.
		const stored = (await requestsOf(r.id))[0]!;
		expect(stored).toMatchObject({ status: 'rejected', reason: { key: 'reasons.typed', params: { text: reason } }, decidedBy: city.people.viceMayor.id });
		expect(render(stored.reason!, 'en')).toBe(reason);
		expect(await noticesAbout(r.id, city.people.press.id)).toMatchObject([{ kind: 'alert', title: `已驳回：${r.title}`, body: `刘副市长驳回签发：${reason}`, url: `/releases/${r.id}` }]);

		const e = await refusal(viceMayor.caller.signoff.approve({ kind: 'release', id: r.id, requestId: q.id, versionHash: q.versionHash, proof: PASSWORD }));
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
		const flagged = await viceMayor.caller.signoff.flag({ kind: 'release', id: r.id, requestId: q.id, note: '我没有安排过这篇稿件' });
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
		expect(shown.timeline.map((e) => e.kind)).toContain('signoff.flagged');
		expect((await refusal(press.caller.signoff.flag({ kind: 'release', id: r.id, requestId: q.id, note: '' }))).code).toBe('FORBIDDEN');
	});
});
