// Public-opinion items through their cycle, each flow called with its own `now`: the 2-hour assessment rule
// and its escalation, the 48-hour clock counted from the earliest sighting, duplicates and merging, the
// incident that takes the item under its own clocks, responses, evaluation, and screenshots that must be
// images the person may use.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePdf, samplePng } from '../../../../tests/support/sample-files.ts';
import { runClock } from '../clocks/flows.ts';
import { clocksOf, type ClockRow } from '../clocks/queries.ts';
import { sql } from '../db.ts';
import { FieldError } from '../errors.ts';
import { fileAccess, storeFile } from '../files/flows.ts';
import { localStore, type BlobStore } from '../files/store.ts';
import { logIncident } from '../incidents/flows.ts';
import { authorFor, logMajorIncident, makeProvince, signInAs, type SignedIn } from '../test-helpers.ts';
import { timelineOf } from '../timeline/queries.ts';
import { scopeRoot } from '../units/scope.ts';
import {
	addConsultation,
	assessItem,
	captureItem,
	evaluateItem,
	linkIncident,
	mergeItem,
	normaliseUrl,
	possibleDuplicates,
	recordResponse,
	similarity,
	type AssessInput,
	type Author,
	type CaptureInput
} from './flows.ts';
import { consultationsOf, getItem, responsesOf, sightingsOf } from './queries.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const at = (base: Date, ms: number) => new Date(base.getTime() + ms);

let city: Awaited<ReturnType<typeof makeProvince>>;
let press: SignedIn, spokes: SignedIn, officeAdmin: SignedIn, pressB: SignedIn;
let dir: string;
let store: BlobStore;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'huiying-opinions-'));
	store = localStore(dir);
	city = await makeProvince();
	[press, spokes, officeAdmin, pressB] = await Promise.all([signInAs('press-a'), signInAs('spokes-a'), signInAs('office-admin'), signInAs('press-b')]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Who a flow acts as: the person, their unit, their reach. */
const as = (s: SignedIn): Author => ({ personId: s.user.id, unitId: s.user.unitId, scope: scopeRoot(s.user), actor: s.actor });

let serial = 0;
/** A rumour about the emergency bureau, seen an hour before `now` unless told otherwise, captured at `now`. */
function capture(by: SignedIn, overrides: Partial<CaptureInput> = {}, now: Date = new Date()) {
	serial += 1;
	return captureItem(
		{
			clientKey: randomUUID(),
			source: 'weibo',
			url: `https://weibo.com/60${serial}/Nq${serial}x`,
			summary: `网传江城第${serial}号仓库失火，附近居民被要求撤离`,
			firstSeenAt: at(now, -HOUR),
			type: 'rumour',
			unitId: city.deptA.id,
			screenshotIds: [],
			deviceRecordedAt: null,
			...overrides
		},
		as(by),
		now
	);
}

const assessment = (overrides: Partial<AssessInput> = {}): AssessInput => ({
	heat: 'major',
	needsResponse: true,
	incidentId: null,
	localityUnitIds: [],
	responsePlan: '2小时内在政务微博发布澄清',
	...overrides
});

const clocks = (id: string) => clocksOf(sql, { type: 'opinion_item', id });
const clockOf = async (id: string, ruleKey: string): Promise<ClockRow | undefined> => (await clocks(id)).find((c) => c.ruleKey === ruleKey);
const item = async (id: string) => (await getItem(sql, id, null))!;

async function refusedWith(p: Promise<unknown>, field: string, message: string) {
	const e = await p.then(
		() => null,
		(x: unknown) => x
	);
	expect(e).toBeInstanceOf(FieldError);
	expect(e).toMatchObject({ field, message });
}

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

describe('the assessment rule', () => {
	it('tells the unit’s press officers when an item has waited 2 hours, then its leader in charge, and records the breach', async () => {
		const now = new Date();
		const { item: captured } = await capture(press, { summary: '网传江城化工园区排放毒气，多名学生晕倒' }, now);
		const clock = (await clockOf(captured.id, 'opinion.assessment'))!;
		const notices = () =>
			sql<{ personId: string; urgency: string; title: string; body: string }[]>`
				select person_id, urgency, title, body from notifications where clock_id = ${clock.id} order by created_at, person_id`;

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

describe('possible duplicates', () => {
	it('treats links differing only in scheme, www., trailing slash, fragment and tracking parameters as the same', () => {
		const post = normaliseUrl('https://weibo.com/6011223344/NaBcD1234');
		expect(normaliseUrl('http://www.weibo.com/6011223344/NaBcD1234/?utm_source=wechat&share_token=x&from=timeline#comment')).toBe(post);
		expect(normaliseUrl('https://WWW.Weibo.com/6011223344/NaBcD1234')).toBe(post);
		expect(normaliseUrl('https://weibo.com/6011223344/NaBcD9999')).not.toBe(post);
		expect(normaliseUrl('https://news.example.cn/a?id=7')).not.toBe(normaliseUrl('https://news.example.cn/a?id=8'));
	});

	it('scores summaries differing only in punctuation and spacing as the same, and different stories apart', () => {
		expect(similarity('网传江城大桥出现裂缝，已禁止通行', '网传：江城大桥 出现裂缝 已禁止通行！！')).toBe(1);
		expect(similarity('网传江城大桥出现裂缝，已禁止通行', '江城市第一中学食堂被曝使用过期食材')).toBeLessThan(0.3);
	});

	it('offers an item with the same link, however the link was shared', async () => {
		const { item: first } = await capture(press, { url: 'https://www.douyin.com/video/7301234567890', source: 'douyin', summary: '抖音视频称江城自来水出现异味' });
		const { duplicates } = await capture(spokes, {
			url: 'http://douyin.com/video/7301234567890/?utm_campaign=client_share&share_sign=abc',
			source: 'douyin',
			summary: '有网友反映家中水龙头流出黄水'
		});
		expect(duplicates).toContainEqual(expect.objectContaining({ id: first.id, reason: 'same_link', summary: '抖音视频称江城自来水出现异味', unitName: '江城市应急管理局' }));
	});

	it('offers an item with a near-identical summary, and not one about something else', async () => {
		const { item: first } = await capture(press, { url: null, summary: '网传江城市第一人民医院发生医疗事故，致2名患者死亡' });
		const { item: other } = await capture(press, { url: null, summary: '江城地铁2号线今晨停运两小时' });
		const { duplicates } = await capture(spokes, { url: null, source: 'wechat', summary: '网传：江城市第一人民医院 发生医疗事故 致2名患者死亡！' });
		expect(duplicates).toContainEqual(expect.objectContaining({ id: first.id, reason: 'similar_summary' }));
		expect(duplicates.map((d) => d.id)).not.toContain(other.id);
	});

	it('does not offer an item captured more than 72 hours ago', async () => {
		const now = new Date();
		const url = 'https://tieba.baidu.com/p/8800112233';
		const { item: old } = await capture(press, { url, source: 'forum', summary: '贴吧称江城某小区燃气爆炸', firstSeenAt: at(now, -81 * HOUR) }, at(now, -80 * HOUR));
		const { item: recent } = await capture(press, { url, source: 'forum', summary: '贴吧称江城某小区燃气爆炸', firstSeenAt: at(now, -71 * HOUR) }, at(now, -70 * HOUR));
		const { duplicates } = await capture(spokes, { url, source: 'forum', summary: '贴吧称江城某小区燃气爆炸' }, now);
		expect(duplicates.map((d) => d.id)).toContain(recent.id);
		expect(duplicates.map((d) => d.id)).not.toContain(old.id);
	});

	it('does not offer an item of a unit out of the person’s reach, but the office sees both', async () => {
		const url = 'https://mp.weixin.qq.com/s/Xy7-health-rumour';
		const { item: theirs } = await capture(pressB, { url, source: 'wechat', unitId: city.deptB.id, summary: '公众号称江城疾控隐瞒疫情' });
		const { item: ours, duplicates } = await capture(press, { url, source: 'wechat', summary: '公众号称江城疾控隐瞒疫情' });
		expect(duplicates.map((d) => d.id)).not.toContain(theirs.id);
		const seenByOffice = await possibleDuplicates(sql, { id: ours.id, summary: ours.summary, urls: [url] }, scopeRoot(officeAdmin.user), new Date());
		expect(seenByOffice).toContainEqual(expect.objectContaining({ id: theirs.id, reason: 'same_link', unitName: '江城市卫生健康委员会' }));
	});

	it('no longer offers an item once it has been merged', async () => {
		const url = 'https://www.thepaper.cn/newsDetail_forward_2900001';
		const { item: kept } = await capture(press, { url, source: 'news_site', summary: '澎湃报道江城拆迁纠纷' });
		const { item: dup } = await capture(spokes, { url, source: 'news_site', summary: '澎湃报道江城拆迁纠纷' });
		await mergeItem(dup.id, kept.id, as(press));
		const { duplicates } = await capture(press, { url, source: 'news_site', summary: '澎湃报道江城拆迁纠纷' });
		expect(duplicates.map((d) => d.id)).toContain(kept.id);
		expect(duplicates.map((d) => d.id)).not.toContain(dup.id);
	});
});

describe('merging', () => {
	it('keeps every sighting with its own time, link and origin; the earliest one moves the running clock earlier', async () => {
		const now = new Date();
		const { item: kept } = await capture(
			press,
			{ url: 'https://weibo.com/1900001/KeptPost', summary: '网传江城大桥出现裂缝，已禁止通行', firstSeenAt: at(now, -6 * HOUR) },
			at(now, -5 * HOUR)
		);
		await assessItem(kept.id, assessment(), as(press), at(now, -4 * HOUR));
		expect(await clockOf(kept.id, 'opinion.response')).toMatchObject({ startsAt: at(now, -6 * HOUR), dueAt: at(now, 42 * HOUR) });

		// Someone else saw it on Douyin much earlier; offered as a duplicate and merged with one tap.
		const { item: dup, duplicates } = await capture(
			spokes,
			{ url: 'https://www.douyin.com/video/1900001', source: 'douyin', summary: '网传：江城大桥 出现裂缝，已禁止通行', firstSeenAt: at(now, -20 * HOUR) },
			at(now, -10 * MINUTE)
		);
		expect(duplicates).toContainEqual(expect.objectContaining({ id: kept.id, reason: 'similar_summary' }));
		const merged = await mergeItem(dup.id, kept.id, as(press), now);

		expect(merged).toMatchObject({ id: kept.id, firstSeenAt: at(now, -20 * HOUR), sightings: 2, source: 'douyin', status: 'assessed' });
		expect(await sightingsOf(sql, kept.id)).toMatchObject([
			{ source: 'douyin', url: 'https://www.douyin.com/video/1900001', seenAt: at(now, -20 * HOUR), capturedByName: '赵发言', originItemId: dup.id },
			{ source: 'weibo', url: 'https://weibo.com/1900001/KeptPost', seenAt: at(now, -6 * HOUR), capturedByName: '陈宣传', originItemId: kept.id }
		]);
		expect(await clockOf(kept.id, 'opinion.response')).toMatchObject({ status: 'running', startsAt: at(now, -20 * HOUR), dueAt: at(now, 28 * HOUR) });
		// The assessment rule was met long ago: it is not moved.
		expect(await clockOf(kept.id, 'opinion.assessment')).toMatchObject({ status: 'satisfied', startsAt: at(now, -5 * HOUR) });

		expect(await item(dup.id)).toMatchObject({ status: 'merged', mergedIntoId: kept.id, sightings: 0 });
		expect(await clocks(dup.id)).toMatchObject([{ ruleKey: 'opinion.assessment', status: 'cancelled', cancelReason: '合并到“网传江城大桥出现裂缝，已禁止通行”' }]);
		const keptTimeline = await timelineOf(sql, { type: 'opinion_item', id: kept.id });
		expect(keptTimeline.at(-1)).toMatchObject({ kind: 'opinion.absorbed', data: { fromId: dup.id, sightings: 1 } });
	});

	it('leaves the clock where it is when the merged sighting is later', async () => {
		const now = new Date();
		const { item: kept } = await capture(press, { firstSeenAt: at(now, -8 * HOUR) }, at(now, -7 * HOUR));
		await assessItem(kept.id, assessment(), as(press), at(now, -6 * HOUR));
		const { item: dup } = await capture(spokes, { firstSeenAt: at(now, -2 * HOUR) }, at(now, -MINUTE));
		const merged = await mergeItem(dup.id, kept.id, as(press), now);
		expect(merged).toMatchObject({ firstSeenAt: at(now, -8 * HOUR), sightings: 2 });
		expect(await clockOf(kept.id, 'opinion.response')).toMatchObject({ startsAt: at(now, -8 * HOUR), dueAt: at(now, 40 * HOUR) });
		expect((await sightingsOf(sql, kept.id)).map((s) => s.seenAt)).toEqual([at(now, -8 * HOUR), at(now, -2 * HOUR)]);
	});

	it('counts the 48 hours from the merged earliest sighting when the item is assessed after the merge', async () => {
		const now = new Date();
		const { item: kept } = await capture(press, { firstSeenAt: at(now, -3 * HOUR) }, at(now, -2 * HOUR));
		const { item: dup } = await capture(spokes, { firstSeenAt: at(now, -30 * HOUR) }, at(now, -HOUR));
		await mergeItem(dup.id, kept.id, as(press), at(now, -30 * MINUTE));
		await assessItem(kept.id, assessment(), as(press), now);
		expect(await clockOf(kept.id, 'opinion.response')).toMatchObject({ startsAt: at(now, -30 * HOUR), dueAt: at(now, 18 * HOUR) });
	});

	it('does not lose a running 48-hour clock when an assessed item is merged into one still awaiting assessment', async () => {
		const now = new Date();
		const { item: assessedDup } = await capture(press, { firstSeenAt: at(now, -12 * HOUR) }, at(now, -11 * HOUR));
		await assessItem(assessedDup.id, assessment(), as(press), at(now, -10 * HOUR));
		const { item: kept } = await capture(spokes, { firstSeenAt: at(now, -2 * HOUR) }, at(now, -HOUR));
		await mergeItem(assessedDup.id, kept.id, as(press), now);
		// A merge is no way out of a deadline: the item still answers within 48 hours of the earliest sighting.
		const running = (await clocks(kept.id)).filter((c) => c.ruleKey === 'opinion.response' && c.status === 'running');
		expect(running).toMatchObject([{ startsAt: at(now, -12 * HOUR), dueAt: at(now, 36 * HOUR) }]);
	});

	it('refuses to merge an item into itself, into a merged item, or a merged item again', async () => {
		const { item: a } = await capture(press);
		const { item: b } = await capture(press);
		const { item: c } = await capture(press);
		await refusedWith(mergeItem(a.id, a.id, as(press)), 'intoId', '「合并到」不能是它自己');
		await mergeItem(b.id, a.id, as(press));
		await refusedWith(mergeItem(c.id, b.id, as(press)), 'intoId', '「合并到」不是可选的值');
		await refusedWith(mergeItem(b.id, c.id, as(press)), 'id', '这条舆情已结束或已合并');
		await refusedWith(assessItem(b.id, assessment(), as(press)), 'id', '这条舆情已结束或已合并');
		expect((await item(c.id)).status).toBe('awaiting_assessment');
	});

	it('refuses to merge into an item out of the person’s reach', async () => {
		const { item: ours } = await capture(press);
		const { item: theirs } = await capture(pressB, { unitId: city.deptB.id });
		await refusedWith(mergeItem(ours.id, theirs.id, as(press)), 'intoId', '「合并到」不是可选的值');
		expect((await item(ours.id)).status).toBe('awaiting_assessment');
	});
});

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

describe('screenshots', () => {
	const uploader = (s: SignedIn) => ({ personId: s.user.id, actor: s.actor });

	it('refuses a file that is not an image, naming the field, stores nothing, and takes the same entry with an image', async () => {
		const pdf = await storeFile(samplePdf(), '截图.pdf', uploader(press), store);
		const png = await storeFile(samplePng(), '截图.png', uploader(press), store);
		const clientKey = randomUUID();
		const entry = { clientKey, summary: '网传江城一中学生集体中毒' };
		await refusedWith(capture(press, { ...entry, screenshotIds: [png.id, pdf.id] }), 'screenshotIds', '「截图」只能是图片');
		expect(await sql`select 1 from opinion_items where client_key = ${clientKey}`).toHaveLength(0);
		expect(await sql`select 1 from opinion_sightings where ${pdf.id}::uuid = any(screenshot_ids)`).toHaveLength(0);

		// The phone keeps the rest of the entry: sent again with the image only, it is taken.
		const { item: captured, replay } = await capture(press, { ...entry, screenshotIds: [png.id] });
		expect(replay).toBe(false);
		expect((await sightingsOf(sql, captured.id))[0]!.screenshotIds).toEqual([png.id]);
		// Whoever may see the item may see its screenshot; a department out of reach may not.
		expect(await fileAccess(officeAdmin.user, png.id)).toMatchObject({ id: png.id, mime: 'image/png' });
		expect(await fileAccess(pressB.user, png.id)).toBeNull();
	});

	it('refuses a screenshot the person may not read, or one that does not exist', async () => {
		const theirs = await storeFile(samplePng(), '别人的截图.png', uploader(pressB), store);
		const clientKey = randomUUID();
		await refusedWith(capture(press, { clientKey, screenshotIds: [theirs.id] }), 'screenshotIds', '「截图」中有图片不存在或无权使用，请重新上传');
		await refusedWith(capture(press, { clientKey, screenshotIds: [randomUUID()] }), 'screenshotIds', '「截图」中有图片不存在或无权使用，请重新上传');
		expect(await sql`select 1 from opinion_items where client_key = ${clientKey}`).toHaveLength(0);
	});
});

describe('capturing', () => {
	it('refuses a first sighting in the future and an empty summary, storing nothing', async () => {
		const now = new Date();
		const clientKey = randomUUID();
		await refusedWith(capture(press, { clientKey, firstSeenAt: at(now, 10 * MINUTE) }, now), 'firstSeenAt', '「首次发现时间」不能晚于现在');
		await refusedWith(capture(press, { clientKey, summary: ' \n ' }, now), 'summary', '「内容摘要」必须填写');
		expect(await sql`select 1 from opinion_items where client_key = ${clientKey}`).toHaveLength(0);
		// A phone clock a minute fast is not "the future".
		const { item: captured } = await capture(press, { clientKey, firstSeenAt: at(now, MINUTE) }, now);
		expect(captured.firstSeenAt).toEqual(at(now, MINUTE));
	});

	it('refuses a unit out of the person’s reach', async () => {
		await refusedWith(capture(press, { unitId: city.deptB.id }), 'unitId', '「涉及单位」不是可选的值');
	});
});
