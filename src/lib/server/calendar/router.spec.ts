// The working-day calendar on the database: seeded from chinese-days at start-up, counted on through the API,
// and a new year entered by the top office from the State Council's notice, which sets right every deadline
// that had been counted Monday to Friday for want of it.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ZodError } from 'zod';
import { toIso } from '../../time.ts';
import { startClocks } from '../clocks/flows.ts';
import { clockOut } from '../clocks/out.ts';
import { getClock } from '../clocks/queries.ts';
import { sql } from '../db.ts';
import { migrate } from '../migrate.ts';
import { migrationFiles } from '../migrations.ts';
import { timelineOf } from '../timeline/queries.ts';
import { makeProvince, postAs, refusal, signInAs, type SignedIn } from '../test-helpers.ts';
import { PACKAGE_SOURCE, packageYears, seedCalendar } from './seed.ts';

let city: Awaited<ReturnType<typeof makeProvince>>;
let top: SignedIn, cityOffice: SignedIn, deptAdmin: SignedIn, press: SignedIn;
beforeAll(async () => {
	city = await makeProvince();
	[top, cityOffice, deptAdmin, press] = await Promise.all([
		signInAs('province-admin'),
		signInAs('office-admin'),
		signInAs('admin-a'),
		signInAs('press-a')
	]);
});

const cst = (local: string) => new Date(`${local}:00+08:00`);
const counts = async () =>
	(await sql<{ years: number; days: number }[]>`
		select (select count(*)::int from calendar_years) as years, (select count(*)::int from calendar_days) as days`)[0]!;

/** A made-up notice for 2027, as the office would type it from the State Council's. */
const NOTICE_2027 = {
	year: 2027,
	source: '国务院办公厅关于2027年部分节假日安排的通知（测试）',
	holidays: [
		{ name: '元旦', from: '2027-01-01', to: '2027-01-03' },
		{ name: '春节', from: '2027-02-06', to: '2027-02-14' }
	],
	workdays: ['2027-02-20']
};

describe('the calendar as seeded', () => {
	it('holds every year chinese-days covers, 2004 to 2026, and seeding again adds nothing', async () => {
		const years = await sql<{ year: number; origin: string; source: string }[]>`select year, origin, source from calendar_years order by year`;
		expect(years.map((y) => y.year)).toEqual(Array.from({ length: 23 }, (_, i) => 2004 + i));
		expect(years.every((y) => y.origin === 'package' && y.source === PACKAGE_SOURCE)).toBe(true);
		expect(PACKAGE_SOURCE).toMatch(/^chinese-days \d+\.\d+\.\d+$/);
		const before = await counts();
		expect(before.days).toBe(packageYears().reduce((n, y) => n + y.days.length, 0));

		expect(await seedCalendar(sql)).toEqual([]);
		await migrate(sql, migrationFiles);
		expect(await counts()).toEqual(before);
	});

	it('puts back a missing year at the next start and never overwrites one entered from a notice', async () => {
		await sql`update calendar_years set origin = 'notice', source = '国务院办公厅通知' where year = 2005`;
		await sql`delete from calendar_years where year = 2004`;
		expect(await seedCalendar(sql)).toEqual([2004]);
		const [y2005] = await sql<{ origin: string }[]>`select origin from calendar_years where year = 2005`;
		expect(y2005!.origin).toBe('notice');
		const y2004 = await press.caller.calendar.year({ year: 2004 });
		expect(y2004).toMatchObject({ known: true, origin: 'package', source: PACKAGE_SOURCE, warning: null });
		expect(y2004.days.find((d) => d.date === '2004-01-22')).toEqual({ date: '2004-01-22', kind: 'holiday', name: '春节' });
	});

	it('sets right, at the next start, a deadline counted Monday to Friday while its year was missing', async () => {
		await sql`delete from calendar_years where year = 2026`;
		const published = cst('2026-02-13T10:00');
		const [clock] = await sql.begin((tx) =>
			startClocks(tx, { type: 'document', id: randomUUID() }, { unitId: city.deptA.id, anchors: { published } }, published, null)
		);
		// Monday 16 to Wednesday 18 February, as if Spring Festival were not there.
		expect(clock).toMatchObject({ dueAt: cst('2026-02-19T00:00'), calendarWarning: true });

		await migrate(sql, migrationFiles);
		// Saturday 14 (worked), then 15–23 off: Tuesday 24, Wednesday 25.
		expect(await getClock(sql, clock!.id)).toMatchObject({ dueAt: cst('2026-02-26T00:00'), calendarWarning: false });
		// The document's record says so, as the system's doing.
		const lines = await timelineOf(sql, { type: 'document', id: clock!.subjectId });
		expect(lines.filter((e) => e.kind === 'clock.rescheduled').map((e) => [e.actorId, e.data.from, e.data.to])).toEqual([
			[null, '2026年2月18日 24:00', '2026年2月25日 24:00']
		]);
	});

	it('shows a year with its holidays and adjusted working days', async () => {
		const y = await press.caller.calendar.year({ year: 2026 });
		expect(y.known).toBe(true);
		expect(y.days.filter((d) => d.name === '春节').map((d) => `${d.date} ${d.kind}`)).toEqual([
			'2026-02-14 workday',
			...Array.from({ length: 9 }, (_, i) => `2026-02-${15 + i} holiday`),
			'2026-02-28 workday'
		]);
		expect(await press.caller.calendar.year({ year: 2027 })).toMatchObject({
			known: false,
			origin: null,
			days: [],
			warning: '日历未更新：2027年的节假日安排尚未录入，按周一至周五计算'
		});
	});
});

describe('calendar.addWorkingDays', () => {
	it('skips Spring Festival 2026 and counts the Saturdays worked around it', async () => {
		// Friday 13 February: Saturday 14 (worked), 15–23 off, Tuesday 24, Wednesday 25.
		expect(await press.caller.calendar.addWorkingDays({ date: '2026-02-13', days: 3 })).toEqual({ date: '2026-02-25' });
		// Thursday 26 February: Friday 27, Saturday 28 (worked).
		expect(await press.caller.calendar.addWorkingDays({ date: '2026-02-26', days: 2 })).toEqual({ date: '2026-02-28' });
	});

	it('skips National Day 2026 and counts Saturday 10 October', async () => {
		expect(await press.caller.calendar.addWorkingDays({ date: '2026-09-30', days: 3 })).toEqual({ date: '2026-10-10' });
		// Sunday 20 September is worked, but the start day never counts.
		expect(await press.caller.calendar.addWorkingDays({ date: '2026-09-20', days: 1 })).toEqual({ date: '2026-09-21' });
	});

	it('warns, naming the year, when a year with no data was counted Monday to Friday', async () => {
		expect(await press.caller.calendar.addWorkingDays({ date: '2026-12-30', days: 3 })).toEqual({
			date: '2027-01-04',
			warning: '日历未更新：2027年的节假日安排尚未录入，按周一至周五计算'
		});
		expect((await press.caller.calendar.addWorkingDays({ date: '2028-12-29', days: 3 })).warning).toBe(
			'日历未更新：2028年、2029年的节假日安排尚未录入，按周一至周五计算'
		);
	});

	it('refuses a date that does not exist, naming the field', async () => {
		const e = await refusal(press.caller.calendar.addWorkingDays({ date: '2026-02-30', days: 3 }));
		expect(e.code).toBe('BAD_REQUEST');
		expect((e.cause as ZodError).issues.map((i) => [i.path.join('.'), i.message])).toEqual([['date', '「日期」格式不正确']]);
	});
});

describe('entering a year from the State Council notice', () => {
	it('clears the warning and moves a running working-day deadline counted Monday to Friday', async () => {
		const subject = { type: 'document' as const, id: randomUUID() };
		const published = cst('2026-12-30T10:00');
		const [clock] = await sql.begin((tx) =>
			startClocks(tx, subject, { unitId: city.deptA.id, anchors: { published } }, published, null)
		);
		expect(clock).toMatchObject({ ruleKey: 'document.interpretation', calendarWarning: true });
		// Thursday 31 December, Friday 1 January (counted as worked), Monday 4 January.
		expect(toIso(clock!.dueAt)).toBe('2027-01-05T00:00:00+08:00');
		expect(clockOut(clock!, () => false).calendarWarning).toBe(true);

		const saved = await top.caller.calendar.enterYear(NOTICE_2027);
		expect(saved).toMatchObject({ year: 2027, known: true, origin: 'notice', source: NOTICE_2027.source, warning: null, rescheduled: 1 });
		expect(saved.enteredBy).toBe('孙省办');
		expect(saved.days.filter((d) => d.kind === 'workday')).toEqual([{ date: '2027-02-20', kind: 'workday', name: '春节' }]);
		expect(saved.days.filter((d) => d.kind === 'holiday')).toHaveLength(12);

		// 1–3 January are off now: Thursday 31 December, Monday 4, Tuesday 5 January.
		const moved = await getClock(sql, clock!.id);
		expect(toIso(moved!.dueAt)).toBe('2027-01-06T00:00:00+08:00');
		expect(moved!.calendarWarning).toBe(false);
		expect((await timelineOf(sql, subject)).filter((e) => e.kind === 'clock.rescheduled').map((e) => [e.actorName, e.data.to])).toEqual([
			['孙省办', '2027年1月5日 24:00']
		]);
		const ticks = await sql`select 1 from pgboss.job where name = 'clock-tick' and data->>'clockId' = ${clock!.id}`;
		expect(ticks.length).toBeGreaterThanOrEqual(2);

		const [entry] = await sql<{ actorId: string; entityId: string; after: { rescheduled: { id: string }[] } }[]>`
			select actor_id, entity_id, after from audit_log where action = 'calendar.year_entered' order by at desc limit 1`;
		expect(entry).toMatchObject({ actorId: top.user.id, entityId: '2027' });
		expect(entry!.after.rescheduled.map((c) => c.id)).toEqual([clock!.id]);

		expect(await press.caller.calendar.addWorkingDays({ date: '2026-12-30', days: 3 })).toEqual({ date: '2027-01-05' });
		expect(await press.caller.calendar.addWorkingDays({ date: '2027-02-05', days: 1 })).toEqual({ date: '2027-02-15' });
		expect((await press.caller.calendar.years()).at(-1)).toEqual({ year: 2027, origin: 'notice' });
	});

	it('leaves a deadline that is still counted partly Monday to Friday with its warning', async () => {
		const subject = { type: 'document' as const, id: randomUUID() };
		const published = cst('2027-12-30T10:00');
		const [clock] = await sql.begin((tx) =>
			startClocks(tx, subject, { unitId: city.deptA.id, anchors: { published } }, published, null)
		);
		expect(clock!.calendarWarning).toBe(true);
		await top.caller.calendar.enterYear(NOTICE_2027);
		expect((await getClock(sql, clock!.id))!.calendarWarning).toBe(true);
	});

	it('refuses mistakes, naming the row and the field in Chinese, and changes nothing', async () => {
		const before = await counts();
		const refused = async (input: typeof NOTICE_2027) => {
			const { status, body } = await postAs(top, 'calendar.enterYear', input);
			expect(status).toBe(400);
			return body.error.data.fieldErrors;
		};
		const notice = { ...(JSON.parse(JSON.stringify(NOTICE_2027).replaceAll('2027-', '2030-')) as typeof NOTICE_2027), year: 2030, workdays: [] };

		expect(await refused({ ...notice, workdays: ['2030-02-18'] })).toEqual({
			workdays: '「调休上班日」中的 2030-02-18 不是周六或周日：周一至周五本来就上班'
		});
		expect(await refused({ ...notice, holidays: [notice.holidays[0]!, { name: '春节', from: '2030-02-14', to: '2030-02-06' }] })).toEqual({
			'holidays.1.to': '第2项节假日：「结束日期」早于开始日期'
		});
		expect(await refused({ ...notice, holidays: [{ name: '元旦', from: '2029-12-31', to: '2030-01-01' }] })).toEqual({
			'holidays.0.from': '第1项节假日：「开始日期」不在2030年内'
		});
		expect(await refused({ ...notice, holidays: [{ name: ' ', from: '2030-01-01', to: '2030-01-01' }] })).toEqual({
			'holidays.0.name': '第1项节假日：「名称」必须填写'
		});
		expect(await refused({ ...notice, holidays: [...notice.holidays, { name: '补假', from: '2030-02-13', to: '2030-02-16' }] })).toEqual({
			'holidays.2.from': '第3项节假日与第2项重叠（2030-02-13）'
		});
		expect(await refused({ ...notice, workdays: ['2030-02-09'] })).toEqual({
			workdays: '「调休上班日」中的 2030-02-09 在第2项节假日之内'
		});
		expect(await refused({ ...notice, source: '  ' })).toEqual({ source: '「依据」必须填写' });
		expect(await refused({ ...notice, holidays: [] })).toEqual({ holidays: '「节假日」必须填写' });
		expect(await counts()).toEqual(before);
	});

	it('is for the top office only: a city office, a department administrator and a press officer are refused', async () => {
		for (const who of [cityOffice, deptAdmin, press]) {
			const e = await refusal(who.caller.calendar.enterYear({ ...NOTICE_2027, year: 2031, holidays: [{ name: '元旦', from: '2031-01-01', to: '2031-01-01' }], workdays: [] }));
			expect(e.code).toBe('FORBIDDEN');
		}
		expect((await press.caller.calendar.year({ year: 2031 })).known).toBe(false);
	});
});
