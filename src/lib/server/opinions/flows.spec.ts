// Public-opinion items through their cycle, each flow called with its own `now`. This file: the 2-hour assessment
// rule and its escalation, the 48-hour clock counted from the earliest sighting, and the unit that answers for it.
// duplicates.spec.ts (duplicates and merging), responding.spec.ts (incidents, responses, evaluation) and
// capturing.spec.ts (screenshots and refused entries) go on in the same world (test-world.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import { runClock } from '../clocks/flows.ts';
import { sql } from '../db.ts';
import { timelineOf } from '../timeline/queries.ts';
import { assessItem, recordResponse } from './flows.ts';
import { as, assessment, at, capture, city, clockOf, clocks, HOUR, item, MINUTE, officeAdmin, press, setUpOpinionWorld } from './test-world.ts';
import { inChinese } from '../notify/test-notices.ts';

beforeAll(setUpOpinionWorld);

describe('the 48-hour clock', () => {
	it('does not start on capture: the 2-hour assessment rule does, counted from when the item reached the office', async () => {
		const now = new Date();
		const firstSeenAt = at(now, -10 * HOUR);
		const { item: captured, replay } = await capture(press, { firstSeenAt }, now);
		expect(replay).toBe(false);
		expect(captured).toMatchObject({ status: 'awaiting_assessment', firstSeenAt, receivedAt: now, sightings: 1, source: 'weibo', heat: null, needsResponse: null });
		expect(await clocks(captured.id)).toMatchObject([
			{ ruleKey: 'opinion.assessment', ruleName: '研判舆情', unitId: city.deptA.id, startsAt: now, dueAt: at(now, 2 * HOUR), status: 'running' }
		]);
	});

	it('starts when the item is assessed as needing a response, counted from the earliest sighting, and meets the assessment rule', async () => {
		const now = new Date();
		const firstSeenAt = at(now, -10 * HOUR);
		const { item: captured } = await capture(press, { firstSeenAt }, now);
		const assessedAt = at(now, 30 * MINUTE);
		const assessed = await assessItem(captured.id, assessment(), as(press), assessedAt);
		expect(assessed).toMatchObject({ status: 'assessed', heat: 'major', needsResponse: true, assessedAt, assessedByName: '陈宣传', responsePlan: '2小时内在政务微博发布澄清' });

		expect(await clockOf(captured.id, 'opinion.assessment')).toMatchObject({ status: 'satisfied', satisfiedAt: assessedAt });
		expect(await clockOf(captured.id, 'opinion.response')).toMatchObject({
			ruleName: '回应政务舆情',
			startsAt: firstSeenAt,
			dueAt: at(firstSeenAt, 48 * HOUR),
			startedAt: assessedAt,
			status: 'running'
		});
		expect((await timelineOf(sql, { type: 'opinion_item', id: captured.id })).map((e) => e.kind)).toEqual([
			'opinion.captured',
			'clock.started',
			'clock.satisfied',
			'clock.started',
			'opinion.assessed'
		]);
	});

	it('does not start when the item needs no response', async () => {
		const { item: captured } = await capture(press);
		await assessItem(captured.id, assessment({ heat: 'general', needsResponse: false }), as(press));
		expect((await clocks(captured.id)).map((c) => [c.ruleKey, c.status])).toEqual([['opinion.assessment', 'satisfied']]);
	});

	it('does not start a second time when the item is assessed again', async () => {
		const { item: captured } = await capture(press);
		await assessItem(captured.id, assessment({ heat: 'significant' }), as(press));
		await assessItem(captured.id, assessment({ heat: 'major' }), as(press));
		expect((await clocks(captured.id)).filter((c) => c.ruleKey === 'opinion.response')).toHaveLength(1);
		expect((await item(captured.id)).heat).toBe('major');
	});

	it('stops when a later assessment finds no response is needed', async () => {
		const { item: captured } = await capture(press);
		await assessItem(captured.id, assessment(), as(press));
		await assessItem(captured.id, assessment({ needsResponse: false }), as(press));
		expect(await clockOf(captured.id, 'opinion.response')).toMatchObject({ status: 'cancelled', cancelReason: '研判为无需回应' });
	});

	it('is not started again by re-assessing an item already answered', async () => {
		const now = new Date();
		const { item: captured } = await capture(press, { firstSeenAt: at(now, -5 * HOUR) }, at(now, -4 * HOUR));
		await assessItem(captured.id, assessment(), as(press), at(now, -3 * HOUR));
		await recordResponse(captured.id, { kind: 'interview', outlet: '江城日报', at: at(now, -2 * HOUR), note: '' }, as(press), at(now, -2 * HOUR));
		// Correcting the heat afterwards: the item was answered, no new 48-hour countdown may appear.
		await assessItem(captured.id, assessment({ heat: 'significant' }), as(press), now);
		const responseClocks = (await clocks(captured.id)).filter((c) => c.ruleKey === 'opinion.response');
		expect(responseClocks.map((c) => c.status)).toEqual(['satisfied']);
		expect((await item(captured.id)).status).toBe('responded');
	});
});

describe('the responsible unit', () => {
	it('takes the open clocks when the assessment routes the item to the unit of its locality, on the record', async () => {
		const now = new Date();
		const { item: captured } = await capture(press, {}, now);
		await assessItem(captured.id, assessment({ localityUnitIds: [city.deptB.id] }), as(officeAdmin), at(now, 10 * MINUTE));
		expect((await clocks(captured.id)).map((c) => [c.ruleKey, c.unitId, c.status])).toEqual([
			['opinion.assessment', city.deptB.id, 'satisfied'],
			['opinion.response', city.deptB.id, 'running']
		]);
		const lines = (await timelineOf(sql, { type: 'opinion_item', id: captured.id })).filter((e) => e.kind === 'clock.reassigned');
		expect(lines.map((e) => [e.actorName, e.data.rule, e.data.unit])).toEqual([['王市办', '研判舆情', '江城市卫生健康委员会']]);
	});
});

describe('the assessment rule', () => {
	it('tells the unit’s press officers when an item has waited 2 hours, then its leader in charge, and records the breach', async () => {
		const now = new Date();
		const { item: captured } = await capture(press, { summary: '网传江城化工园区排放毒气，多名学生晕倒' }, now);
		const clock = (await clockOf(captured.id, 'opinion.assessment'))!;
		const notices = async () =>
			inChinese(
				await sql<{ personId: string; urgency: string; title: unknown; body: unknown }[]>`
					select person_id, urgency, title, body from notifications where clock_id = ${clock.id} order by created_at, person_id`
			);

		expect(await runClock(clock.id, at(now, 1 * HOUR))).toMatchObject({ notified: 0, breached: false });
		expect(await notices()).toEqual([]);

		const first = await runClock(clock.id, at(now, 2 * HOUR + MINUTE));
		expect(first).toMatchObject({ notified: 2, breached: true });
		const told = await notices();
		expect(told.map((n) => n.personId).sort()).toEqual([city.people.press.id, city.people.spokesperson.id].sort());
		for (const n of told) {
			expect(n.urgency).toBe('high');
			expect(n.title).toBe('【研判舆情】网传江城化工园区排放毒气，多名学生晕倒');
			expect(n.body).toContain('请尽快研判这条舆情');
		}
		expect(await clockOf(captured.id, 'opinion.assessment')).toMatchObject({ status: 'breached', breachedAt: at(now, 2 * HOUR) });
		const [breach] = await sql<{ unitId: string; responsibleIds: string[] }[]>`select unit_id, responsible_ids from breaches where clock_id = ${clock.id}`;
		expect(breach!.unitId).toBe(city.deptA.id);
		expect(breach!.responsibleIds).toEqual(expect.arrayContaining([city.people.press.id, city.people.viceMayor.id]));

		// Nobody acknowledged within 30 minutes: the leader in charge is told, once.
		expect(await runClock(clock.id, at(now, 2 * HOUR + 31 * MINUTE))).toMatchObject({ notified: 1 });
		expect(await runClock(clock.id, at(now, 2 * HOUR + 32 * MINUTE))).toMatchObject({ notified: 0 });
		const leader = (await notices()).filter((n) => n.personId === city.people.viceMayor.id);
		expect(leader).toHaveLength(1);
		expect(leader[0]!.body).toContain('30 分钟内无人确认');
		// Nobody outside the unit is woken.
		expect((await notices()).some((n) => n.personId === city.people.pressB.id || n.personId === city.people.duty.id)).toBe(false);

		// Assessed at last: the rule is met, late.
		await assessItem(captured.id, assessment({ needsResponse: false }), as(press), at(now, 3 * HOUR));
		expect(await clockOf(captured.id, 'opinion.assessment')).toMatchObject({ status: 'satisfied_late', satisfiedAt: at(now, 3 * HOUR) });
	});
});
