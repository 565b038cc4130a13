// Public-opinion items through the API once captured: the incident's clocks taking over, routing to the superior
// unit, merging, and a clarification signed off and published that meets the 48-hour clock.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { toIso } from '../../time.ts';
import { sql } from '../db.ts';
import { FieldError } from '../errors.ts';
import { logMajorIncident, postAs, refusal, TEST_PASSWORD } from '../test-helpers.ts';
import { HOUR, ago, later, city, jiangcheng, press, viceMayor, officeAdmin, pressB, sighting, setUpRouterWorld } from './router-world.ts';

beforeAll(setUpRouterWorld);

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
		await viceMayor.caller.signoff.approve({ kind: 'release', id: release.id, requestId: request.id, versionHash: request.versionHash, proof: { kind: 'password', password: TEST_PASSWORD } });

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
