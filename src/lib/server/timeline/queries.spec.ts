import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { render, type Text } from '../../i18n/index.ts';
import { sql } from '../db.ts';
import { logMajorIncident, makeCity } from '../test-helpers.ts';
import { addEvent, timelineFor } from './queries.ts';

const HIDDEN = '不在您的查看范围内';
let city: Awaited<ReturnType<typeof makeCity>>;
let incidentB: string;
let incidentA: string;

beforeAll(async () => {
	city = await makeCity();
	const now = new Date();
	incidentB = (await logMajorIncident(city.staffB, city.deptB.id, now, now, '卫健委辖区医院停电')).incident.id;
	incidentA = (await logMajorIncident(city.staffA, city.deptA.id, now, now, '应急局仓库火情')).incident.id;
});

const readerA = () => ({ scope: city.deptA.id, personId: city.staffA.id });
const events = (id: string, reader = readerA()) => timelineFor(sql, { type: 'incident', id }, reader);
const last = async (id: string, kind: string, reader = readerA()) => (await events(id, reader)).filter((e) => e.kind === kind).at(-1)!.data;

describe("a timeline line about another subject, read by someone who cannot see that subject", () => {
	it('keeps what it says of its own subject and says nothing of the other, not even its id', async () => {
		await addEvent(sql, { type: 'incident', id: incidentA }, 'incident.absorbed', null, { fromId: incidentB, fromTitle: '卫健委辖区医院停电' });
		expect(await last(incidentA, 'incident.absorbed')).toEqual({ fromTitle: HIDDEN });
		// The office reaches both: it reads the line as written.
		expect(await last(incidentA, 'incident.absorbed', { scope: city.government.id, personId: city.officeAdmin.id })).toEqual({
			fromId: incidentB,
			fromTitle: '卫健委辖区医院停电'
		});
	});

	it("hides a conference of another unit on the incident's timeline, and the evidence that met its clock", async () => {
		const [conference] = await sql<{ id: string }[]>`
			insert into conferences (unit_id, kind, title, incident_id, planned_at, created_by)
			values (${city.deptB.id}, 'press_conference', '卫健委发布会', ${incidentA}, now(), ${city.staffB.id}) returning id`;
		const line = { conferenceId: conference!.id, title: '卫健委发布会', at: '2030-01-01T10:00:00+08:00', time: '1月1日 10:00' };
		await addEvent(sql, { type: 'incident', id: incidentA }, 'conference.planned', city.staffB.id, line);
		await addEvent(sql, { type: 'incident', id: incidentA }, 'clock.satisfied', city.staffB.id, {
			clockId: randomUUID(),
			rule: '24小时内举行新闻发布会',
			status: 'satisfied',
			evidence: { conferenceId: conference!.id, title: '卫健委发布会' }
		});
		expect(await last(incidentA, 'conference.planned')).toEqual({ title: HIDDEN, at: HIDDEN, time: HIDDEN });
		expect(await last(incidentA, 'clock.satisfied')).toMatchObject({ rule: '24小时内举行新闻发布会', status: 'satisfied', evidence: { title: HIDDEN } });
	});

	it('hides the quotation of a cancel reason naming a subject out of reach, and of an old one naming none', async () => {
		const subject = { type: 'incident' as const, id: incidentA };
		await addEvent(sql, subject, 'clock.cancelled', null, { clockId: randomUUID(), rule: '5小时', reason: '合并到“卫健委辖区医院停电”', about: { type: 'incident', id: incidentB } });
		expect(await last(incidentA, 'clock.cancelled')).toMatchObject({ rule: '5小时', reason: `合并到“${HIDDEN}”` });
		expect(await last(incidentA, 'clock.cancelled')).not.toHaveProperty('about');
		// Written before reasons named their subject: nobody can tell whose title it is, so nobody reads it.
		await addEvent(sql, subject, 'clock.cancelled', null, { clockId: randomUUID(), rule: '48小时', reason: '纳入“卫健委辖区医院停电”的时限' });
		expect(await last(incidentA, 'clock.cancelled')).toMatchObject({ reason: `纳入“${HIDDEN}”的时限` });
		// A reason the person typed is theirs, quotation marks and all.
		await addEvent(sql, subject, 'clock.cancelled', null, { clockId: randomUUID(), rule: '5小时', reason: '事件关闭：已按“应急预案”处置' });
		expect(await last(incidentA, 'clock.cancelled')).toMatchObject({ reason: '事件关闭：已按“应急预案”处置' });
	});

	it('hides the quoted title of a cancel reason stored as a key, in the reader language, by its key', async () => {
		const subject = { type: 'incident' as const, id: incidentA };
		const merged = { key: 'clock.cancel.merged', params: { title: '卫健委辖区医院停电' } };
		await addEvent(sql, subject, 'clock.cancelled', null, { clockId: randomUUID(), rule: '5小时', reason: merged, about: { type: 'incident', id: incidentB } });
		const seen = await last(incidentA, 'clock.cancelled');
		expect(seen).toMatchObject({ reason: { key: 'clock.cancel.merged', params: { title: { key: 'common.not_visible' } } } });
		expect(seen).not.toHaveProperty('about');
		expect(render(seen.reason as Text, 'zh-CN')).toBe(`合并到“${HIDDEN}”`);
		expect(render(seen.reason as Text, 'en')).not.toContain('卫健委');
		// Who reaches both reads it as written.
		expect(await last(incidentA, 'clock.cancelled', { scope: city.government.id, personId: city.officeAdmin.id })).toMatchObject({ reason: merged });
		// A key that quotes nobody's title is the reason as it stands, with or without a subject named.
		const closed = { key: 'clock.cancel.incident_closed', params: { note: '已按“应急预案”处置' } };
		await addEvent(sql, subject, 'clock.cancelled', null, { clockId: randomUUID(), rule: '5小时', reason: closed });
		expect(await last(incidentA, 'clock.cancelled')).toMatchObject({ reason: closed });
		// Without `about` (as a reason under an incident may be written), its key still says it quotes another title.
		const under = { key: 'clock.cancel.under_incident', params: { title: '卫健委辖区医院停电' } };
		await addEvent(sql, subject, 'clock.cancelled', null, { clockId: randomUUID(), rule: '48小时', reason: under });
		expect(await last(incidentA, 'clock.cancelled')).toMatchObject({ reason: { key: 'clock.cancel.under_incident', params: { title: { key: 'common.not_visible' } } } });
	});
});

describe('the order of a timeline', () => {
	const kinds = async (id: string) => (await events(id)).filter((e) => e.kind.startsWith('test.')).map((e) => e.kind);

	it('lists what happened first first, whatever order it was written in', async () => {
		const subject = { type: 'incident' as const, id: incidentA };
		await addEvent(sql, subject, 'test.later', null, {}, new Date('2030-03-01T10:05:00+08:00'));
		// written afterwards, about something that happened three minutes before
		await addEvent(sql, subject, 'test.earlier', null, {}, new Date('2030-03-01T10:02:00+08:00'));
		expect(await kinds(incidentA)).toEqual(['test.earlier', 'test.later']);
	});

	it('keeps the order of writing for two lines in the same second', async () => {
		const { incident } = await logMajorIncident(city.staffA, city.deptA.id, new Date(), new Date(), '同一秒的两条记录');
		const subject = { type: 'incident' as const, id: incident.id };
		const at = new Date('2030-03-01T11:00:07+08:00');
		await addEvent(sql, subject, 'test.first', null, {}, at);
		await addEvent(sql, subject, 'test.second', null, {}, at);
		// a few milliseconds "earlier" is still the same second on the screen: the order of writing stands
		await addEvent(sql, subject, 'test.third', null, {}, new Date(at.getTime() - 400));
		expect(await kinds(incident.id)).toEqual(['test.first', 'test.second', 'test.third']);
	});

	it('puts 发布文件 entered as 14:05 after the 送审签 recorded at 14:05:37', async () => {
		const { incident } = await logMajorIncident(city.staffA, city.deptA.id, new Date(), new Date(), '发布与送审签同一分钟');
		const subject = { type: 'incident' as const, id: incident.id };
		await addEvent(sql, subject, 'test.submitted', null, {}, new Date('2030-03-01T14:05:37+08:00'));
		await addEvent(sql, subject, 'test.signed', null, {}, new Date('2030-03-01T14:05:52+08:00'));
		// the time a person typed has no seconds: 14:05:00
		await addEvent(sql, subject, 'test.published', null, {}, new Date('2030-03-01T14:05:00+08:00'));
		await addEvent(sql, subject, 'test.next_minute', null, {}, new Date('2030-03-01T14:06:00+08:00'));
		expect(await kinds(incident.id)).toEqual(['test.submitted', 'test.signed', 'test.published', 'test.next_minute']);
	});
});
