// The escalation on the database: who finds what in their inbox, and when, as a major incident's
// clocks run. Every time is injected into runClock and the flows; nothing waits for the real clock.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toIso } from '../../time.ts';
import { sql } from '../db.ts';
import { logIncident } from '../incidents/flows.ts';
import { authorFor, makeProvince, signInAs } from '../test-helpers.ts';
import { timelineOf } from '../timeline/queries.ts';
import { acknowledgeClock, auditClocks, runClock, satisfyClocks } from './flows.ts';
import { clocksOf } from './queries.ts';
import { logTo } from '../log.ts';
import { inChinese } from '../notify/test-notices.ts';

let city: Awaited<ReturnType<typeof makeProvince>>;
beforeAll(async () => {
	city = await makeProvince();
});

const MINUTE = 60_000;
/** A wall-clock time in China: `cst('2026-11-21T23:10')`. */
const cst = (local: string) => new Date(`${local}:00+08:00`);
const plus = (d: Date, minutes: number) => new Date(d.getTime() + minutes * MINUTE);

let serial = 0;

/** A level II explosion logged by the bureau's duty officer at `now`, with its two clocks. */
async function majorIncident(occurredAt: Date, now: Date = occurredAt) {
	serial += 1;
	const { incident } = await logIncident(
		{
			title: `江城化工园区爆炸${serial}`,
			category: 'accident',
			level: 2,
			occurredAt,
			location: '江城化工园区',
			leadUnitId: city.deptA.id,
			description: '',
			clientKey: randomUUID(),
			deviceRecordedAt: null,
			confirmOld: false
		},
		authorFor(city.people.duty),
		now
	);
	const clocks = await clocksOf(sql, { type: 'incident', id: incident.id });
	const fiveHour = clocks.find((c) => c.ruleKey === 'incident.authoritative_release')!;
	const dayLong = clocks.find((c) => c.ruleKey === 'incident.press_conference')!;
	return { incident, fiveHour, dayLong };
}

interface Told {
	name: string;
	urgency: string;
	title: string;
	body: string;
	url: string;
}

/** What landed in inboxes for this clock at exactly `now`. */
async function toldAt(clockId: string, now: Date): Promise<Told[]> {
	// stored as texts: read as a Chinese-speaking recipient reads them
	return inChinese(
		await sql<(Omit<Told, 'title' | 'body'> & { title: unknown; body: unknown })[]>`
			select p.name, n.urgency, n.title, n.body, n.url
			from notifications n join people p on p.id = n.person_id
			where n.clock_id = ${clockId} and n.created_at = ${now}`
	);
}

/** Runs the clock at `now` and says who was told, as `name urgency`, in a stable order. */
async function tick(clockId: string, now: Date): Promise<string[]> {
	await runClock(clockId, now);
	return who(await toldAt(clockId, now));
}

const who = (told: Pick<Told, 'name' | 'urgency'>[]) => told.map((t) => `${t.name} ${t.urgency}`).sort();
const sorted = (names: string[]) => [...names].sort();

async function ticksOf(clockId: string): Promise<Date[]> {
	const rows = await sql<{ startAfter: Date }[]>`
		select start_after from pgboss.job where name = 'clock-tick' and data->>'clockId' = ${clockId} order by start_after`;
	return rows.map((r) => r.startAfter);
}

describe('a level II explosion at 23:10, and nobody publishes', () => {
	it('tells each tier in turn through the night, records the breach at 04:10 and reaches the province at 05:10', async () => {
		const { incident, fiveHour } = await majorIncident(cst('2026-11-21T23:10'));
		expect(fiveHour.startsAt).toEqual(cst('2026-11-21T23:10'));
		expect(fiveHour.dueAt).toEqual(cst('2026-11-22T04:10'));
		const TODO = '请尽快审签并发布该事件的权威信息';

		// [when the worker runs, who is told, how the notice opens]
		const night: [string, string[], string][] = [
			['2026-11-21T23:10', ['陈宣传 high', '赵发言 high'], `剩余 5小时0分。${TODO}`],
			// The leader in charge waits ten minutes for the press office to acknowledge.
			['2026-11-21T23:15', [], ''],
			['2026-11-21T23:20', ['刘副市长 high'], `剩余 4小时50分。${TODO}。前一级 10 分钟内无人确认，现提醒您。`],
			['2026-11-22T01:00', [], ''],
			['2026-11-22T02:10', ['陈宣传 high', '赵发言 high'], `剩余 2小时0分。${TODO}`],
			['2026-11-22T02:20', ['刘副市长 high'], '剩余 1小时50分。'],
			['2026-11-22T02:30', ['周局长 high'], '剩余 1小时40分。'],
			['2026-11-22T03:10', ['刘副市长 high'], `剩余 1小时0分。${TODO}`],
			['2026-11-22T03:20', ['周局长 high'], '剩余 50分。'],
			['2026-11-22T03:40', ['刘副市长 critical'], `剩余 30分。${TODO}`],
			['2026-11-22T03:50', ['周局长 critical'], '剩余 20分。'],
			// The city's open-government office, not the bureau's own administrator.
			['2026-11-22T04:00', ['王市办 critical'], '剩余 10分。'],
			['2026-11-22T04:10', ['周局长 critical', '王市办 critical'], `已到时限。${TODO}。已超过时限，请立即处理并说明情况。`],
			['2026-11-22T05:10', ['周局长 critical', '孙省办 critical', '王市办 critical'], `已超时 1小时0分。${TODO}。已超过时限`]
		];
		for (const [time, expected, opening] of night) {
			const now = cst(time);
			if (time === '2026-11-22T04:10') {
				// Until the deadline the clock is running, and nobody is on record as late.
				expect((await clocksOf(sql, { type: 'incident', id: incident.id })).find((c) => c.id === fiveHour.id)!.status).toBe('running');
			}
			await runClock(fiveHour.id, now);
			const told = await toldAt(fiveHour.id, now);
			expect(who(told), time).toEqual(sorted(expected));
			for (const notice of told) {
				expect(notice.title).toBe(`【发布权威信息】${incident.title}`);
				expect(notice.body.startsWith(opening), `${time}: ${notice.body}`).toBe(true);
				expect(notice.url).toBe(`/incidents/${incident.id}`);
			}
		}

		const [clock] = await sql<{ status: string; breachedAt: Date }[]>`select status, breached_at from clocks where id = ${fiveHour.id}`;
		expect(clock).toEqual({ status: 'breached', breachedAt: cst('2026-11-22T04:10') });
		const [breach] = await sql<{ unitId: string; dueAt: Date; responsibleIds: string[] }[]>`
			select unit_id, due_at, responsible_ids from breaches where clock_id = ${fiveHour.id}`;
		const { press, spokesperson, viceMayor, director } = city.people;
		expect(breach!.unitId).toBe(city.deptA.id);
		expect(breach!.dueAt).toEqual(cst('2026-11-22T04:10'));
		// The record of who answers for the miss: the press office, the leader in charge and the principal.
		expect(sorted(breach!.responsibleIds)).toEqual(sorted([press.id, spokesperson.id, viceMayor.id, director.id]));

		const timeline = await timelineOf(sql, { type: 'incident', id: incident.id });
		expect(timeline.filter((e) => e.kind === 'clock.breached').map((e) => e.at)).toEqual([cst('2026-11-22T04:10')]);

		// The director's inbox, as the phone shows it: newest first, the breach on top.
		const directorIn = await signInAs('director-a');
		const inbox = (await directorIn.caller.inbox.list()).items.filter((n) => n.clockId === fiveHour.id);
		expect(inbox.map((n) => [n.createdAt, n.urgency])).toEqual([
			['2026-11-22T05:10:00+08:00', 'critical'],
			['2026-11-22T04:10:00+08:00', 'critical'],
			['2026-11-22T03:50:00+08:00', 'critical'],
			['2026-11-22T03:20:00+08:00', 'high'],
			['2026-11-22T02:30:00+08:00', 'high']
		]);
		expect(await directorIn.caller.inbox.unreadCount()).toBe(5);
		expect(await directorIn.caller.inbox.markRead({ ids: [inbox[0]!.id] })).toEqual({ marked: 1 });
		expect(await directorIn.caller.inbox.unreadCount()).toBe(4);
	});

	it('never wakes the deputy, the duty officer or the bureau administrator for the bureau’s clock', async () => {
		const { fiveHour } = await majorIncident(cst('2026-11-20T08:00'));
		for (const minutes of [0, 10, 180, 190, 200, 240, 250, 270, 280, 290, 300, 360]) await runClock(fiveHour.id, plus(fiveHour.startsAt, minutes));
		const names = new Set((await sql<{ name: string }[]>`
			select p.name from notifications n join people p on p.id = n.person_id where n.clock_id = ${fiveHour.id}`).map((r) => r.name));
		expect([...names].sort()).toEqual(sorted(['陈宣传', '赵发言', '刘副市长', '周局长', '王市办', '孙省办']));
	});
});

describe('a tick that runs twice', () => {
	it('tells each person once, whether the same tick runs again or two workers run it at the same moment', async () => {
		const { fiveHour } = await majorIncident(cst('2026-11-19T09:00'));
		expect(await tick(fiveHour.id, cst('2026-11-19T09:00'))).toEqual(sorted(['陈宣传 high', '赵发言 high']));
		expect((await runClock(fiveHour.id, cst('2026-11-19T09:00'))).notified).toBe(0);
		expect((await runClock(fiveHour.id, cst('2026-11-19T09:05'))).notified).toBe(0);
		expect(await tick(fiveHour.id, cst('2026-11-19T09:10'))).toEqual(['刘副市长 high']);

		// Two workers pick up the 12:00 tick (two hours before the 14:00 deadline) at once.
		const runs = await Promise.all([runClock(fiveHour.id, cst('2026-11-19T12:00')), runClock(fiveHour.id, cst('2026-11-19T12:00'))]);
		expect(runs.map((r) => r.notified).sort()).toEqual([0, 2]);

		const deliveries = await sql<{ stepIndex: number; n: number }[]>`
			select step_index, count(*)::int as n from deliveries where clock_id = ${fiveHour.id}
			group by step_index, recipient_id, channel order by step_index`;
		expect(deliveries).toEqual([
			{ stepIndex: 0, n: 1 },
			{ stepIndex: 0, n: 1 },
			{ stepIndex: 0, n: 1 },
			{ stepIndex: 1, n: 1 },
			{ stepIndex: 1, n: 1 }
		]);
		const press = await signInAs('press-a');
		const inbox = (await press.caller.inbox.list()).items.filter((n) => n.clockId === fiveHour.id);
		expect(inbox.map((n) => n.createdAt)).toEqual(['2026-11-19T12:00:00+08:00', '2026-11-19T09:00:00+08:00']);
	});
});

describe('收到: acknowledging a notice', () => {
	it('spares the leader the step the press officer acknowledged within ten minutes, but the next step reaches both', async () => {
		// Through the API as the phone does it, so the acknowledgement carries the real time.
		const duty = await signInAs('duty-a');
		const press = await signInAs('press-a');
		const created = await duty.caller.incident.create({
			clientKey: randomUUID(),
			title: '江城大桥垮塌',
			category: 'accident',
			level: 2,
			occurredAt: toIso(new Date(Date.now() - MINUTE)),
			leadUnitId: city.deptA.id
		});
		const clock = (await clocksOf(sql, { type: 'incident', id: created.id })).find((c) => c.ruleKey === 'incident.authoritative_release')!;
		const started = clock.startedAt;
		expect(await tick(clock.id, started)).toEqual(sorted(['陈宣传 high', '赵发言 high']));

		expect(await press.caller.clock.acknowledge({ clockId: clock.id })).toEqual({ acknowledged: true, stepIndex: 0 });
		expect(await tick(clock.id, plus(started, 10))).toEqual([]);
		expect(await tick(clock.id, plus(started, 30))).toEqual([]);

		const inbox = (await press.caller.inbox.list()).items.filter((n) => n.clockId === clock.id);
		expect(inbox).toHaveLength(1);
		expect(inbox[0]!.acknowledgedAt).not.toBeNull();
		expect(inbox[0]!.readAt).not.toBeNull();

		// Two hours before the deadline the press office is told again, and with nobody answering, the leader after it.
		const stepTwo = plus(clock.dueAt, -120);
		expect(await tick(clock.id, stepTwo)).toEqual(sorted(['陈宣传 high', '赵发言 high']));
		expect(await tick(clock.id, plus(stepTwo, 10))).toEqual(['刘副市长 high']);
		const later = (await press.caller.inbox.list()).items.filter((n) => n.clockId === clock.id);
		expect(later.map((n) => n.acknowledgedAt === null)).toEqual([true, false]);

		const timeline = await duty.caller.incident.byId({ id: created.id });
		const ack = timeline.timeline.find((e) => e.kind === 'clock.acknowledged');
		expect(ack).toMatchObject({ actorName: '陈宣传', data: { clockId: clock.id, step: 0, channel: 'inbox' } });
	});

	it('does not call back a tier that was already told when the acknowledgement came late', async () => {
		const { fiveHour } = await majorIncident(cst('2026-11-18T20:00'));
		await tick(fiveHour.id, cst('2026-11-18T20:00'));
		expect(await tick(fiveHour.id, cst('2026-11-18T20:10'))).toEqual(['刘副市长 high']);
		await acknowledgeClock(fiveHour.id, city.people.press.id, 'inbox', null, cst('2026-11-18T20:12'));
		// A second run of the 20:10 look after the late acknowledgement changes nothing.
		expect((await runClock(fiveHour.id, cst('2026-11-18T20:15'))).notified).toBe(0);
		const [row] = await sql<{ n: number }[]>`select count(*)::int as n from notifications where clock_id = ${fiveHour.id}`;
		expect(row!.n).toBe(3);
	});

	it('cannot silence a step before it is sent: the office still hears of the breach', async () => {
		const duty = await signInAs('duty-a');
		const press = await signInAs('press-a');
		const created = await duty.caller.incident.create({
			clientKey: randomUUID(),
			title: '江城化工厂爆燃',
			category: 'accident',
			level: 2,
			occurredAt: toIso(new Date(Date.now() - MINUTE)),
			leadUnitId: city.deptA.id
		});
		const clock = (await clocksOf(sql, { type: 'incident', id: created.id })).find((c) => c.ruleKey === 'incident.authoritative_release')!;
		await runClock(clock.id, clock.startedAt);
		// Step 4 is the deadline itself, telling the principal and the office at once.
		expect(await press.caller.clock.acknowledge({ clockId: clock.id, stepIndex: 4 })).toEqual({ acknowledged: false, stepIndex: null });
		await runClock(clock.id, clock.dueAt);
		const atDeadline = await sql<{ name: string; urgency: string }[]>`
			select p.name, n.urgency from notifications n join people p on p.id = n.person_id
			where n.clock_id = ${clock.id} and n.step_index = 4`;
		expect(who(atDeadline)).toEqual(sorted(['周局长 critical', '王市办 critical']));
	});

	it("answers an acknowledgement of another department's clock as not found", async () => {
		const { fiveHour } = await majorIncident(cst('2026-11-18T06:00'));
		await tick(fiveHour.id, cst('2026-11-18T06:00'));
		const pressB = await signInAs('press-b');
		const e = await pressB.caller.clock.acknowledge({ clockId: fiveHour.id }).catch((e: unknown) => e);
		expect(e).toMatchObject({ code: 'NOT_FOUND', message: '未找到该记录，或您无权查看' });
		const [row] = await sql<{ n: number }[]>`select count(*)::int as n from clock_acknowledgements where clock_id = ${fiveHour.id}`;
		expect(row!.n).toBe(0);
	});
});

describe('an incident synced late from a phone without signal', () => {
	it('starts the 5-hour clock from the occurrence, sends where things stand at once, and is due ten minutes later', async () => {
		const occurred = cst('2026-11-17T08:00');
		const received = cst('2026-11-17T12:50');
		const { fiveHour, dayLong } = await majorIncident(occurred, received);
		expect(fiveHour).toMatchObject({ startsAt: occurred, dueAt: cst('2026-11-17T13:00'), startedAt: received });
		// The first look is scheduled for the moment it arrived, not for the steps that passed offline.
		expect(await ticksOf(fiveHour.id)).toEqual([received]);

		// Only the latest step already past (30 minutes left) goes out, to its first tier.
		const told = await toldAt(fiveHour.id, received).then(async (before) => {
			expect(before).toEqual([]);
			await runClock(fiveHour.id, received);
			return toldAt(fiveHour.id, received);
		});
		expect(who(told)).toEqual(['刘副市长 critical']);
		expect(told[0]!.body).toBe('剩余 10分。请尽快审签并发布该事件的权威信息。');
		expect(await tick(fiveHour.id, cst('2026-11-17T12:55'))).toEqual([]);

		// The 24-hour clock sends its opening notice once, late, with the time left as it now stands.
		await runClock(dayLong.id, received);
		const day = await toldAt(dayLong.id, received);
		expect(who(day)).toEqual(sorted(['陈宣传 high', '赵发言 high']));
		expect(day[0]!.body).toBe('剩余 19小时10分。请尽快召开新闻发布会（须实际召开）。');
	});
});

describe('meeting a clock', () => {
	it('marks the 5-hour clock satisfied by a release before the deadline, leaves the 24-hour clock running, and tells nobody after', async () => {
		const { incident, fiveHour, dayLong } = await majorIncident(cst('2026-11-16T10:00'));
		await tick(fiveHour.id, cst('2026-11-16T10:00'));
		const subject = { type: 'incident', id: incident.id } as const;
		const met = await satisfyClocks(subject, 'release.authoritative', cst('2026-11-16T12:30'), { releaseId: 'r-1' });
		expect(met.map((c) => [c.id, c.status])).toEqual([[fiveHour.id, 'satisfied']]);

		const clocks = await clocksOf(sql, subject);
		expect(clocks.find((c) => c.id === fiveHour.id)).toMatchObject({
			status: 'satisfied',
			satisfiedAt: cst('2026-11-16T12:30'),
			evidence: { releaseId: 'r-1' }
		});
		expect(clocks.find((c) => c.id === dayLong.id)).toMatchObject({ status: 'running', satisfiedAt: null });

		for (const time of ['2026-11-16T13:00', '2026-11-16T15:00', '2026-11-16T16:00']) {
			expect(await runClock(fiveHour.id, cst(time))).toEqual({ notified: 0, breached: false, next: null });
		}
		const [breach] = await sql`select 1 from breaches where clock_id = ${fiveHour.id}`;
		expect(breach).toBeUndefined();
		const timeline = await timelineOf(sql, subject);
		expect(timeline.find((e) => e.kind === 'clock.satisfied')?.data).toMatchObject({ status: 'satisfied', evidence: { releaseId: 'r-1' } });
	});

	it('marks a breached clock satisfied late, keeps the breach on record, and stops the escalation to the province', async () => {
		const { incident, fiveHour } = await majorIncident(cst('2026-11-15T10:00'));
		expect((await runClock(fiveHour.id, cst('2026-11-15T15:00'))).breached).toBe(true);
		const met = await satisfyClocks({ type: 'incident', id: incident.id }, 'release.authoritative', cst('2026-11-15T15:40'), { releaseId: 'r-2' });
		expect(met.map((c) => c.status)).toEqual(['satisfied_late']);

		const [clock] = await sql<{ status: string; satisfiedAt: Date; breachedAt: Date }[]>`
			select status, satisfied_at, breached_at from clocks where id = ${fiveHour.id}`;
		expect(clock).toEqual({ status: 'satisfied_late', satisfiedAt: cst('2026-11-15T15:40'), breachedAt: cst('2026-11-15T15:00') });
		const breaches = await sql`select 1 from breaches where clock_id = ${fiveHour.id}`;
		expect(breaches).toHaveLength(1);
		// 16:00 is when the superior office would have been told.
		expect(await tick(fiveHour.id, cst('2026-11-15T16:00'))).toEqual([]);
	});
});

describe('a lost tick', () => {
	// The auditor's complaint is for the operators' log; here it is checked, not printed.
	let lines: string[] = [];
	let restore = () => {};
	const complaints = () =>
		lines.map((l) => JSON.parse(l) as { where: string; clockId: string; rule: string; overdue: number; breach: boolean; msg: string });
	beforeEach(() => {
		lines = [];
		restore = logTo({ write: (line: string) => void lines.push(line) });
	});
	afterEach(() => {
		restore();
	});

	it('is repaired by the auditor, which delivers the overdue notices once and then finds nothing to do', async () => {
		const { fiveHour, dayLong } = await majorIncident(cst('2026-11-14T06:00'));
		expect(await ticksOf(fiveHour.id)).toEqual([cst('2026-11-14T06:00')]);
		await sql`delete from pgboss.job where data->>'clockId' in (${fiveHour.id}, ${dayLong.id})`;

		const now = cst('2026-11-14T06:12');
		const repaired = await auditClocks(now);
		expect(repaired).toEqual(expect.arrayContaining([fiveHour.id, dayLong.id]));
		// The press office's opening notice, and the leader's, ten minutes on with nobody acknowledging.
		expect(who(await toldAt(fiveHour.id, now))).toEqual(sorted(['陈宣传 high', '赵发言 high', '刘副市长 high']));
		expect(await ticksOf(fiveHour.id)).toEqual([cst('2026-11-14T09:00')]);

		expect(complaints()).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ where: 'clock-audit', clockId: fiveHour.id, rule: '发布权威信息', overdue: 2, breach: false, msg: 'lost tick: running it now' })
			])
		);

		expect(await auditClocks(now)).toEqual([]);
		const [row] = await sql<{ n: number }[]>`select count(*)::int as n from notifications where clock_id = ${fiveHour.id}`;
		expect(row!.n).toBe(3);
	});

	it('records a breach nobody ran the deadline tick for', async () => {
		const { fiveHour } = await majorIncident(cst('2026-11-13T06:00'));
		await runClock(fiveHour.id, cst('2026-11-13T06:00'));
		await sql`delete from pgboss.job where data->>'clockId' = ${fiveHour.id}`;
		expect(await auditClocks(cst('2026-11-13T11:01'))).toContain(fiveHour.id);
		expect(complaints().find((c) => c.clockId === fiveHour.id)).toMatchObject({ breach: true });
		const [clock] = await sql<{ status: string }[]>`select status from clocks where id = ${fiveHour.id}`;
		expect(clock!.status).toBe('breached');
		expect(await sql`select 1 from breaches where clock_id = ${fiveHour.id}`).toHaveLength(1);
	});

	it('leaves the next look scheduled after every run, so the 23:20 escalation happens without the auditor', async () => {
		const { fiveHour } = await majorIncident(cst('2026-11-12T23:10'));
		const { next } = await runClock(fiveHour.id, cst('2026-11-12T23:10'));
		expect(next).toEqual(cst('2026-11-12T23:20'));
		expect(await ticksOf(fiveHour.id)).toEqual([cst('2026-11-12T23:10'), cst('2026-11-12T23:20')]);
	});
});
