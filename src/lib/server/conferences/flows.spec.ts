// Press conferences against a major incident's 24-hour clock, at injected times: holding one meets the
// clock at its actual start (late if after the deadline, the breach kept), planning past the deadline
// warns and tells the leader in charge, and every change is reasoned, audited and on both timelines.
import { beforeAll, describe, expect, it } from 'vitest';
import { runClock } from '../clocks/flows.ts';
import { clocksOf } from '../clocks/queries.ts';
import { sql } from '../db.ts';
import { FieldError } from '../errors.ts';
import { authorFor, logMajorIncident, makeProvince } from '../test-helpers.ts';
import { timelineOf } from '../timeline/queries.ts';
import { cancelConference, changePublicPhone, editConference, markHeld, planConference, postponeConference, type ConferenceInput } from './flows.ts';
import { getConference, listSpokespersons } from './queries.ts';
import { inChinese } from '../notify/test-notices.ts';

let city: Awaited<ReturnType<typeof makeProvince>>;
beforeAll(async () => {
	city = await makeProvince();
});

const cst = (local: string) => new Date(`${local}:00+08:00`);
const press = () => authorFor(city.people.press);

function plan(overrides: Partial<ConferenceInput> & { plannedAt: Date }): ConferenceInput {
	return {
		kind: 'press_conference',
		title: '化工园区爆炸事故新闻发布会',
		incidentId: null,
		unitId: null,
		place: '市政府新闻发布厅',
		hostId: null,
		speakerIds: null,
		mediaInvited: ['新华社', '江城日报'],
		...overrides
	};
}

const dayLongClock = async (incidentId: string) =>
	(await clocksOf(sql, { type: 'incident', id: incidentId })).find((c) => c.ruleKey === 'incident.press_conference')!;

async function failure(p: Promise<unknown>): Promise<FieldError> {
	const e = await p.then(
		() => null,
		(e: unknown) => e
	);
	expect(e).toBeInstanceOf(FieldError);
	return e as FieldError;
}

const alertsFor = async (personId: string, conferenceId: string) =>
	inChinese(
		await sql<{ kind: string; urgency: string; title: unknown; body: unknown; url: string }[]>`
			select kind, urgency, title, body, url from notifications
			where person_id = ${personId} and subject = 'conference' and subject_id = ${conferenceId}
			order by created_at`
	);

describe('holding the conference', () => {
	it("meets the level II incident's 24-hour clock at the actual start time, on the incident's record", async () => {
		const { incident } = await logMajorIncident(city.people.duty, city.deptA.id, cst('2026-09-01T08:00'));
		const { conference, lateWarning } = await planConference(
			plan({ incidentId: incident.id, plannedAt: cst('2026-09-01T15:00') }),
			press(),
			cst('2026-09-01T09:00')
		);
		expect(lateWarning).toBeNull();
		// Left to the server: the incident's lead unit, and its principal (the first spokesperson) ahead of its spokesperson.
		expect(conference).toMatchObject({ unitId: city.deptA.id, status: 'planned', speakerIds: [city.people.director.id, city.people.spokesperson.id] });

		const held = await markHeld(conference.id, cst('2026-09-01T15:07'), press(), cst('2026-09-01T15:20'));
		expect(held).toMatchObject({ status: 'held', heldAt: cst('2026-09-01T15:07') });

		const clock = await dayLongClock(incident.id);
		expect(clock).toMatchObject({
			status: 'satisfied',
			satisfiedAt: cst('2026-09-01T15:07'),
			evidence: { conferenceId: conference.id, title: '化工园区爆炸事故新闻发布会' }
		});
		// Only the press-conference clock: the 5-hour release clock still waits for its release.
		const fiveHour = (await clocksOf(sql, { type: 'incident', id: incident.id })).find((c) => c.ruleKey === 'incident.authoritative_release');
		expect(fiveHour!.status).toBe('running');

		const events = (await timelineOf(sql, { type: 'incident', id: incident.id })).filter((e) => e.kind.startsWith('conference.') || e.kind === 'clock.satisfied');
		expect(events.map((e) => [e.kind, e.at])).toEqual([
			['conference.planned', cst('2026-09-01T09:00')],
			['conference.held', cst('2026-09-01T15:07')],
			['clock.satisfied', cst('2026-09-01T15:07')]
		]);
		expect(events[0]).toMatchObject({ actorName: '陈宣传', data: { conferenceId: conference.id, time: '2026年9月1日 15:00' } });

		const audits = await sql<{ action: string; actorId: string }[]>`
			select action, actor_id from audit_log where entity = 'conference' and entity_id = ${conference.id} order by id`;
		expect(audits).toEqual([
			{ action: 'conference.planned', actorId: city.people.press.id },
			{ action: 'conference.held', actorId: city.people.press.id }
		]);
	});

	it('after the deadline meets the clock late and keeps the breach on record', async () => {
		const { incident, dayLong } = await logMajorIncident(city.people.duty, city.deptA.id, cst('2026-09-02T08:00'));
		const { conference } = await planConference(plan({ incidentId: incident.id, plannedAt: cst('2026-09-02T18:00') }), press(), cst('2026-09-02T08:30'));
		expect((await runClock(dayLong!.id, cst('2026-09-03T08:01'))).breached).toBe(true);

		await markHeld(conference.id, cst('2026-09-03T10:00'), press(), cst('2026-09-03T10:30'));
		const clock = await dayLongClock(incident.id);
		expect(clock).toMatchObject({ status: 'satisfied_late', satisfiedAt: cst('2026-09-03T10:00'), breachedAt: cst('2026-09-03T08:00') });
		const breaches = await sql<{ dueAt: Date }[]>`select due_at from breaches where clock_id = ${dayLong!.id}`;
		expect(breaches).toEqual([{ dueAt: cst('2026-09-03T08:00') }]);
		// A met clock is no longer chased.
		expect((await runClock(dayLong!.id, cst('2026-09-03T12:00'))).notified).toBe(0);
	});

	it('refuses a start time more than five minutes ahead, and leaves the clock running', async () => {
		const { incident } = await logMajorIncident(city.people.duty, city.deptA.id, cst('2026-09-03T08:00'));
		const { conference } = await planConference(plan({ incidentId: incident.id, plannedAt: cst('2026-09-03T16:00') }), press(), cst('2026-09-03T09:00'));

		const refused = await failure(markHeld(conference.id, cst('2026-09-03T16:00'), press(), cst('2026-09-03T15:50')));
		expect(refused.field).toBe('heldAt');
		expect(refused.message).toBe('「实际召开时间」不能晚于现在 5 分钟以上：请在发布会实际开始后再记录');
		expect((await getConference(sql, conference.id, null))!.status).toBe('planned');
		expect((await dayLongClock(incident.id)).status).toBe('running');

		// A phone a few minutes fast is fine.
		await markHeld(conference.id, cst('2026-09-03T16:04'), press(), cst('2026-09-03T16:00'));
		expect((await dayLongClock(incident.id)).status).toBe('satisfied');
		// Recorded once: holding it again is refused.
		expect((await failure(markHeld(conference.id, cst('2026-09-03T16:05'), press(), cst('2026-09-03T16:10')))).message).toBe(
			'该发布会已召开或已取消，不能再修改'
		);
	});
});

describe('planning after the deadline', () => {
	it('returns the warning and alerts the leader in charge, with one tap to the conference', async () => {
		const { incident } = await logMajorIncident(city.people.duty, city.deptA.id, cst('2026-09-04T08:00'));
		const { conference, lateWarning } = await planConference(
			plan({ title: '爆炸事故第一场发布会', incidentId: incident.id, plannedAt: cst('2026-09-05T10:00') }),
			press(),
			cst('2026-09-04T09:00')
		);
		expect(lateWarning).toMatchObject({ hours: 24, dueAt: '2026-09-05T08:00:00+08:00', message: '计划时间晚于24小时时限（截止 2026年9月5日 08:00）' });

		const alerts = await alertsFor(city.people.viceMayor.id, conference.id);
		expect(alerts).toEqual([
			{
				kind: 'alert',
				urgency: 'high',
				title: '发布会计划晚于时限：爆炸事故第一场发布会',
				body: expect.stringContaining('计划于 2026年9月5日 10:00 召开'),
				url: `/conferences/${conference.id}`
			}
		]);
		// Nobody else is woken for it: not the deputy, not the duty officer.
		const told = await sql<{ personId: string }[]>`select person_id from notifications where subject = 'conference' and subject_id = ${conference.id}`;
		expect(told.map((r) => r.personId)).toEqual([city.people.viceMayor.id]);
		const [delivery] = await sql<{ channel: string; status: string }[]>`
			select d.channel, d.status from deliveries d join notifications n on n.id = d.notification_id
			where n.subject_id = ${conference.id}`;
		expect(delivery).toEqual({ channel: 'inbox', status: 'sent' });
	});

	it('warns again only when a postponement moves it later past the deadline; within it, nobody is told', async () => {
		const { incident } = await logMajorIncident(city.people.duty, city.deptA.id, cst('2026-09-06T08:00'));
		const { conference, lateWarning } = await planConference(plan({ incidentId: incident.id, plannedAt: cst('2026-09-06T14:00') }), press(), cst('2026-09-06T09:00'));
		expect(lateWarning).toBeNull();

		const within = await postponeConference(conference.id, cst('2026-09-07T07:00'), '主要负责人在现场指挥', press(), cst('2026-09-06T13:00'));
		expect(within.lateWarning).toBeNull();
		expect(await alertsFor(city.people.viceMayor.id, conference.id)).toEqual([]);

		const past = await postponeConference(conference.id, cst('2026-09-07T09:30'), '伤亡数字尚未核实', press(), cst('2026-09-07T06:00'));
		expect(past.conference).toMatchObject({ status: 'postponed', plannedAt: cst('2026-09-07T09:30'), statusReason: '伤亡数字尚未核实' });
		expect(past.lateWarning?.message).toBe('计划时间晚于24小时时限（截止 2026年9月7日 08:00）');
		expect(await alertsFor(city.people.viceMayor.id, conference.id)).toHaveLength(1);

		// A postponed conference can still be held; late, so the clock is met late.
		await markHeld(conference.id, cst('2026-09-07T09:35'), press(), cst('2026-09-07T10:00'));
		expect((await dayLongClock(incident.id)).status).toBe('satisfied_late');
		const kinds = (await timelineOf(sql, { type: 'incident', id: incident.id })).map((e) => e.kind).filter((k) => k.startsWith('conference.'));
		expect(kinds).toEqual(['conference.planned', 'conference.postponed', 'conference.postponed', 'conference.held']);
	});

	it('editing the time later past the deadline warns as planning it there would', async () => {
		const { incident } = await logMajorIncident(city.people.duty, city.deptA.id, cst('2026-09-08T08:00'));
		const { conference } = await planConference(plan({ incidentId: incident.id, plannedAt: cst('2026-09-08T16:00') }), press(), cst('2026-09-08T09:00'));
		const edited = await editConference(
			conference.id,
			plan({ incidentId: incident.id, plannedAt: cst('2026-09-09T11:00'), place: '应急管理局三楼会议室' }),
			press(),
			cst('2026-09-08T10:00')
		);
		expect(edited.conference).toMatchObject({ place: '应急管理局三楼会议室', speakerIds: conference.speakerIds });
		expect(edited.lateWarning?.dueAt).toBe('2026-09-09T08:00:00+08:00');
		expect(await alertsFor(city.people.viceMayor.id, conference.id)).toHaveLength(1);
		expect((await timelineOf(sql, { type: 'incident', id: incident.id })).at(-1)).toMatchObject({ kind: 'conference.rescheduled' });
	});
});

describe("an incident the editor cannot see", () => {
	it('stays linked when the edit leaves it out, and is not chosen again', async () => {
		// Logged for B by someone reaching the whole city.
		const { incident } = await logMajorIncident({ id: city.people.duty.id, unitId: city.government.id }, city.deptB.id, cst('2026-09-12T08:00'));
		const office = authorFor(city.people.press, null);
		const { conference } = await planConference(plan({ incidentId: incident.id, unitId: city.deptA.id, plannedAt: cst('2026-09-12T15:00') }), office, cst('2026-09-12T09:00'));
		// A's press officer reaches the conference (A's), not the incident (B's): the form sends no incident at all.
		const { incidentId: _left, ...rest } = plan({ unitId: city.deptA.id, plannedAt: cst('2026-09-12T16:00') });
		const edited = await editConference(conference.id, rest, press(), cst('2026-09-12T10:00'));
		expect(edited.conference).toMatchObject({ incidentId: incident.id, plannedAt: cst('2026-09-12T16:00') });
		// Choosing it by id is still refused: it is out of reach.
		const e = await failure(editConference(conference.id, { ...rest, incidentId: incident.id.replace(/.$/, (c) => (c === '0' ? '1' : '0')) }, press()));
		expect(e.field).toBe('incidentId');
	});
});

describe('postponing and cancelling', () => {
	it('need a reason, and a postponement a later time, each refusal naming its field', async () => {
		const { incident } = await logMajorIncident(city.people.duty, city.deptA.id, cst('2026-09-10T08:00'));
		const { conference } = await planConference(plan({ incidentId: incident.id, plannedAt: cst('2026-09-10T15:00') }), press(), cst('2026-09-10T09:00'));

		for (const reason of ['', '   ']) {
			const refused = await failure(postponeConference(conference.id, cst('2026-09-10T17:00'), reason, press(), cst('2026-09-10T10:00')));
			expect([refused.field, refused.message]).toEqual(['reason', '「理由」延期须说明理由']);
			const cancel = await failure(cancelConference(conference.id, reason, press(), cst('2026-09-10T10:00')));
			expect([cancel.field, cancel.message]).toEqual(['reason', '「理由」取消须说明理由']);
		}
		const earlier = await failure(postponeConference(conference.id, cst('2026-09-10T14:00'), '场地冲突', press(), cst('2026-09-10T10:00')));
		expect([earlier.field, earlier.message]).toEqual(['plannedAt', '「计划时间」延期后的时间须晚于原定时间（2026年9月10日 15:00）']);
		expect((await getConference(sql, conference.id, null))!).toMatchObject({ status: 'planned', plannedAt: cst('2026-09-10T15:00') });

		const cancelled = await cancelConference(conference.id, '改为书面发布', press(), cst('2026-09-10T11:00'));
		expect(cancelled).toMatchObject({ status: 'cancelled', statusReason: '改为书面发布' });
		// Calling it off does not meet the clock.
		expect((await dayLongClock(incident.id)).status).toBe('running');
		expect((await timelineOf(sql, { type: 'incident', id: incident.id })).at(-1)).toMatchObject({
			kind: 'conference.cancelled',
			data: { reason: '改为书面发布', title: conference.title }
		});
		expect((await failure(postponeConference(conference.id, cst('2026-09-11T09:00'), '再议', press(), cst('2026-09-10T12:00')))).field).toBe('id');
	});
});

describe('choices out of reach', () => {
	it("refuses an incident, a unit or a speaker the author cannot see", async () => {
		const { incident } = await logMajorIncident(city.people.duty, city.deptA.id, cst('2026-09-12T08:00'));
		const other = authorFor(city.people.pressB);
		const at = cst('2026-09-12T09:00');
		expect((await failure(planConference(plan({ incidentId: incident.id, plannedAt: cst('2026-09-12T15:00') }), other, at))).field).toBe('incidentId');
		expect((await failure(planConference(plan({ unitId: city.deptA.id, plannedAt: cst('2026-09-12T15:00') }), other, at))).field).toBe('unitId');
		expect(
			(await failure(planConference(plan({ speakerIds: [city.people.spokesperson.id], plannedAt: cst('2026-09-12T15:00') }), other, at))).message
		).toBe('「发布人」不是可选的值');
		// The bureau's own leader in charge sits in the city government, above its reach, and may still host.
		const { conference } = await planConference(plan({ hostId: city.people.viceMayor.id, plannedAt: cst('2026-09-12T15:00') }), press(), at);
		expect(conference).toMatchObject({ hostId: city.people.viceMayor.id, hostName: '刘副市长', incidentId: null, unitId: city.deptA.id });
	});
});

describe('spokespersons', () => {
	it("lists each unit's spokesperson and principal; the office keeps their public phones, refusing a malformed one", async () => {
		const office = city.government.id;
		expect(await changePublicPhone(city.people.spokesperson.id, ' 0891-632 1234 ', office, authorFor(city.people.officeAdmin).actor)).toBe('0891-632 1234');
		const refused = await failure(changePublicPhone(city.people.director.id, '请拨总机', office, authorFor(city.people.officeAdmin).actor));
		expect([refused.field, refused.message]).toEqual(['publicPhone', '「公开电话」只能填写数字、空格和 + - ( )，至少 5 位数字']);

		const rows = await listSpokespersons(sql, city.deptA.id);
		expect(rows.map((r) => [r.name, r.isPrincipal, r.publicPhone])).toEqual([
			['周局长', true, null],
			['赵发言', false, '0891-632 1234']
		]);
		const [audit] = await sql<{ after: unknown }[]>`
			select after from audit_log where action = 'person.public_phone_set' and entity_id = ${city.people.spokesperson.id}`;
		expect(audit!.after).toEqual({ publicPhone: '0891-632 1234' });
	});
});
