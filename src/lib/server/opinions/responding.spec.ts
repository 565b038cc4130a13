// Public-opinion items answered: the incident that takes an item under its own clocks, responses that meet the
// 48-hour clock, the evaluation that closes an item, and the notes of a consultation.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../db.ts';
import { logIncident } from '../incidents/flows.ts';
import { authorFor, logMajorIncident } from '../test-helpers.ts';
import { timelineOf } from '../timeline/queries.ts';
import { addConsultation, assessItem, evaluateItem, linkIncident, recordResponse } from './flows.ts';
import { consultationsOf, responsesOf } from './queries.ts';
import { as, assessment, at, capture, city, clockOf, clocks, HOUR, item, MINUTE, officeAdmin, press, refusedWith, setUpOpinionWorld } from './test-world.ts';

beforeAll(setUpOpinionWorld);

describe('under an incident', () => {
	async function levelThree(title: string) {
		const { incident } = await logIncident(
			{
				title,
				category: 'accident',
				level: 3,
				occurredAt: new Date(Date.now() - HOUR),
				location: '江城',
				leadUnitId: city.deptA.id,
				description: '',
				clientKey: randomUUID(),
				deviceRecordedAt: null,
				confirmOld: false
			},
			authorFor(city.people.press)
		);
		return incident;
	}

	it('linking to a level II incident cancels the item’s own 48-hour clock', async () => {
		const { incident } = await logMajorIncident(city.people.press, city.deptA.id, new Date(Date.now() - HOUR), new Date(), '江城化工园区储罐爆炸');
		const { item: captured } = await capture(press);
		await assessItem(captured.id, assessment(), as(press));
		const linked = await linkIncident(captured.id, incident.id, as(press));
		expect(linked).toMatchObject({ incidentId: incident.id, incidentTitle: '江城化工园区储罐爆炸', incidentLevel: 2 });
		expect(await clockOf(captured.id, 'opinion.response')).toMatchObject({ status: 'cancelled', cancelReason: '纳入“江城化工园区储罐爆炸”的时限' });
		const incidentTimeline = await timelineOf(sql, { type: 'incident', id: incident.id });
		expect(incidentTimeline.at(-1)).toMatchObject({ kind: 'opinion.linked', data: { itemId: captured.id } });
	});

	it('linking to a level III incident leaves the 48-hour clock running', async () => {
		const incident = await levelThree('江城某路段路面塌陷');
		const { item: captured } = await capture(press);
		await assessItem(captured.id, assessment(), as(press));
		await linkIncident(captured.id, incident.id, as(press));
		expect(await clockOf(captured.id, 'opinion.response')).toMatchObject({ status: 'running' });
	});

	it('assessing with a level II incident linked starts no 48-hour clock; with a level III one it does', async () => {
		const { incident } = await logMajorIncident(city.people.press, city.deptA.id, new Date(Date.now() - HOUR));
		const { item: major } = await capture(press);
		await assessItem(major.id, assessment({ incidentId: incident.id }), as(press));
		expect((await clocks(major.id)).map((c) => [c.ruleKey, c.status])).toEqual([['opinion.assessment', 'satisfied']]);
		expect((await item(major.id)).incidentId).toBe(incident.id);

		const minor = await levelThree('江城某小区电梯困人');
		const { item: other } = await capture(press);
		await assessItem(other.id, assessment({ incidentId: minor.id }), as(press));
		expect(await clockOf(other.id, 'opinion.response')).toMatchObject({ status: 'running' });
	});

	it('assessing an item already linked to a level II incident starts no 48-hour clock', async () => {
		const { incident } = await logMajorIncident(city.people.press, city.deptA.id, new Date(Date.now() - HOUR));
		const { item: captured } = await capture(press);
		await linkIncident(captured.id, incident.id, as(press));
		await assessItem(captured.id, assessment({ incidentId: incident.id }), as(press));
		expect(await clockOf(captured.id, 'opinion.response')).toBeUndefined();
	});

	it('refuses an incident out of the person’s reach', async () => {
		const { incident } = await logMajorIncident(city.people.pressB, city.deptB.id, new Date(Date.now() - HOUR));
		const { item: captured } = await capture(press);
		await refusedWith(linkIncident(captured.id, incident.id, as(press)), 'incidentId', '「相关事件」不是可选的值');
		expect((await item(captured.id)).incidentId).toBeNull();
	});
});

describe('responding and evaluating', () => {
	it('an interview meets the 48-hour clock at its time; the evaluation then closes the item', async () => {
		const now = new Date();
		const { item: captured } = await capture(press, { firstSeenAt: at(now, -10 * HOUR) }, at(now, -9 * HOUR));
		await assessItem(captured.id, assessment(), as(press), at(now, -8 * HOUR));
		await refusedWith(evaluateItem(captured.id, { attentionFell: true, lessons: '' }, as(press), at(now, -7 * HOUR)), 'id', '这条舆情需要回应：请先回应，再评估结束');

		const { item: answered, satisfied } = await recordResponse(
			captured.id,
			{ kind: 'interview', outlet: ' 江城电视台《新闻直播间》 ', at: at(now, -3 * HOUR), note: '局长接受采访，说明仓库未失火' },
			as(press),
			now
		);
		expect(satisfied).toMatchObject([{ ruleName: '回应政务舆情', status: 'satisfied' }]);
		expect(answered).toMatchObject({ status: 'responded', respondedAt: at(now, -3 * HOUR) });
		expect(await clockOf(captured.id, 'opinion.response')).toMatchObject({
			status: 'satisfied',
			satisfiedAt: at(now, -3 * HOUR),
			evidence: { kind: 'interview', outlet: '江城电视台《新闻直播间》' }
		});
		expect(await responsesOf(sql, captured.id)).toMatchObject([
			{ kind: 'interview', outlet: '江城电视台《新闻直播间》', at: at(now, -3 * HOUR), note: '局长接受采访，说明仓库未失火', recordedByName: '陈宣传' }
		]);

		const closed = await evaluateItem(captured.id, { attentionFell: true, lessons: '  首发澄清要更快  ' }, as(press), at(now, MINUTE));
		expect(closed).toMatchObject({ status: 'closed', attentionFell: true, lessons: '首发澄清要更快', closedAt: at(now, MINUTE) });
		await refusedWith(addConsultation(captured.id, '再补充一点', as(press)), 'id', '这条舆情已结束或已合并');
	});

	it('a response after the deadline meets the clock late', async () => {
		const now = new Date();
		const { item: captured } = await capture(press, { firstSeenAt: at(now, -60 * HOUR) }, at(now, -59 * HOUR));
		await assessItem(captured.id, assessment(), as(press), at(now, -58 * HOUR));
		const { satisfied } = await recordResponse(captured.id, { kind: 'briefing', outlet: '媒体通气会', at: at(now, -HOUR), note: '' }, as(press), now);
		expect(satisfied).toMatchObject([{ status: 'satisfied_late' }]);
	});

	it('refuses a response with no outlet, in the future, or before the item was first seen', async () => {
		const now = new Date();
		const { item: captured } = await capture(press, { firstSeenAt: at(now, -2 * HOUR) }, now);
		await assessItem(captured.id, assessment(), as(press), now);
		const response = { kind: 'interview' as const, outlet: '江城日报', at: at(now, -HOUR), note: '' };
		await refusedWith(recordResponse(captured.id, { ...response, outlet: '  ' }, as(press), now), 'outlet', '「媒体或场合」必须填写');
		await refusedWith(recordResponse(captured.id, { ...response, at: at(now, HOUR) }, as(press), now), 'at', '「时间」不能晚于现在');
		await refusedWith(recordResponse(captured.id, { ...response, at: at(now, -3 * HOUR) }, as(press), now), 'at', '「时间」不能早于首次发现时间');
		expect(await responsesOf(sql, captured.id)).toEqual([]);
		expect(await clockOf(captured.id, 'opinion.response')).toMatchObject({ status: 'running' });
	});

	it('closes an item needing no response straight after assessment, and refuses to evaluate one not yet assessed', async () => {
		const { item: waiting } = await capture(press);
		await refusedWith(evaluateItem(waiting.id, { attentionFell: false, lessons: '' }, as(press)), 'id', '请先研判，再评估');
		await assessItem(waiting.id, assessment({ heat: 'general', needsResponse: false }), as(press));
		const closed = await evaluateItem(waiting.id, { attentionFell: false, lessons: '' }, as(press));
		expect(closed).toMatchObject({ status: 'closed', attentionFell: false });
	});
});

describe('consultation', () => {
	it('keeps each note with its author’s unit, in order', async () => {
		const now = new Date();
		const { item: captured } = await capture(press);
		await addConsultation(captured.id, '  已核实：仓库未失火，系消防演练  ', as(press), now);
		await addConsultation(captured.id, '同意由应急管理局发布澄清', as(officeAdmin), at(now, MINUTE));
		expect(await consultationsOf(sql, captured.id)).toMatchObject([
			{ unitName: '江城市应急管理局', personName: '陈宣传', note: '已核实：仓库未失火，系消防演练', at: now },
			{ unitName: '江城市人民政府办公室', personName: '王市办', note: '同意由应急管理局发布澄清', at: at(now, MINUTE) }
		]);
		await refusedWith(addConsultation(captured.id, '   ', as(press)), 'note', '「说明」必须填写');
		expect(await consultationsOf(sql, captured.id)).toHaveLength(2);
	});
});
