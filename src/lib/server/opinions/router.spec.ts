// Public-opinion items through the API, as the phone and the opinion board use it: capturing (and replaying
// from the offline outbox), what is refused and how it is said, who may see what, the board's order and its
// count of items awaiting assessment, the incident's clocks taking over, routing to the superior unit, and a
// clarification signed off and published that meets the 48-hour clock.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { toIso } from '../../time.ts';
import { sql } from '../db.ts';
import { ConflictError, FieldError } from '../errors.ts';
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
import type { UnitRow } from '../units/queries.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** `minutes` ago, as the phone sends it: ISO 8601 in China time, to the second. */
const ago = (minutes: number) => toIso(new Date(Date.now() - minutes * MINUTE));
const later = (iso: string, hours: number) => toIso(new Date(Date.parse(iso) + hours * HOUR));

let city: Awaited<ReturnType<typeof makeProvince>>;
let deptC: UnitRow, jiangcheng: UnitRow, hexi: UnitRow;
let press: SignedIn, viceMayor: SignedIn, officeAdmin: SignedIn, pressB: SignedIn, pressC: SignedIn;

beforeAll(async () => {
	city = await makeProvince();
	// The transport bureau has its own board, so that its order and counts are not disturbed by other tests.
	deptC = await makeUnit('江城市交通运输局', city.government.id);
	jiangcheng = await makeUnit('江城区人民政府', city.government.id, 'government');
	hexi = await makeUnit('河西区人民政府', city.government.id, 'government');
	await makePerson(deptC.id, ['press_officer'], { username: 'press-c', name: '冯宣传' });
	[press, viceMayor, officeAdmin, pressB, pressC] = await Promise.all([
		signInAs('press-a'),
		signInAs('vice-mayor'),
		signInAs('office-admin'),
		signInAs('press-b'),
		signInAs('press-c')
	]);
});

let serial = 0;
function sighting(overrides: Partial<Parameters<SignedIn['caller']['opinion']['create']>[0]> = {}) {
	serial += 1;
	return {
		clientKey: randomUUID(),
		source: 'weibo' as const,
		url: `https://weibo.com/70${serial}/Rk${serial}`,
		summary: `网传江城第${serial}号泵站停运，城区将大面积停水`,
		firstSeenAt: ago(60),
		type: 'rumour' as const,
		unitId: city.deptA.id,
		...overrides
	};
}

const countItems = async () => (await sql<{ n: number }[]>`select count(*)::int as n from opinion_items`)[0]!.n;

describe('capturing from a phone', () => {
	it('shows the item with its sighting, its 2-hour assessment clock and no 48-hour clock yet', async () => {
		const input = sighting({ firstSeenAt: ago(600), summary: '网传江城长江大桥因裂缝将封闭三个月' });
		const created = await press.caller.opinion.create(input);
		expect(created).toMatchObject({
			replay: false,
			status: 'awaiting_assessment',
			summary: '网传江城长江大桥因裂缝将封闭三个月',
			firstSeenAt: input.firstSeenAt,
			source: 'weibo',
			type: 'rumour',
			unitName: '江城市应急管理局',
			createdByName: '陈宣传',
			sightings: 1,
			incidentClocks: [],
			duplicates: []
		});
		expect(created.clocks).toEqual([
			expect.objectContaining({ ruleKey: 'opinion.assessment', startsAt: created.receivedAt, dueAt: later(created.receivedAt, 2), status: 'running' })
		]);

		const shown = await press.caller.opinion.byId({ id: created.id });
		expect(shown.sightings).toMatchObject([{ source: 'weibo', url: input.url, seenAt: input.firstSeenAt, capturedByName: '陈宣传', screenshotIds: [], originItemId: created.id }]);
		expect(shown.timeline.map((e) => e.kind)).toEqual(['opinion.captured', 'clock.started']);
		expect(shown).toMatchObject({ consultations: [], responses: [], releases: [], conferences: [] });
	});

	it('makes one item of identical submissions replayed from the outbox, and gives each its id', async () => {
		const input = sighting();
		const before = await countItems();
		const results = await Promise.all(Array.from({ length: 4 }, () => press.caller.opinion.create(input)));
		expect(new Set(results.map((r) => r.id)).size).toBe(1);
		expect(results.map((r) => r.replay).sort()).toEqual([false, true, true, true]);
		expect(await countItems()).toBe(before + 1);
		expect(results.every((r) => r.clocks.length === 1)).toBe(true);

		const again = await press.caller.opinion.create(input);
		expect(again).toMatchObject({ id: results[0]!.id, replay: true });
	});

	it('refuses the same key with another text as a conflict, handing back the first', async () => {
		const first = sighting({ summary: '网传江城地铁3号线发生脱轨' });
		const created = await press.caller.opinion.create(first);
		const e = await refusal(press.caller.opinion.create({ ...first, summary: '网传江城地铁3号线发生脱轨，多人受伤' }));
		expect(e).toBeInstanceOf(ConflictError);
		expect(e.code).toBe('CONFLICT');
		expect(e.message).toBe('这条舆情已用同一编号提交过，但内容不同。两个版本都在下方，请确认保留哪一个。');
		expect((e as ConflictError).existing).toEqual({ id: created.id, summary: '网传江城地铁3号线发生脱轨' });

		const { status, body } = await postAs(press, 'opinion.create', { ...first, type: 'misreading' });
		expect(status).toBe(409);
		expect(body.error.data.existing).toEqual({ id: created.id, summary: '网传江城地铁3号线发生脱轨' });
	});

	it('names the field in Chinese when something is missing or wrong, and stores nothing', async () => {
		const before = await countItems();
		const { summary: _summary, ...noSummary } = sighting();
		const missing = await postAs(press, 'opinion.create', noSummary);
		expect(missing.status).toBe(400);
		expect(missing.body.error.data.fieldErrors).toEqual({ summary: '「内容摘要」必须填写' });
		expect(missing.body.error.message).toBe('「内容摘要」必须填写');

		const badSource = await postAs(press, 'opinion.create', sighting({ source: 'tiktok' as never }));
		expect(badSource.body.error.data.fieldErrors).toEqual({ source: '「发现渠道」不是可选的值' });
		const badType = await postAs(press, 'opinion.create', sighting({ type: 'gossip' as never }));
		expect(badType.body.error.data.fieldErrors).toEqual({ type: '「舆情类型」不是可选的值' });
		const badLink = await postAs(press, 'opinion.create', sighting({ url: 'weibo.com/123' }));
		expect(badLink.body.error.data.fieldErrors).toEqual({ url: '「链接」格式不正确' });
		const blank = await postAs(press, 'opinion.create', sighting({ summary: '   ' }));
		expect(blank.body.error.data.fieldErrors).toEqual({ summary: '「内容摘要」必须填写' });

		const future = await postAs(press, 'opinion.create', sighting({ firstSeenAt: toIso(new Date(Date.now() + 30 * MINUTE)) }));
		expect(future.status).toBe(400);
		expect(future.body.error.data.fieldErrors).toEqual({ firstSeenAt: '「首次发现时间」不能晚于现在' });
		expect(await countItems()).toBe(before);
	});

	it('takes an item without a link, and an empty link as none', async () => {
		const created = await press.caller.opinion.create(sighting({ url: '', source: 'hotline_12345', type: 'complaint' }));
		const shown = await press.caller.opinion.byId({ id: created.id });
		expect(shown.sightings[0]).toMatchObject({ source: 'hotline_12345', url: null });
	});

	it('is for people signed in', async () => {
		expect((await refusal(anonymousCaller().opinion.create(sighting()))).code).toBe('UNAUTHORIZED');
		expect((await refusal(anonymousCaller().opinion.list())).code).toBe('UNAUTHORIZED');
	});
});

describe('who sees an item', () => {
	it('hides it from another department, which neither finds nor counts it; the office sees it', async () => {
		const created = await press.caller.opinion.create(sighting({ summary: '网传江城应急物资被私分' }));
		const before = await pressB.caller.opinion.awaitingCount();
		expect((await refusal(pressB.caller.opinion.byId({ id: created.id }))).code).toBe('NOT_FOUND');
		expect((await pressB.caller.opinion.list()).items.map((i) => i.id)).not.toContain(created.id);
		expect((await refusal(pressB.caller.opinion.assess({ id: created.id, heat: 'general', needsResponse: false }))).code).toBe('NOT_FOUND');
		await pressB.caller.opinion.create(sighting({ unitId: city.deptB.id, summary: '网传江城疫苗断供' }));
		expect(await pressB.caller.opinion.awaitingCount()).toBe(before + 1);

		expect((await officeAdmin.caller.opinion.byId({ id: created.id })).summary).toBe('网传江城应急物资被私分');
		expect((await officeAdmin.caller.opinion.list()).items.map((i) => i.id)).toContain(created.id);
	});
});

describe('the opinion board', () => {
	it('puts items awaiting assessment first, oldest first, then the nearest deadline, and counts those awaiting', async () => {
		const mine = (over: Parameters<typeof sighting>[0]) => pressC.caller.opinion.create(sighting({ unitId: deptC.id, ...over }));
		const relaxed = await mine({ summary: '网友称江城公交票价将上涨', firstSeenAt: ago(5 * 60), source: 'forum' });
		const pressing = await mine({ summary: '网传江城高速收费站全部关闭', firstSeenAt: ago(40 * 60), source: 'douyin' });
		const quiet = await mine({ summary: '网友建议增开夜间公交', type: 'other', source: 'wechat' });
		const waitingFirst = await mine({ summary: '网传江城机场航班全部取消' });
		const waitingSecond = await mine({ summary: '网传江城出租车集体罢运', type: 'criticism' });
		await pressC.caller.opinion.assess({ id: relaxed.id, heat: 'significant', needsResponse: true });
		await pressC.caller.opinion.assess({ id: pressing.id, heat: 'major', needsResponse: true });
		await pressC.caller.opinion.assess({ id: quiet.id, heat: 'general', needsResponse: false });

		const board = await pressC.caller.opinion.list();
		expect(board.items.map((i) => i.id)).toEqual([waitingFirst.id, waitingSecond.id, pressing.id, relaxed.id, quiet.id]);
		expect(board.awaiting).toBe(2);
		expect(await pressC.caller.opinion.awaitingCount()).toBe(2);
		expect(board.items[2]).toMatchObject({ heat: 'major', status: 'assessed', nextDueAt: later(pressing.firstSeenAt, 48), source: 'douyin' });
		expect(board.items[4]!.nextDueAt).toBeNull();

		const filter = { status: 'open' as const, unitId: null, type: null, source: null, heat: null, limit: 200 };
		expect((await pressC.caller.opinion.list({ ...filter, heat: 'major' })).items.map((i) => i.id)).toEqual([pressing.id]);
		expect((await pressC.caller.opinion.list({ ...filter, type: 'criticism' })).items.map((i) => i.id)).toEqual([waitingSecond.id]);
		expect((await pressC.caller.opinion.list({ ...filter, source: 'forum' })).items.map((i) => i.id)).toEqual([relaxed.id]);
		expect((await pressC.caller.opinion.list({ ...filter, status: 'awaiting_assessment' })).items.map((i) => i.id)).toEqual([waitingFirst.id, waitingSecond.id]);

		// Assessing one takes it off the count; closing one takes it off the open board.
		await pressC.caller.opinion.assess({ id: waitingFirst.id, heat: 'general', needsResponse: false });
		expect(await pressC.caller.opinion.awaitingCount()).toBe(1);
		await pressC.caller.opinion.evaluate({ id: quiet.id, attentionFell: true, lessons: '' });
		expect((await pressC.caller.opinion.list()).items.map((i) => i.id)).not.toContain(quiet.id);
		expect((await pressC.caller.opinion.list({ ...filter, status: 'closed' })).items.map((i) => i.id)).toEqual([quiet.id]);
	});
});

describe('assessing', () => {
	it('starts the 48-hour clock from the earliest sighting and shows its countdown', async () => {
		const created = await press.caller.opinion.create(sighting({ firstSeenAt: ago(10 * 60) }));
		const assessed = await press.caller.opinion.assess({ id: created.id, heat: 'major', needsResponse: true, responsePlan: '发布澄清' });
		expect(assessed).toMatchObject({ status: 'assessed', heat: 'major', needsResponse: true, assessedByName: '陈宣传', responsePlan: '发布澄清' });
		const response = assessed.clocks.find((c) => c.ruleKey === 'opinion.response');
		expect(response).toMatchObject({ ruleName: '回应政务舆情', startsAt: created.firstSeenAt, dueAt: later(created.firstSeenAt, 48), status: 'running' });
		expect(assessed.clocks.find((c) => c.ruleKey === 'opinion.assessment')).toMatchObject({ status: 'satisfied' });
		const { timeline } = await press.caller.opinion.byId({ id: created.id });
		expect(timeline.find((e) => e.kind === 'opinion.assessed')!.data).toEqual({ heat: '重大', response: '需要回应', unit: '江城市应急管理局' });
	});

	it('routes an item seen in two districts to the city government, with its clock', async () => {
		const created = await officeAdmin.caller.opinion.create(sighting({ unitId: city.deptA.id, summary: '网传江城区和河西区交界处化工厂泄漏' }));
		const assessed = await officeAdmin.caller.opinion.assess({
			id: created.id,
			heat: 'significant',
			needsResponse: true,
			localityUnitIds: [jiangcheng.id, hexi.id]
		});
		expect(assessed).toMatchObject({ unitId: city.government.id, unitName: '江城市人民政府', localityUnitIds: [jiangcheng.id, hexi.id] });
		expect(assessed.clocks.find((c) => c.ruleKey === 'opinion.response')).toMatchObject({ unitId: city.government.id, status: 'running' });
	});

	it('refuses a locality out of the person’s reach', async () => {
		const created = await press.caller.opinion.create(sighting());
		const { body } = await postAs(press, 'opinion.assess', { id: created.id, heat: 'general', needsResponse: true, localityUnitIds: [hexi.id] });
		expect(body.error.data.fieldErrors).toEqual({ localityUnitIds: '「涉及地方」不是可选的值' });
		expect((await press.caller.opinion.byId({ id: created.id })).status).toBe('awaiting_assessment');
	});
});

describe('under a major incident', () => {
	it('linking to a level II incident cancels the item’s own clock and shows the incident’s 5-hour and 24-hour clocks instead', async () => {
		const { incident, fiveHour } = await logMajorIncident(city.people.press, city.deptA.id, new Date(Date.now() - 2 * HOUR), new Date(), '江城化工园区储罐爆炸');
		const created = await press.caller.opinion.create(sighting({ summary: '网传化工园区爆炸死亡人数被瞒报', firstSeenAt: ago(90) }));
		await press.caller.opinion.assess({ id: created.id, heat: 'major', needsResponse: true });

		const linked = await press.caller.opinion.linkIncident({ id: created.id, incidentId: incident.id });
		expect(linked).toMatchObject({ incidentId: incident.id, incidentTitle: '江城化工园区储罐爆炸', incidentLevel: 2 });
		expect(linked.clocks.find((c) => c.ruleKey === 'opinion.response')).toMatchObject({ status: 'cancelled', cancelReason: '纳入“江城化工园区储罐爆炸”的时限' });

		const shown = await press.caller.opinion.byId({ id: created.id });
		expect(shown.clocks.filter((c) => c.status === 'running')).toEqual([]);
		expect(shown.incidentClocks.map((c) => [c.ruleKey, c.status])).toEqual([
			['incident.authoritative_release', 'running'],
			['incident.press_conference', 'running']
		]);
		expect(shown.incidentClocks[0]!.dueAt).toBe(toIso(fiveHour!.dueAt));
		// On the board the item is as urgent as the incident's nearest deadline.
		const row = (await press.caller.opinion.list()).items.find((i) => i.id === created.id);
		expect(row?.nextDueAt).toBe(toIso(fiveHour!.dueAt));
	});

	it('shows an item in reach but its incident beyond reach as nothing: no title, level or clocks', async () => {
		const { incident } = await logMajorIncident(city.people.press, city.deptA.id, new Date(Date.now() - HOUR), new Date(), '江城化工园区管道泄漏');
		// The city's office files the health commission's item under the emergency bureau's incident.
		const created = await officeAdmin.caller.opinion.create(sighting({ unitId: city.deptB.id, summary: '网传管道泄漏致周边居民中毒' }));
		await officeAdmin.caller.opinion.assess({ id: created.id, heat: 'major', needsResponse: true });
		await officeAdmin.caller.opinion.linkIncident({ id: created.id, incidentId: incident.id });

		const shown = await pressB.caller.opinion.byId({ id: created.id });
		expect(shown).toMatchObject({ incidentId: null, incidentHidden: true, incidentTitle: null, incidentLevel: null, incidentClocks: [] });
		const listed = (await pressB.caller.opinion.list()).items.find((i) => i.id === created.id);
		expect(listed).toMatchObject({ incidentId: null, incidentHidden: true, incidentTitle: null });
		expect(JSON.stringify([shown, listed])).not.toContain(incident.id);
	});

	it('keeps an incident beyond reach when the assessment leaves it out, and answers without it', async () => {
		const { incident } = await logMajorIncident(city.people.press, city.deptA.id, new Date(Date.now() - HOUR), new Date(), '江城化工园区仓库坍塌');
		const created = await officeAdmin.caller.opinion.create(sighting({ unitId: city.deptB.id, summary: '网传仓库坍塌多人被困' }));
		await officeAdmin.caller.opinion.linkIncident({ id: created.id, incidentId: incident.id });

		// The health commission's form sends no incident (it has none to send): the link stays, the answer shows nothing of it.
		const assessed = await pressB.caller.opinion.assess({ id: created.id, heat: 'major', needsResponse: true });
		expect(assessed).toMatchObject({ status: 'assessed', incidentId: null, incidentHidden: true, incidentTitle: null, incidentLevel: null, incidentClocks: [] });
		expect(JSON.stringify(assessed)).not.toContain(incident.id);
		expect(JSON.stringify(assessed)).not.toContain('江城化工园区仓库坍塌');
		// Still under the level II incident's clocks: no 48-hour clock of its own.
		expect(assessed.clocks.filter((c) => c.status === 'running')).toEqual([]);
		const seen = await officeAdmin.caller.opinion.byId({ id: created.id });
		expect(seen).toMatchObject({ incidentId: incident.id, incidentHidden: false, incidentTitle: '江城化工园区仓库坍塌', heat: 'major' });
		// A link kept is no news on the incident's timeline: it shows once, from when it was made.
		const { timeline } = await officeAdmin.caller.incident.byId({ id: incident.id });
		expect(timeline.filter((e) => e.kind === 'opinion.linked')).toHaveLength(1);

		// Choosing an incident beyond reach by its id is still refused, naming the field.
		const e = await refusal(pressB.caller.opinion.assess({ id: created.id, heat: 'major', needsResponse: true, incidentId: randomUUID() }));
		expect((e as FieldError).field).toBe('incidentId');
		// Choosing none unlinks it: that is the assessor's choice to make.
		expect(await pressB.caller.opinion.assess({ id: created.id, heat: 'major', needsResponse: true, incidentId: null })).toMatchObject({ incidentId: null, incidentHidden: false });
	});

	it('keeps the item’s own clock when the incident is level III', async () => {
		const minor = await press.caller.incident.create({
			clientKey: randomUUID(),
			title: '江城某小区外墙脱落',
			category: 'accident',
			level: 3,
			occurredAt: ago(120),
			location: '江城某小区',
			leadUnitId: city.deptA.id,
			description: ''
		});
		const created = await press.caller.opinion.create(sighting());
		await press.caller.opinion.assess({ id: created.id, heat: 'significant', needsResponse: true });
		const linked = await press.caller.opinion.linkIncident({ id: created.id, incidentId: minor.id });
		expect(linked).toMatchObject({ incidentId: minor.id, incidentLevel: 3, incidentClocks: [] });
		expect(linked.clocks.find((c) => c.ruleKey === 'opinion.response')).toMatchObject({ status: 'running' });
	});

	it('assessing with a level II incident starts no 48-hour clock', async () => {
		const { incident } = await logMajorIncident(city.people.press, city.deptA.id, new Date(Date.now() - HOUR));
		const created = await press.caller.opinion.create(sighting());
		const assessed = await press.caller.opinion.assess({ id: created.id, heat: 'major', needsResponse: true, incidentId: incident.id });
		expect(assessed.clocks.map((c) => [c.ruleKey, c.status])).toEqual([['opinion.assessment', 'satisfied']]);
		expect(assessed.incidentClocks).toHaveLength(2);
	});
});

describe('merging through the API', () => {
	it('shows every sighting on the kept item and the duplicate as merged', async () => {
		const kept = await press.caller.opinion.create(sighting({ summary: '网传江城水库大坝出现管涌', url: 'https://weibo.com/5500/Dam', firstSeenAt: ago(3 * 60) }));
		const dup = await officeAdmin.caller.opinion.create(
			sighting({ summary: '网传：江城水库大坝 出现管涌！', url: 'https://www.douyin.com/video/5500', source: 'douyin', firstSeenAt: ago(9 * 60) })
		);
		expect(dup.duplicates).toContainEqual(expect.objectContaining({ id: kept.id, reason: 'similar_summary', firstSeenAt: kept.firstSeenAt }));
		const merged = await press.caller.opinion.merge({ id: dup.id, intoId: kept.id });
		expect(merged).toMatchObject({ id: kept.id, firstSeenAt: dup.firstSeenAt, sightings: 2 });

		const shown = await press.caller.opinion.byId({ id: kept.id });
		expect(shown.sightings.map((s) => [s.source, s.url, s.seenAt, s.capturedByName])).toEqual([
			['douyin', 'https://www.douyin.com/video/5500', dup.firstSeenAt, '王市办'],
			['weibo', 'https://weibo.com/5500/Dam', kept.firstSeenAt, '陈宣传']
		]);
		const gone = await press.caller.opinion.byId({ id: dup.id });
		expect(gone).toMatchObject({ status: 'merged', mergedIntoId: kept.id, duplicates: [] });
		expect(gone.clocks.map((c) => c.status)).toEqual(['cancelled']);
	});
});

describe('responding', () => {
	it('a clarification, signed off with a password and published, meets the 48-hour clock at its publication time', async () => {
		const created = await press.caller.opinion.create(sighting({ summary: '网传江城自来水厂被投毒', firstSeenAt: ago(10 * 60) }));
		await press.caller.opinion.assess({ id: created.id, heat: 'major', needsResponse: true });

		const release = await press.caller.release.create({
			kind: 'clarification',
			opinionItemId: created.id,
			title: '关于“江城自来水厂被投毒”不实信息的澄清',
			body: '经核实，该信息不实。江城自来水厂水质检测各项指标正常。',
			channels: ['gov_weibo']
		});
		expect(release).toMatchObject({ unitId: city.deptA.id, opinionItemId: created.id, opinionSummary: '网传江城自来水厂被投毒' });
		await press.caller.release.submit({ id: release.id });
		const forSigning = await viceMayor.caller.release.byId({ id: release.id });
		expect(forSigning.clock).toMatchObject({ ruleName: '回应政务舆情', dueAt: later(created.firstSeenAt, 48), status: 'running' });
		expect(forSigning.can.sign).toHaveLength(1);
		const request = forSigning.requests.find((q) => q.id === forSigning.can.sign[0])!;
		await viceMayor.caller.release.approve({ id: release.id, requestId: request.id, versionHash: request.versionHash, proof: { kind: 'password', password: TEST_PASSWORD } });

		const publishedAt = toIso(new Date());
		const published = await press.caller.release.publish({
			id: release.id,
			publications: [{ channel: 'gov_weibo', url: 'https://weibo.com/jiangcheng/clarify1', publishedAt }]
		});
		expect(published.status).toBe('published');
		expect(published.satisfied).toMatchObject([{ ruleName: '回应政务舆情', status: 'satisfied' }]);

		const shown = await press.caller.opinion.byId({ id: created.id });
		expect(shown).toMatchObject({ status: 'responded', respondedAt: publishedAt });
		expect(shown.clocks.find((c) => c.ruleKey === 'opinion.response')).toMatchObject({ status: 'satisfied', satisfiedAt: publishedAt });
		expect(shown.releases).toMatchObject([{ id: release.id, kind: 'clarification', status: 'published', publishedAt, title: '关于“江城自来水厂被投毒”不实信息的澄清' }]);
		expect(shown.timeline.find((e) => e.kind === 'opinion.responded')).toMatchObject({ at: publishedAt, data: { releaseId: release.id } });

		// Answered: the item may now be evaluated and closed.
		const closed = await press.caller.opinion.evaluate({ id: created.id, attentionFell: true, lessons: '澄清及时，转发量回落' });
		expect(closed).toMatchObject({ status: 'closed', attentionFell: true, lessons: '澄清及时，转发量回落' });
	});

	it('refuses an authoritative release for an opinion item, saying which kinds answer one', async () => {
		const created = await press.caller.opinion.create(sighting());
		const e = await refusal(
			press.caller.release.create({ kind: 'authoritative', opinionItemId: created.id, title: '权威信息', body: '正文', channels: [] })
		);
		expect(e).toBeInstanceOf(FieldError);
		expect((e as FieldError).field).toBe('kind');
		expect(e.message).toContain('须是“回应”或“澄清”');
		// The field is the release's kind, not a unit's.
		expect(e.message).not.toContain('单位类型');
		expect(await sql`select 1 from releases where opinion_item_id = ${created.id}`).toHaveLength(0);
	});

	it('an interview recorded with its outlet meets the clock at its time; evaluation is refused before it', async () => {
		const created = await press.caller.opinion.create(sighting({ firstSeenAt: ago(5 * 60), type: 'media_enquiry', source: 'media_enquiry', url: null }));
		await press.caller.opinion.assess({ id: created.id, heat: 'significant', needsResponse: true });
		const early = await postAs(press, 'opinion.evaluate', { id: created.id, attentionFell: false });
		expect(early.body.error.message).toBe('这条舆情需要回应：请先回应，再评估结束');

		const at = ago(30);
		const answered = await press.caller.opinion.recordResponse({ id: created.id, kind: 'interview', outlet: '江城日报', at, note: '新闻发言人接受电话采访' });
		expect(answered).toMatchObject({ status: 'responded', respondedAt: at, satisfied: [{ ruleName: '回应政务舆情', status: 'satisfied' }] });
		const shown = await press.caller.opinion.byId({ id: created.id });
		expect(shown.responses).toMatchObject([{ kind: 'interview', outlet: '江城日报', at, note: '新闻发言人接受电话采访', recordedByName: '陈宣传' }]);
		expect(shown.clocks.find((c) => c.ruleKey === 'opinion.response')).toMatchObject({ status: 'satisfied', satisfiedAt: at });
	});

	it('keeps consultation notes from several units on the item', async () => {
		const created = await press.caller.opinion.create(sighting());
		await press.caller.opinion.consult({ id: created.id, note: '已联系属地核实' });
		await officeAdmin.caller.opinion.consult({ id: created.id, note: '请应急管理局牵头回应' });
		const { consultations, timeline } = await press.caller.opinion.byId({ id: created.id });
		expect(consultations.map((c) => [c.unitName, c.personName, c.note])).toEqual([
			['江城市应急管理局', '陈宣传', '已联系属地核实'],
			['江城市人民政府办公室', '王市办', '请应急管理局牵头回应']
		]);
		expect(timeline.filter((e) => e.kind === 'opinion.consulted')).toHaveLength(2);
	});
});
