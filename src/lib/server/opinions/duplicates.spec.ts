// Public-opinion items seen twice: which earlier items are offered as possible duplicates, and what merging one
// into another keeps, moves and refuses.
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../db.ts';
import { timelineOf } from '../timeline/queries.ts';
import { scopeRoot } from '../units/scope.ts';
import { assessItem, mergeItem, normaliseUrl, possibleDuplicates, similarity } from './flows.ts';
import { sightingsOf } from './queries.ts';
import { as, assessment, at, capture, city, clockOf, clocks, HOUR, item, MINUTE, officeAdmin, press, pressB, refusedWith, setUpOpinionWorld, spokes } from './test-world.ts';

beforeAll(setUpOpinionWorld);

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
		// The move is on the record: only the 48-hour clock, fourteen hours earlier.
		expect(keptTimeline.filter((e) => e.kind === 'clock.moved').map((e) => [e.actorName, e.data.rule, e.data.dueAt])).toEqual([
			['陈宣传', '回应政务舆情', at(now, 28 * HOUR).toISOString()]
		]);
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
