// The sign-off lifecycle holds for every kind of thing signed: a release and a document with its interpretation
// package go through the same steps, with the same records, timeline entries and answers. Each test runs once per
// kind, through the API as the press office and the leader's phone use it.
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../db.ts';
import { ConflictError, FieldError } from '../errors.ts';
import { makeProvince, refusal, signInAs, TEST_PASSWORD, type SignedIn } from '../test-helpers.ts';
import { lapseRequest } from './lapse.ts';
import { inChinese } from '../notify/test-notices.ts';

const PASSWORD = { kind: 'password' as const, password: TEST_PASSWORD };

// deptA: the vice-mayor is its named leader in charge; deptB is out of its reach.
let press: SignedIn, viceMayor: SignedIn, officeAdmin: SignedIn, pressB: SignedIn;

beforeAll(async () => {
	await makeProvince();
	[press, viceMayor, officeAdmin, pressB] = await Promise.all([signInAs('press-a'), signInAs('vice-mayor'), signInAs('office-admin'), signInAs('press-b')]);
});

/** What the lifecycle tests read of a thing's page, whatever its kind. */
interface Seen {
	id: string;
	title: string;
	version: number;
	/** what is signed: a release version's hash, a document bundle's */
	hash: string;
	status: string;
	statusReason: string | null;
	requests: { id: string; versionHash: string; state: string; flagNote: string | null }[];
	can: { sign: string[]; renew: boolean };
	timeline: { kind: string; data: Record<string, unknown> }[];
}

interface Kind {
	kind: 'release' | 'document';
	/** the status once every seat approved, and once a leader rejected */
	approved: string;
	rejected: string;
	/** drafted and submitted by `by`, as the drafter then sees it */
	submitted(by: SignedIn): Promise<Seen>;
	seen(by: SignedIn, id: string): Promise<Seen>;
	/** saves a new text on the version the editor started from */
	edit(by: SignedIn, s: Seen, baseVersion: number, body: string): Promise<unknown>;
}

let serial = 0;
const release: Kind = {
	kind: 'release',
	approved: 'approved',
	rejected: 'rejected',
	async submitted(by) {
		serial += 1;
		const r = await by.caller.release.create({ kind: 'follow_up', title: `关于化工园区事故的情况通报（${serial}）`, body: '现场明火已扑灭。', talkingPoints: '', channels: ['gov_website'] });
		await by.caller.release.submit({ id: r.id });
		return this.seen(by, r.id);
	},
	async seen(by, id) {
		const r = await by.caller.release.byId({ id });
		return { ...r, hash: r.hash };
	},
	edit: (by, s, baseVersion, body) => by.caller.release.update({ id: s.id, baseVersion, title: s.title, body, talkingPoints: '', channels: ['gov_website'] })
};

const documentText = (title: string, body: string) => ({
	title,
	body,
	disclosure: 'proactive' as const,
	planInterpreter: '市应急管理局 周局长',
	planApproach: '图解、问答',
	planChannels: ['政府网站'],
	planTiming: '与文件同步发布'
});
const document: Kind = {
	kind: 'document',
	approved: 'signed',
	rejected: 'drafting',
	async submitted(by) {
		serial += 1;
		const d = await by.caller.document.create(documentText(`江城市安全生产实施意见（${serial}）`, '第一条 为加强安全生产工作，制定本意见。'));
		await by.caller.document.attachMaterial({ id: d.id, kind: 'qa', title: '政策问答', body: '问：适用于哪些企业？答：本市生产经营单位。' });
		await by.caller.document.submit({ id: d.id });
		return this.seen(by, d.id);
	},
	async seen(by, id) {
		const d = await by.caller.document.byId({ id });
		return { ...d, hash: d.bundleHash };
	},
	edit: (by, s, baseVersion, body) => by.caller.document.update({ ...documentText(s.title, body), id: s.id, baseVersion })
};

const noticesAbout = async (k: Kind, id: string, personId: string) =>
	inChinese(
		await sql<{ kind: string; urgency: string; title: unknown; body: unknown }[]>`
			select kind, urgency, title, body from notifications where subject = ${k.kind} and subject_id = ${id} and person_id = ${personId} order by created_at, id`
	);

describe.each([release, document])('the sign-off of a $kind', (k) => {
	const ref = (s: Seen) => ({ kind: k.kind, id: s.id, requestId: s.requests[0]!.id });

	it('approves the exact hash with a second factor, tells the drafter, and leaves one entry on the timeline', async () => {
		const s = await k.submitted(press);
		expect(s.requests).toMatchObject([{ state: 'open', versionHash: s.hash }]);
		const other = s.hash.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
		const e = await refusal(viceMayor.caller.signoff.approve({ ...ref(s), versionHash: other, proof: PASSWORD }));
		expect(e).toBeInstanceOf(FieldError);
		expect((e as FieldError).field).toBe('versionHash');

		const done = await viceMayor.caller.signoff.approve({ ...ref(s), versionHash: s.hash, proof: PASSWORD });
		expect(done).toMatchObject({ kind: k.kind, id: s.id, status: k.approved, stage: null });
		const after = await k.seen(press, s.id);
		expect(after.timeline.filter((x) => x.kind.startsWith('signoff.')).map((x) => x.kind)).toEqual(['signoff.approved']);
		const [audited] = await sql<{ entity: string }[]>`select entity from audit_log where action = ${`${k.kind}.approved`} and entity_id = ${s.id}`;
		expect(audited).toEqual({ entity: k.kind });
		expect((await noticesAbout(k, s.id, press.user.id)).map((n) => n.title)).toContain(`已签发：${s.title}`);
	});

	it('needs a reason to reject, sends it back with the reason, and the request cannot be approved after', async () => {
		const s = await k.submitted(press);
		const blank = await refusal(viceMayor.caller.signoff.reject({ ...ref(s), reason: '  ' }));
		expect(blank).toMatchObject({ field: 'reason', message: '「理由」必须填写：驳回或撤回须说明理由' });

		const rejected = await viceMayor.caller.signoff.reject({ ...ref(s), reason: ' 数据来源需注明 ' });
		expect(rejected).toMatchObject({ status: k.rejected, statusReason: '数据来源需注明' });
		const late = await refusal(viceMayor.caller.signoff.approve({ ...ref(s), versionHash: s.hash, proof: PASSWORD }));
		expect(late).toBeInstanceOf(ConflictError);
		expect((late as ConflictError).existing).toMatchObject({ status: 'rejected', decidedBy: '刘副市长' });
		const after = await k.seen(press, s.id);
		expect(after.timeline.find((x) => x.kind === 'signoff.rejected')?.data).toMatchObject({ reason: '数据来源需注明' });
	});

	it('tells the office at once when the leader flags a request, and leaves it undecided', async () => {
		const s = await k.submitted(press);
		await viceMayor.caller.signoff.flag({ ...ref(s), note: '我没有安排过这份' });
		const after = await k.seen(press, s.id);
		expect(after.requests[0]).toMatchObject({ state: 'open', flagNote: '我没有安排过这份' });
		expect(after.timeline.find((x) => x.kind === 'signoff.flagged')?.data).toMatchObject({ note: '我没有安排过这份' });
		const told = await sql<{ urgency: string }[]>`
			select urgency from notifications where subject = ${k.kind} and subject_id = ${s.id} and title->>'key' = 'signoff.flag_notice_title'`;
		expect(told.length).toBeGreaterThan(0);
		expect(told.every((n) => n.urgency === 'critical')).toBe(true);
	});

	it('lapses a request unanswered at its expiry once, and the drafter, not the leader, asks again', async () => {
		const s = await k.submitted(press);
		await sql`update signoff_requests set expires_at = now() - interval '1 minute' where id = ${s.requests[0]!.id}`;
		expect(await lapseRequest(s.requests[0]!.id)).toBe(true);
		expect(await lapseRequest(s.requests[0]!.id)).toBe(false);
		const lapsed = await k.seen(press, s.id);
		expect(lapsed.can.renew).toBe(true);
		expect(lapsed.timeline.filter((x) => x.kind === 'signoff.lapsed')).toHaveLength(1);
		expect((await noticesAbout(k, s.id, press.user.id)).map((n) => n.title)).toContain(`签发请求已过期：${s.title}`);

		expect((await refusal(viceMayor.caller.signoff.renew({ kind: k.kind, id: s.id }))).code).toBe('FORBIDDEN');
		await press.caller.signoff.renew({ kind: k.kind, id: s.id });
		const renewed = await k.seen(viceMayor, s.id);
		expect(renewed.can.sign).toHaveLength(1);
		expect(renewed.timeline.find((x) => x.kind === 'signoff.renewed')?.data).toMatchObject({ seats: 1 });
	});

	it('gives the second of two people saving the same version both texts', async () => {
		const s = await k.submitted(press);
		const results = await Promise.allSettled([k.edit(press, s, s.version, '陈宣传的修改'), k.edit(officeAdmin, s, s.version, '王市办的修改')]);
		const lost = results.filter((x): x is PromiseRejectedResult => x.status === 'rejected');
		expect(lost).toHaveLength(1);
		const e = lost[0]!.reason as ConflictError;
		expect(e).toBeInstanceOf(ConflictError);
		expect(e.existing).toMatchObject({ version: s.version + 1, title: s.title });
		expect(['陈宣传的修改', '王市办的修改']).toContain((e.existing as { body: string }).body);
		// the edit voided the request: back to drafting
		expect((await k.seen(press, s.id)).requests[0]!.state).toBe('void');
	});

	it('is not found for someone beyond its reach, at every step', async () => {
		const s = await k.submitted(press);
		for (const step of [
			() => pressB.caller.signoff.stepUp(ref(s)),
			() => pressB.caller.signoff.approve({ ...ref(s), versionHash: s.hash, proof: PASSWORD }),
			() => pressB.caller.signoff.reject({ ...ref(s), reason: '不同意' }),
			() => pressB.caller.signoff.flag({ ...ref(s), note: '' })
		])
			expect((await refusal(step())).code).toBe('NOT_FOUND');
		expect(await pressB.caller.signoff.mine()).toEqual([]);
		expect((await viceMayor.caller.signoff.mine()).map((q) => q.href)).toContain(`/${k.kind}s/${s.id}/sign/${s.requests[0]!.id}`);
	});
});
