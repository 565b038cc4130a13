// Running clocks that change under way: moved with the time they count from, handed to another unit, recounted
// when the calendar learns a year. Each change is on the subject's timeline, in words the catalogue gives it, and
// has the clock looked at again; a change the author may not make changes nothing.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../i18n/index.ts';
import { replaceYear } from '../calendar/queries.ts';
import { sql } from '../db.ts';
import { FieldError } from '../errors.ts';
import { editIncident } from '../incidents/flows.ts';
import type { IncidentRow } from '../incidents/queries.ts';
import { authorFor, logMajorIncident, makeProvince, refusal, signInAs } from '../test-helpers.ts';
import { timelineOf, type TimelineEvent } from '../timeline/queries.ts';
import { moveClocks, reassignClocks, rescheduleClocks } from './changes.ts';
import { startClocks } from './flows.ts';
import { clocksOf, getClock, type Subject } from './queries.ts';
import { RULE } from './rules.ts';

let city: Awaited<ReturnType<typeof makeProvince>>;
beforeAll(async () => {
	city = await makeProvince();
});

const DAY = 86_400_000;
/** A wall-clock time in China: `cst('2026-10-10T09:40')`. */
const cst = (local: string) => new Date(`${local}:00+08:00`);
const incidentOf = (id: string): Subject => ({ type: 'incident', id });
const duty = () => authorFor(city.people.duty);
// The city office reaches every department of the city.
const office = () => authorFor(city.people.officeAdmin, city.government.id);

const fieldsOf = (i: IncidentRow) => ({
	title: i.title,
	category: i.category,
	occurredAt: i.occurredAt,
	location: i.location,
	leadUnitId: i.leadUnitId,
	description: i.description
});

/** The subject's timeline lines of one kind, as data and as the screen words them. */
async function lines(subject: Subject, kind: string): Promise<(TimelineEvent & { text: string })[]> {
	return (await timelineOf(sql, subject))
		.filter((e) => e.kind === kind)
		.map((e) => ({ ...e, text: t(`timeline.${kind}` as never, Object.fromEntries(Object.entries(e.data).map(([k, v]) => [k, String(v)]))) }));
}

async function ticksAt(clockId: string, at: Date): Promise<number> {
	const rows = await sql`select 1 from pgboss.job where name = 'clock-tick' and data->>'clockId' = ${clockId} and start_after = ${at}`;
	return rows.length;
}

/** A document's interpretation clock, published at `published`: 3 working days on the calendar. */
async function interpretationClock(published: Date) {
	const subject: Subject = { type: 'document', id: randomUUID() };
	const [clock] = await sql.begin((tx) => startClocks(tx, subject, { unitId: city.deptA.id, anchors: { published } }, published, null));
	expect(clock).toMatchObject({ ruleKey: RULE.interpretation });
	return { subject, clock: clock! };
}

describe('moving clocks', () => {
	it("moves a major incident's clocks with its corrected time of occurrence, says so on its timeline, and looks at each again", async () => {
		const { incident, fiveHour, dayLong } = await logMajorIncident(city.people.duty, city.deptA.id, cst('2026-10-10T10:00'), cst('2026-10-10T10:05'));
		const now = cst('2026-10-10T10:20');
		await editIncident(incident.id, { ...fieldsOf(incident), occurredAt: cst('2026-10-10T09:40') }, duty(), now);

		const moved = await lines(incidentOf(incident.id), 'clock.moved');
		expect(moved.map((e) => [e.actorName, e.at, e.data.clockId, e.text])).toEqual([
			['李值班', now, fiveHour!.id, '“发布权威信息”的时限由 2026年10月10日 15:00 改为 2026年10月10日 14:40'],
			['李值班', now, dayLong!.id, '“召开新闻发布会”的时限由 2026年10月11日 10:00 改为 2026年10月11日 09:40']
		]);
		expect(await ticksAt(fiveHour!.id, now)).toBe(1);
		expect(await ticksAt(dayLong!.id, now)).toBe(1);

		// Edited again without touching the time: nothing moves, nothing more is said.
		await editIncident(incident.id, { ...fieldsOf(incident), occurredAt: cst('2026-10-10T09:40'), title: '江城化工园区爆炸（更正）' }, duty(), cst('2026-10-10T10:30'));
		expect(await lines(incidentOf(incident.id), 'clock.moved')).toHaveLength(2);
	});

	it('counts a working-day clock again on the calendar instead of shifting its deadline by the same days', async () => {
		// Published on Monday 23 November 2026: Tuesday, Wednesday, Thursday, due at the close of Thursday.
		const { subject, clock } = await interpretationClock(cst('2026-11-23T10:00'));
		expect(clock.dueAt).toEqual(cst('2026-11-27T00:00'));

		// It was in fact published on Saturday the 21st: Monday, Tuesday, Wednesday. Shifted, it would end on Tuesday.
		const at = cst('2026-11-24T09:00');
		const moved = await sql.begin((tx) => moveClocks(tx, subject, 'published', -2 * DAY, city.people.officeAdmin.id, at));
		expect(moved).toEqual([{ id: clock.id, rule: '发布政策解读材料', from: cst('2026-11-27T00:00'), to: cst('2026-11-26T00:00'), calendarWarning: false }]);
		expect(await getClock(sql, clock.id)).toMatchObject({ startsAt: cst('2026-11-21T10:00'), dueAt: cst('2026-11-26T00:00'), calendarWarning: false });
		expect((await lines(subject, 'clock.moved')).map((e) => e.text)).toEqual(['“发布政策解读材料”的时限由 2026年11月26日 24:00 改为 2026年11月25日 24:00']);
		expect(await ticksAt(clock.id, at)).toBe(1);
	});

	it('moves only the clocks counted from the time that moved', async () => {
		const { incident } = await logMajorIncident(city.people.duty, city.deptA.id, cst('2026-10-09T10:00'));
		const before = await clocksOf(sql, incidentOf(incident.id));
		expect(await sql.begin((tx) => moveClocks(tx, incidentOf(incident.id), 'published', DAY, null, cst('2026-10-09T10:10')))).toEqual([]);
		expect(await clocksOf(sql, incidentOf(incident.id))).toEqual(before);
		expect(await lines(incidentOf(incident.id), 'clock.moved')).toEqual([]);
	});
});

describe('handing clocks to another unit', () => {
	it('names the new unit on the timeline of whoever may now see the incident, and looks at each clock again', async () => {
		const { incident, fiveHour } = await logMajorIncident(city.people.duty, city.deptA.id, cst('2026-10-08T10:00'));
		const pressB = await signInAs('press-b');
		// Before the hand-over the commission's press officer cannot see the incident at all.
		expect((await refusal(pressB.caller.incident.byId({ id: incident.id }))).code).toBe('NOT_FOUND');

		const now = cst('2026-10-08T10:30');
		await editIncident(incident.id, { ...fieldsOf(incident), leadUnitId: city.deptB.id }, office(), now);
		const shown = await pressB.caller.incident.byId({ id: incident.id });
		expect(shown.timeline.filter((e) => e.kind === 'clock.reassigned').map((e) => [e.actorName, e.data.rule, e.data.unit])).toEqual([
			['王市办', '发布权威信息', '江城市卫生健康委员会'],
			['王市办', '召开新闻发布会', '江城市卫生健康委员会']
		]);
		expect((await lines(incidentOf(incident.id), 'clock.reassigned')).map((e) => e.text)).toEqual([
			'“发布权威信息”改由江城市卫生健康委员会负责',
			'“召开新闻发布会”改由江城市卫生健康委员会负责'
		]);
		expect(await ticksAt(fiveHour!.id, now)).toBe(1);

		// Handed to the unit that already has them: nothing changes, nothing is said.
		expect(await sql.begin((tx) => reassignClocks(tx, incidentOf(incident.id), city.deptB.id, null, cst('2026-10-08T10:40')))).toEqual([]);
		expect(await lines(incidentOf(incident.id), 'clock.reassigned')).toHaveLength(2);
	});

	it('hands nothing over when the author may not reach the new unit', async () => {
		const { incident } = await logMajorIncident(city.people.duty, city.deptA.id, cst('2026-10-07T10:00'));
		const refused = await editIncident(incident.id, { ...fieldsOf(incident), leadUnitId: city.deptB.id }, duty(), cst('2026-10-07T10:30')).catch((e: unknown) => e);
		expect(refused).toBeInstanceOf(FieldError);
		expect((await clocksOf(sql, incidentOf(incident.id))).map((c) => c.unitId)).toEqual([city.deptA.id, city.deptA.id]);
		expect(await lines(incidentOf(incident.id), 'clock.reassigned')).toEqual([]);
	});
});

describe('recounting clocks when the calendar learns a year', () => {
	it('sets right a deadline counted Monday to Friday, on its timeline, and plans a look only when asked', async () => {
		// Wednesday 30 December 2026, with 2027 unknown: Thursday 31, Friday 1 January (counted as worked), Monday 4.
		const { subject, clock } = await interpretationClock(cst('2026-12-30T10:00'));
		expect(clock).toMatchObject({ dueAt: cst('2027-01-05T00:00'), calendarWarning: true });

		const at = cst('2026-12-30T11:00');
		const moved = await sql.begin(async (tx) => {
			await replaceYear(tx, { year: 2027, origin: 'notice', source: '测试通知', enteredBy: null, days: [1, 2, 3].map((d) => ({ date: `2027-01-0${d}`, kind: 'holiday' as const, name: '元旦' })) }, at);
			return rescheduleClocks(tx, [2027], city.people.provinceAdmin.id, at, { replan: false });
		});
		// 1–3 January off: Thursday 31 December, Monday 4, Tuesday 5 January.
		expect(moved).toEqual([{ id: clock.id, rule: '发布政策解读材料', from: cst('2027-01-05T00:00'), to: cst('2027-01-06T00:00'), calendarWarning: false }]);
		expect(await getClock(sql, clock.id)).toMatchObject({ dueAt: cst('2027-01-06T00:00'), calendarWarning: false });
		const [line] = await lines(subject, 'clock.rescheduled');
		expect(line).toMatchObject({ actorName: '孙省办', at, text: '按新录入的节假日安排重算“发布政策解读材料”：时限由 2027年1月4日 24:00 改为 2027年1月5日 24:00' });
		expect(await ticksAt(clock.id, at)).toBe(0);

		// Told of the same year again, nothing is left to set right.
		expect(await sql.begin((tx) => rescheduleClocks(tx, [2027], null, at, { replan: true }))).toEqual([]);
	});
});
