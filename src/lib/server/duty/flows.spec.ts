import { beforeAll, describe, expect, it } from 'vitest';
import { shiftTimes, daysOf, nextDay, chinaDay } from '../../duty.ts';
import { actorFor } from '../actor.ts';
import { runClock } from '../clocks/flows.ts';
import { rosterGaps } from './flows.ts';
import { sql } from '../db.ts';
import { logMajorIncident, makeCity, makePerson, refusal, signInAs, type SignedIn } from '../test-helpers.ts';

let city: Awaited<ReturnType<typeof makeCity>>;
let officeAdmin: SignedIn;
let people: Record<'dayOfficer' | 'nightOfficer' | 'nightLeader' | 'roleDuty' | 'leaderA', { id: string; name: string }>;

beforeAll(async () => {
	city = await makeCity();
	const [dayOfficer, nightOfficer, nightLeader, roleDuty, leaderA] = await Promise.all([
		makePerson(city.deptA.id, ['press_officer'], { username: 'day-officer', name: '白班员' }),
		makePerson(city.deptA.id, ['press_officer'], { username: 'night-officer', name: '夜班员' }),
		makePerson(city.deptA.id, ['leader'], { username: 'night-leader', name: '夜班领导' }),
		makePerson(city.deptA.id, ['duty'], { username: 'role-duty', name: '值班角色' }),
		makePerson(city.deptA.id, ['leader'], { username: 'leader-a', name: '甲分管' })
	]);
	people = { dayOfficer, nightOfficer, nightLeader, roleDuty, leaderA };
	officeAdmin = await signInAs('office-admin');
});

describe('shift times', () => {
	it('cross midnight and the year end in China time', () => {
		expect(shiftTimes('2026-12-31', 'night')).toEqual({ startsAt: '2026-12-31T17:30:00+08:00', endsAt: '2027-01-01T08:30:00+08:00' });
		expect(shiftTimes('2027-02-28', 'full')).toEqual({ startsAt: '2027-02-28T08:30:00+08:00', endsAt: '2027-03-01T08:30:00+08:00' });
		expect(daysOf('2028-02')).toHaveLength(29);
		expect(nextDay('2026-12-31')).toBe('2027-01-01');
		// 01:00 in Beijing is still the previous day in UTC
		expect(chinaDay('2026-12-02T17:00:00Z')).toBe('2026-12-03');
	});
});

describe('the roster', () => {
	it('keeps shifts of a unit apart, names who is on now and next, and refuses an overlap in Chinese', async () => {
		const day = '2026-10-08';
		const dayShift = await officeAdmin.caller.duty.save({ unitId: city.deptA.id, ...shiftTimes(day, 'day'), officerIds: [people.dayOfficer.id], leaderId: null, phone: '0571-8888 1234' });
		const night = await officeAdmin.caller.duty.save({
			unitId: city.deptA.id,
			...shiftTimes(day, 'night'),
			officerIds: [people.nightOfficer.id],
			leaderId: people.nightLeader.id,
			phone: null
		});
		expect(night.officers.map((p) => p.name)).toEqual(['夜班员']);
		const overlap = await refusal(officeAdmin.caller.duty.save({ unitId: city.deptA.id, ...shiftTimes(day, 'full'), officerIds: [people.roleDuty.id], leaderId: null, phone: null }));
		expect(overlap.message).toBe('「开始时间」与已有班次时间重叠');
		const roster = await officeAdmin.caller.duty.roster({ unitId: city.deptA.id, from: '2026-10-01', to: '2026-10-31' });
		expect(roster.map((s) => s.id)).toEqual([dayShift.id, night.id]);
		expect(await sql`select 1 from audit_log where action = 'duty.shift_saved' and entity_id = ${night.id}`).toHaveLength(1);
	});

	it('is changed only by an administrator in reach; staff and another department read it or are refused', async () => {
		const staffB = await signInAs('staff-b');
		const adminA = await signInAs('admin-a');
		const input = { unitId: city.deptA.id, ...shiftTimes('2026-10-20', 'full'), officerIds: [people.dayOfficer.id], leaderId: null, phone: null };
		expect((await refusal(staffB.caller.duty.save(input))).code).toBe('FORBIDDEN');
		expect((await refusal(staffB.caller.duty.roster({ unitId: city.deptA.id, from: '2026-10-01', to: '2026-10-31' }))).code).toBe('NOT_FOUND');
		// the department's own admin fills its roster, but cannot name someone of another department
		await expect(adminA.caller.duty.save(input)).resolves.toMatchObject({ unitId: city.deptA.id });
		const other = await refusal(adminA.caller.duty.save({ ...input, ...shiftTimes('2026-10-21', 'full'), officerIds: [city.staffB.id] }));
		expect(other.message).toContain('值班员');
	});
});

describe('gaps ahead', () => {
	it('names, day by day, a midday or a night with nobody on and a shift with no leader', async () => {
		const office = actorFor(officeAdmin.user, officeAdmin.actor);
		const gaps = await rosterGaps(office, new Date('2026-10-08T06:00:00+08:00'), 2);
		expect(gaps.map((g) => [g.unitName, g.day, g.what])).toEqual([
			['江城市应急管理局', '2026-10-08', 'leader'],
			['江城市应急管理局', '2026-10-09', 'day'],
			['江城市应急管理局', '2026-10-09', 'night']
		]);
		// a department's staff is not the office
		expect((await refusal((await signInAs('staff-a')).caller.duty.gaps())).code).toBe('FORBIDDEN');
	});
});

describe('a clock step at night', () => {
	it('reaches the duty officer and the leader on duty of that night and nobody else of the first tier', async () => {
		// 2026-10-09 01:50 China time, inside the night shift of the 8th
		const at = new Date('2026-10-09T01:50:00+08:00');
		// the office puts the roster's two audiences first on the 5-hour ladder (时限规则)
		const rule = (await officeAdmin.caller.rule.list()).find((r) => r.key === 'incident.authoritative_release')!;
		await officeAdmin.caller.rule.update({
			key: rule.key,
			name: rule.name,
			durationValue: rule.durationValue,
			active: rule.active,
			ladder: [
				{ anchor: 'start', offsetMinutes: 0, tiers: ['duty_officer', 'duty_leader'], urgency: 'critical', ackWithinMinutes: 10 },
				{ anchor: 'due', offsetMinutes: 0, tiers: ['principal'], urgency: 'critical', ackWithinMinutes: null }
			]
		});
		const { fiveHour } = await logMajorIncident(city.staffA, city.deptA.id, at, at);
		await runClock(fiveHour!.id, at);
		await runClock(fiveHour!.id, new Date(at.getTime() + 11 * 60_000));
		const told = await sql<{ name: string; tier: number }[]>`
			select p.name, d.tier from deliveries d join people p on p.id = d.recipient_id
			where d.clock_id = ${fiveHour!.id} and d.channel = 'inbox' order by d.tier, p.name`;
		expect(told).toEqual([
			{ name: '夜班员', tier: 0 },
			{ name: '夜班领导', tier: 1 }
		]);

		// a night with no roster: the unit's 值班人员 and its leaders are told, and the office hears of the gap
		const later = new Date('2026-10-12T02:00:00+08:00');
		const second = await logMajorIncident(city.staffA, city.deptA.id, later, later);
		await runClock(second.fiveHour!.id, later);
		const fallback = await sql<{ name: string }[]>`
			select p.name from deliveries d join people p on p.id = d.recipient_id where d.clock_id = ${second.fiveHour!.id} and d.channel = 'inbox'`;
		expect(fallback.map((r) => r.name)).toEqual(['值班角色']);
		const gap = await sql<{ title: { key: string } }[]>`
			select title from notifications where person_id = ${city.officeAdmin.id} and clock_id = ${second.fiveHour!.id}`;
		expect(gap.map((n) => n.title.key)).toEqual(['clock.roster_gap_title']);
	});
});
