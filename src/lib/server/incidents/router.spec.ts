// Incidents through the API, as the phone uses it: logging (and replaying an offline submit),
// what is refused and why, level changes and the clocks they start or stop, and who may see what.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { toIso } from '../../time.ts';
import { clocksOf } from '../clocks/queries.ts';
import { sql } from '../db.ts';
import { ConflictError } from '../errors.ts';
import { makeProvince, signInAs, type SignedIn, refusal, postAs } from '../test-helpers.ts';

let city: Awaited<ReturnType<typeof makeProvince>>;
let duty: SignedIn, press: SignedIn, pressB: SignedIn, officeAdmin: SignedIn;
beforeAll(async () => {
	city = await makeProvince();
	[duty, press, pressB, officeAdmin] = await Promise.all([
		signInAs('duty-a'),
		signInAs('press-a'),
		signInAs('press-b'),
		signInAs('office-admin')
	]);
});

const HOUR = 3_600_000;
const ISO_CST = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/;
/** `minutes` ago, as the phone sends it: ISO 8601 in China time, to the second. */
const ago = (minutes: number) => toIso(new Date(Date.now() - minutes * 60_000));
const later = (iso: string, hours: number) => toIso(new Date(Date.parse(iso) + hours * HOUR));

function report(overrides: Partial<Parameters<SignedIn['caller']['incident']['create']>[0]> = {}) {
	return {
		clientKey: randomUUID(),
		title: '江城化工园区储罐爆炸',
		category: 'accident' as const,
		level: 2,
		occurredAt: ago(20),
		location: '江城化工园区',
		leadUnitId: city.deptA.id,
		description: '现场有浓烟，已疏散周边群众',
		...overrides
	};
}

const countIncidents = async () => (await sql<{ n: number }[]>`select count(*)::int as n from incidents`)[0]!.n;

describe('logging an incident', () => {
	it('shows the two clocks of a major incident, timed from when it happened, in China time, with the timeline in order', async () => {
		const input = report({ occurredAt: ago(30) });
		const created = await duty.caller.incident.create(input);
		expect(created.replay).toBe(false);

		const shown = await duty.caller.incident.byId({ id: created.id });
		expect(shown.occurredAt).toBe(input.occurredAt);
		expect(shown.clocks).toMatchObject([
			{ ruleKey: 'incident.authoritative_release', startsAt: input.occurredAt, dueAt: later(input.occurredAt, 5), status: 'running', satisfiedAt: null },
			{ ruleKey: 'incident.press_conference', startsAt: input.occurredAt, dueAt: later(input.occurredAt, 24), status: 'running', satisfiedAt: null }
		]);
		for (const c of shown.clocks) {
			expect(c.startsAt).toMatch(ISO_CST);
			expect(c.dueAt).toMatch(ISO_CST);
		}
		for (const time of [shown.receivedAt, shown.createdAt, shown.updatedAt]) expect(time).toMatch(ISO_CST);

		await duty.caller.incident.update({ id: created.id, ...input, description: '已控制火势，无人员伤亡' });
		await duty.caller.incident.close({ id: created.id, note: '经核实为误报，储罐未爆炸' });
		const { timeline } = await duty.caller.incident.byId({ id: created.id });
		expect(timeline.map((e) => e.kind)).toEqual([
			'incident.logged',
			'clock.started',
			'clock.started',
			'incident.updated',
			'clock.cancelled',
			'clock.cancelled',
			'incident.closed'
		]);
		expect(timeline.every((e) => ISO_CST.test(e.at))).toBe(true);
		expect(timeline.map((e) => e.at)).toEqual(timeline.map((e) => e.at).sort());
		expect(timeline[0]).toMatchObject({ actorName: '李值班', data: { level: 2 } });
		expect(timeline[3]!.data).toEqual({ changed: ['description'] });
	});

	it('starts no clock for a level III incident', async () => {
		const created = await duty.caller.incident.create(report({ level: 3 }));
		expect(created.clocks).toEqual([]);
	});

	it('lists open incidents with their running clocks', async () => {
		const created = await duty.caller.incident.create(report({ title: '江城地铁隧道渗水' }));
		const row = (await duty.caller.incident.list()).items.find((i) => i.id === created.id);
		expect(row?.openClocks.map((c) => [c.ruleName, c.status])).toEqual([
			['发布权威信息', 'running'],
			['召开新闻发布会', 'running']
		]);
		expect(row?.openClocks[0]!.dueAt).toBe(later(created.occurredAt, 5));
	});
});

describe('a submission replayed from the offline outbox', () => {
	it('makes one incident of five identical submissions arriving at once, and gives all five its id', async () => {
		const input = report({ title: '江城长江大桥货车侧翻' });
		const before = await countIncidents();
		const results = await Promise.all(Array.from({ length: 5 }, () => duty.caller.incident.create(input)));
		expect(new Set(results.map((r) => r.id)).size).toBe(1);
		expect(results.map((r) => r.replay).sort()).toEqual([false, true, true, true, true]);
		expect(await countIncidents()).toBe(before + 1);
		// One pair of clocks, not five: nobody is told five times.
		expect(await clocksOf(sql, { type: 'incident', id: results[0]!.id })).toHaveLength(2);
		expect(results.every((r) => r.clocks.length === 2)).toBe(true);
	});

	it('refuses the same key with a different text as a conflict, and hands back the first version', async () => {
		const first = report({ title: '江城高速连环追尾' });
		const created = await duty.caller.incident.create(first);
		const changed = { ...first, title: '江城高速连环追尾（12车）' };

		const e = await refusal(duty.caller.incident.create(changed));
		expect(e.code).toBe('CONFLICT');
		expect(e.message).toBe('这条记录已用同一编号提交过，但内容不同：请比较两个版本后决定');
		expect(e).toBeInstanceOf(ConflictError);
		expect((e as ConflictError).existing).toMatchObject({ id: created.id, title: '江城高速连环追尾' });

		const { status, body } = await postAs(duty, 'incident.create', changed);
		expect(status).toBe(409);
		expect(body.error.message).toBe('这条记录已用同一编号提交过，但内容不同：请比较两个版本后决定');
		// The first version as the API shows it everywhere, so the side-by-side view compares like with like.
		expect(body.error.data.existing).toMatchObject({
			id: created.id,
			title: '江城高速连环追尾',
			occurredAt: first.occurredAt,
			description: first.description,
			receivedAt: created.receivedAt
		});
		expect(body.error.data.existing).not.toHaveProperty('bodyHash');
		expect((await duty.caller.incident.byId({ id: created.id })).title).toBe('江城高速连环追尾');
	});

	it("keeps another person's submission with the same key as an incident of its own", async () => {
		const input = report({ title: '江城体育馆踩踏' });
		const mine = await duty.caller.incident.create(input);
		const theirs = await press.caller.incident.create(input);
		expect(theirs.id).not.toBe(mine.id);
		expect(theirs.replay).toBe(false);
		expect(theirs.createdByName).toBe('陈宣传');
	});
});

describe('what is refused, and why', () => {
	it('refuses a time of occurrence more than five minutes ahead, and accepts a phone a little fast', async () => {
		const before = await countIncidents();
		// Refused with the input, before the flow's own check: the browser's message is the same.
		const e = await refusal(duty.caller.incident.create(report({ level: 4, occurredAt: toIso(new Date(Date.now() + 10 * 60_000)) })));
		expect(e.code).toBe('BAD_REQUEST');
		const { body } = await postAs(duty, 'incident.create', report({ level: 4, occurredAt: toIso(new Date(Date.now() + 10 * 60_000)) }));
		expect(body.error.data.fieldErrors).toEqual({ occurredAt: '「发生时间」不能晚于现在 5 分钟以上' });
		expect(await countIncidents()).toBe(before);

		const fast = await duty.caller.incident.create(report({ level: 4, occurredAt: toIso(new Date(Date.now() + 3 * 60_000)) }));
		expect(fast.level).toBe(4);
	});

	it('asks for confirmation of a time more than seven days ago, and accepts it once confirmed', async () => {
		const input = report({ level: 3, occurredAt: ago(8 * 24 * 60) });
		const e = await refusal(duty.caller.incident.create(input));
		expect(e.message).toBe('「发生时间」是 7 天以前，请确认时间无误后再提交');
		const confirmed = await duty.caller.incident.create({ ...input, confirmOld: true });
		expect(confirmed.occurredAt).toBe(input.occurredAt);
	});

	it('refuses a lead unit outside the person’s reach', async () => {
		const before = await countIncidents();
		for (const leadUnitId of [city.deptB.id, city.government.id, randomUUID()]) {
			const e = await refusal(duty.caller.incident.create(report({ leadUnitId })));
			expect(e.code).toBe('BAD_REQUEST');
			expect(e.message).toBe('「牵头单位」不是可选的值');
		}
		expect(await countIncidents()).toBe(before);
	});

	it('asks for a title, blank or missing, under the title field', async () => {
		const { title: _missing, ...untitled } = report();
		for (const input of [report({ title: '   ' }), untitled]) {
			const { status, body } = await postAs(duty, 'incident.create', input);
			expect(status).toBe(400);
			expect(body.error.message).toBe('「标题」必须填写');
			expect(body.error.data.fieldErrors).toEqual({ title: '「标题」必须填写' });
		}
	});
});

describe('changing the level', () => {
	it('starts the two major clocks from the original occurrence when a level III is raised to II', async () => {
		const occurredAt = ago(120);
		const created = await duty.caller.incident.create(report({ level: 3, occurredAt }));
		expect(created.clocks).toEqual([]);

		const raised = await duty.caller.incident.setLevel({ id: created.id, level: 2 });
		expect(raised.level).toBe(2);
		expect(raised.clocks).toMatchObject([
			{ ruleKey: 'incident.authoritative_release', startsAt: occurredAt, dueAt: later(occurredAt, 5), status: 'running' },
			{ ruleKey: 'incident.press_conference', startsAt: occurredAt, dueAt: later(occurredAt, 24), status: 'running' }
		]);
		// Raising II to I keeps the same clocks: the deadline does not restart.
		const top = await duty.caller.incident.setLevel({ id: created.id, level: 1 });
		expect(top.clocks.map((c) => c.id)).toEqual(raised.clocks.map((c) => c.id));
	});

	it('refuses to lower a major incident without a reason, and cancels its clocks with the reason on record', async () => {
		const created = await duty.caller.incident.create(report({ title: '江城化工厂泄漏' }));
		for (const reason of [undefined, '   ']) {
			const e = await refusal(duty.caller.incident.setLevel({ id: created.id, level: 3, reason }));
			expect(e.code).toBe('BAD_REQUEST');
			expect(e.message).toContain('「理由」');
		}
		const { body } = await postAs(duty, 'incident.setLevel', { id: created.id, level: 3 });
		expect(body.error.data.fieldErrors).toEqual({ reason: '「理由」降级会撤销重大事件的计时，必须说明理由' });
		const still = await duty.caller.incident.byId({ id: created.id });
		expect(still.level).toBe(2);
		expect(still.clocks.map((c) => c.status)).toEqual(['running', 'running']);

		const reason = '经核实无人员伤亡，泄漏已控制，按较大事件处置';
		const lowered = await duty.caller.incident.setLevel({ id: created.id, level: 3, reason });
		expect(lowered.level).toBe(3);
		expect(lowered.clocks.map((c) => [c.status, c.cancelReason])).toEqual([
			['cancelled', reason],
			['cancelled', reason]
		]);
		const { timeline } = await duty.caller.incident.byId({ id: created.id });
		expect(timeline.find((e) => e.kind === 'incident.level_changed' && e.data.to === 3)?.data).toEqual({ from: 2, to: 3, reason });
		// the clocks' line keeps the reason as a stored text: the person's words, verbatim
		const typed = { key: 'common.verbatim', params: { text: reason } };
		expect(timeline.filter((e) => e.kind === 'clock.cancelled').map((e) => e.data.reason)).toEqual([typed, typed]);
		const [row] = await sql<{ action: string }[]>`
			select action from audit_log where entity = 'incident' and entity_id = ${created.id} and action = 'incident.level_changed'`;
		expect(row).toBeDefined();
	});
});

describe("another department's incident", () => {
	it('is not found for reading, editing, changing its level, closing or merging, and nothing changes', async () => {
		const theirs = await duty.caller.incident.create(report({ title: '江城危化品仓库起火' }));
		const own = await pressB.caller.incident.create(report({ title: '江城医院食物中毒', category: 'public_health', leadUnitId: city.deptB.id }));

		const attempts: (() => Promise<unknown>)[] = [
			() => pressB.caller.incident.byId({ id: theirs.id }),
			() => pressB.caller.incident.update({ ...report({ title: '改掉' }), id: theirs.id, occurredAt: theirs.occurredAt }),
			() => pressB.caller.incident.setLevel({ id: theirs.id, level: 3, reason: '越权降级' }),
			() => pressB.caller.incident.close({ id: theirs.id, note: '越权关闭' }),
			() => pressB.caller.incident.merge({ id: theirs.id, intoId: own.id })
		];
		for (const attempt of attempts) {
			const e = await refusal(attempt());
			expect(e.code).toBe('NOT_FOUND');
			expect(e.message).toBe('未找到该记录，或您无权查看');
		}
		const unchanged = await duty.caller.incident.byId({ id: theirs.id });
		expect(unchanged).toMatchObject({ title: '江城危化品仓库起火', level: 2, status: 'open' });
		expect(unchanged.clocks.map((c) => c.status)).toEqual(['running', 'running']);
	});

	it('is left out of the list and of the clocks, which the city office sees in full', async () => {
		const theirs = await duty.caller.incident.create(report({ title: '江城水厂停水' }));
		const own = await pressB.caller.incident.create(report({ title: '江城疾控发现聚集性病例', category: 'public_health', leadUnitId: city.deptB.id }));

		const listed = (await pressB.caller.incident.list()).items.map((i) => i.id);
		expect(listed).toContain(own.id);
		expect(listed).not.toContain(theirs.id);
		const mine = (await pressB.caller.clock.mine({ limit: 100 })).clocks;
		expect(mine.length).toBeGreaterThan(0);
		expect(mine.every((c) => c.unitId === city.deptB.id)).toBe(true);
		expect(mine.map((c) => c.subjectId)).toContain(own.id);
		expect(mine[0]!.dueAt).toMatch(ISO_CST);

		const watched = (await officeAdmin.caller.clock.mine({ limit: 100 })).clocks.map((c) => c.subjectId);
		expect(watched).toEqual(expect.arrayContaining([theirs.id, own.id]));
		expect((await officeAdmin.caller.incident.list()).items.map((i) => i.id)).toEqual(expect.arrayContaining([theirs.id, own.id]));
	});
});
