// Public-opinion items through the API, as the phone and the opinion board use it: capturing (and replaying
// from the offline outbox), what is refused and how it is said, who may see what, the board's order and its
// count of items awaiting assessment. Taking over by an incident, merging and responding: router-handling.spec.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { toIso } from '../../time.ts';
import { ConflictError } from '../errors.ts';
import { anonymousCaller, postAs, refusal } from '../test-helpers.ts';
import { MINUTE, ago, later, city, deptC, jiangcheng, hexi, press, officeAdmin, pressB, pressC, sighting, countItems, setUpRouterWorld } from './router-world.ts';

beforeAll(setUpRouterWorld);

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

		const filter = { status: 'open' as const, unitId: null, type: null, source: null, heat: null, limit: 100 };
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
