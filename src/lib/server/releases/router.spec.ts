// Releases through the API, as the press office uses it: drafting, withdrawal, publication against the incident's
// 5-hour clock, and a create replayed from the outbox. Their sign-off is in signoff/*.spec.ts.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { m } from '../../paraglide/messages.js';
import { toIso } from '../../time.ts';
import { runClock } from '../clocks/flows.ts';
import { clocksOf } from '../clocks/queries.ts';
import { sql } from '../db.ts';
import { ConflictError, FieldError } from '../errors.ts';
import { anonymousCaller, logMajorIncident, postAs, refusal } from '../test-helpers.ts';
import {
	HOUR,
	PASSWORD,
	city,
	press,
	viceMayor,
	officeAdmin,
	pressB,
	draft,
	submitted,
	approveWithPassword,
	approvalsOf,
	requestsOf,
	noticesAbout,
	publishNow,
	setUpReleaseWorld
} from './test-world.ts';

beforeAll(setUpReleaseWorld);

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
		expect(body.error.data.fieldErrors).toEqual({ incidentId: m['error.invalid_choice']({ field: m['field.incidentId']() }) });
		expect((await press.caller.release.list({ status: null, incidentId: incident.id, conferenceId: null, limit: 100 })).items).toEqual([]);
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
		const listed = (await press.caller.release.list()).items.find((r) => r.id === created.id);
		expect(listed).toMatchObject(hidden);
		// A list carries no release's text: with thousands of releases, each body would be sorted and sent with it.
		expect(listed).not.toHaveProperty('body');
		expect(listed).not.toHaveProperty('talkingPoints');

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

describe('withdrawing', () => {
	it('needs a reason, voids the open requests and settles the leader’s notice', async () => {
		const r = await submitted(press);
		const q = r.requests[0]!;
		const e = await refusal(press.caller.release.withdraw({ id: r.id, reason: '  ' }));
		expect((e as FieldError).field).toBe('reason');

		const withdrawn = await press.caller.release.withdraw({ id: r.id, reason: '已由市政府统一发布' });
		expect(withdrawn).toMatchObject({ status: 'withdrawn', statusReason: '已由市政府统一发布' });
		expect(await requestsOf(r.id)).toMatchObject([{ status: 'void', reason: { key: 'release.void_withdrawn' } }]);
		expect((await noticesAbout(r.id, city.people.viceMayor.id))[0]!.acknowledgedAt).not.toBeNull();

		const late = await refusal(viceMayor.caller.signoff.approve({ kind: 'release', id: r.id, requestId: q.id, versionHash: q.versionHash, proof: PASSWORD }));
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
		expect(kinds).toEqual(expect.arrayContaining(['release.created', 'release.submitted', 'signoff.approved', 'release.published', 'clock.satisfied']));
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

describe('a create replayed from the outbox', () => {
	it('makes one release of two identical submissions', async () => {
		const input = { ...draft(), clientKey: randomUUID() };
		const [a, b] = await Promise.all([press.caller.release.create(input), press.caller.release.create(input)]);
		expect(a.id).toBe(b.id);
		expect(await sql`select 1 from release_versions where release_id = ${a.id}`).toHaveLength(1);
	});
});
