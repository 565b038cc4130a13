// Incident transitions with their clocks, at injected times: a corrected occurrence moves the
// deadlines, a new lead unit takes the clocks along, merging and closing stop them; every change is
// audited and on the timeline.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { runClock } from '../clocks/flows.ts';
import { clocksOf } from '../clocks/queries.ts';
import { sql } from '../db.ts';
import { FieldError } from '../errors.ts';
import { authorFor, makeProvince } from '../test-helpers.ts';
import { timelineOf } from '../timeline/queries.ts';
import { closeIncident, editIncident, logIncident, mergeIncident } from './flows.ts';
import type { IncidentRow } from './queries.ts';
import { render } from '../../i18n/index.ts';
import { inChinese } from '../notify/test-notices.ts';

let city: Awaited<ReturnType<typeof makeProvince>>;
beforeAll(async () => {
	city = await makeProvince();
});

const MINUTE = 60_000;
const cst = (local: string) => new Date(`${local}:00+08:00`);
const duty = () => authorFor(city.people.duty);
// The city office reaches every department of the city.
const office = () => authorFor(city.people.officeAdmin, city.government.id);

let serial = 0;
async function logged(occurredAt: Date, now: Date = occurredAt) {
	serial += 1;
	const { incident } = await logIncident(
		{
			title: `江城隧道坍塌${serial}`,
			category: 'accident',
			level: 2,
			occurredAt,
			location: '江城西环隧道',
			leadUnitId: city.deptA.id,
			description: '',
			clientKey: randomUUID(),
			deviceRecordedAt: null,
			confirmOld: false
		},
		duty(),
		now
	);
	return incident;
}

const fieldsOf = (i: IncidentRow) => ({
	title: i.title,
	category: i.category,
	occurredAt: i.occurredAt,
	location: i.location,
	leadUnitId: i.leadUnitId,
	description: i.description
});

// the cancel reason is stored as a text: read here as a Chinese reader reads it
const clocks = async (id: string) =>
	(await clocksOf(sql, { type: 'incident', id })).map((c) => ({ ...c, cancelReason: c.cancelReason && render(c.cancelReason, 'zh-CN') }));
const timeline = (id: string) => timelineOf(sql, { type: 'incident', id });

async function auditActions(id: string) {
	return sql<{ action: string; actorId: string | null; before: Record<string, unknown> | null; after: Record<string, unknown> | null }[]>`
		select action, actor_id, before, after from audit_log where entity = 'incident' and entity_id = ${id} order by id`;
}

async function failure(p: Promise<unknown>): Promise<FieldError> {
	const e = await p.then(
		() => null,
		(e: unknown) => e
	);
	expect(e).toBeInstanceOf(FieldError);
	return e as FieldError;
}

describe('correcting an incident', () => {
	it('moves the open clocks with a corrected time of occurrence, by exactly the correction', async () => {
		const incident = await logged(cst('2026-10-10T10:00'), cst('2026-10-10T10:05'));
		const before = await clocks(incident.id);

		// A witness puts it twenty minutes earlier: both deadlines come twenty minutes closer.
		await editIncident(incident.id, { ...fieldsOf(incident), occurredAt: cst('2026-10-10T09:40') }, duty(), cst('2026-10-10T10:20'));
		const after = await clocks(incident.id);
		expect(after.map((c) => [c.ruleKey, c.startsAt, c.dueAt])).toEqual([
			['incident.authoritative_release', cst('2026-10-10T09:40'), cst('2026-10-10T14:40')],
			['incident.press_conference', cst('2026-10-10T09:40'), cst('2026-10-11T09:40')]
		]);
		after.forEach((c, i) => expect(before[i]!.dueAt.getTime() - c.dueAt.getTime()).toBe(20 * MINUTE));

		const events = await timeline(incident.id);
		expect(events.at(-1)).toMatchObject({ kind: 'incident.updated', actorName: '李值班', data: { changed: ['occurredAt'] } });
		const audits = await auditActions(incident.id);
		expect(audits.map((a) => a.action)).toEqual(['incident.logged', 'incident.updated']);
		expect(audits[1]).toMatchObject({ actorId: city.people.duty.id });
		expect([audits[1]!.before!.occurredAt, audits[1]!.after!.occurredAt].map((t) => new Date(String(t)))).toEqual([
			cst('2026-10-10T10:00'),
			cst('2026-10-10T09:40')
		]);
		// Each clock is looked at again now, so a notice the correction brought forward is not missed.
		const jobs = await sql<{ startAfter: Date }[]>`
			select start_after from pgboss.job where data->>'clockId' = ${after[0]!.id} order by start_after`;
		expect(jobs.map((j) => j.startAfter)).toContainEqual(cst('2026-10-10T10:20'));
	});

	it('records the breach at the corrected deadline when the correction puts it in the past', async () => {
		const incident = await logged(cst('2026-10-09T10:00'), cst('2026-10-09T14:00'));
		await editIncident(incident.id, { ...fieldsOf(incident), occurredAt: cst('2026-10-09T08:30') }, duty(), cst('2026-10-09T14:10'));
		const [fiveHour] = await clocks(incident.id);
		expect(fiveHour!.dueAt).toEqual(cst('2026-10-09T13:30'));
		expect((await runClock(fiveHour!.id, cst('2026-10-09T14:10'))).breached).toBe(true);
		const [breach] = await sql<{ dueAt: Date }[]>`select due_at from breaches where clock_id = ${fiveHour!.id}`;
		expect(breach!.dueAt).toEqual(cst('2026-10-09T13:30'));
	});

	it('hands the clocks to a new lead unit, whose press officer is told from then on', async () => {
		const incident = await logged(cst('2026-10-08T10:00'));
		const [fiveHour] = await clocks(incident.id);
		await runClock(fiveHour!.id, cst('2026-10-08T10:00'));

		// The bureau cannot pass the incident to a unit outside its reach; the city office can.
		const refused = await failure(editIncident(incident.id, { ...fieldsOf(incident), leadUnitId: city.deptB.id }, duty(), cst('2026-10-08T10:30')));
		expect(refused.message).toBe('「牵头单位」不是可选的值');
		await editIncident(incident.id, { ...fieldsOf(incident), leadUnitId: city.deptB.id }, office(), cst('2026-10-08T10:30'));

		expect((await clocks(incident.id)).map((c) => c.unitId)).toEqual([city.deptB.id, city.deptB.id]);
		// Two hours before the deadline the health commission's press officer hears of it, not the bureau's.
		await runClock(fiveHour!.id, cst('2026-10-08T13:00'));
		const told = await sql<{ name: string }[]>`
			select p.name from notifications n join people p on p.id = n.person_id
			where n.clock_id = ${fiveHour!.id} and n.kind = 'clock' and n.created_at = ${cst('2026-10-08T13:00')}`;
		expect(told.map((t) => t.name)).toEqual(['吴宣传']);
		// The commission names no leader in charge: that step reached nobody, and the city's office is told so.
		const gaps = inChinese(
			await sql<{ name: string; title: unknown }[]>`
				select p.name, n.title from notifications n join people p on p.id = n.person_id
				where n.clock_id = ${fiveHour!.id} and n.kind = 'alert'`
		);
		expect(gaps).toEqual([{ name: '王市办', title: '应提醒的人员未设置：江城市卫生健康委员会' }]);

		expect((await timeline(incident.id)).filter((e) => e.kind === 'incident.updated').map((e) => e.data)).toEqual([{ changed: ['leadUnitId'] }]);
		const audits = await auditActions(incident.id);
		expect(audits.at(-1)).toMatchObject({ action: 'incident.updated', actorId: city.people.officeAdmin.id });
		expect(audits.at(-1)!.after).toMatchObject({ leadUnitName: '江城市卫生健康委员会' });
	});
});

describe('merging a duplicate', () => {
	it("stops the duplicate's clocks and keeps the other's running, with both timelines saying so", async () => {
		const kept = await logged(cst('2026-10-07T08:00'));
		const duplicate = await logged(cst('2026-10-07T08:02'), cst('2026-10-07T08:10'));

		const merged = await mergeIncident(duplicate.id, kept.id, duty(), cst('2026-10-07T08:30'));
		expect(merged).toMatchObject({ status: 'merged', mergedIntoId: kept.id });

		const reason = `合并到“${kept.title}”`;
		expect((await clocks(duplicate.id)).map((c) => [c.status, c.cancelReason, c.cancelledAt])).toEqual([
			['cancelled', reason, cst('2026-10-07T08:30')],
			['cancelled', reason, cst('2026-10-07T08:30')]
		]);
		expect((await clocks(kept.id)).map((c) => c.status)).toEqual(['running', 'running']);
		// Nobody is chased for the duplicate any more.
		const [dupClock] = await clocks(duplicate.id);
		expect((await runClock(dupClock!.id, cst('2026-10-07T11:02'))).notified).toBe(0);

		expect((await timeline(duplicate.id)).map((e) => e.kind).slice(-3)).toEqual(['clock.cancelled', 'clock.cancelled', 'incident.merged']);
		expect((await timeline(kept.id)).at(-1)).toMatchObject({ kind: 'incident.absorbed', data: { fromId: duplicate.id, fromTitle: duplicate.title } });
		expect((await auditActions(duplicate.id)).map((a) => a.action)).toEqual(['incident.logged', 'incident.merged']);
	});

	it('refuses to merge an incident into itself, or to touch one already merged', async () => {
		const a = await logged(cst('2026-10-06T08:00'));
		const b = await logged(cst('2026-10-06T08:05'));
		expect((await failure(mergeIncident(a.id, a.id, duty(), cst('2026-10-06T08:10')))).message).toBe('「合并到」不能合并到自身');
		await mergeIncident(a.id, b.id, duty(), cst('2026-10-06T08:10'));
		expect((await failure(mergeIncident(a.id, b.id, duty(), cst('2026-10-06T08:11')))).message).toBe('该事件已关闭或已合并，不能再修改');
		expect((await failure(editIncident(a.id, { ...fieldsOf(a), title: '再改' }, duty(), cst('2026-10-06T08:12')))).message).toBe(
			'该事件已关闭或已合并，不能再修改'
		);
	});
});

describe('closing an incident', () => {
	it('asks for a note, then cancels the running clocks with it, keeping a breach already on record', async () => {
		const incident = await logged(cst('2026-10-05T08:00'));
		const [fiveHour, dayLong] = await clocks(incident.id);
		await runClock(fiveHour!.id, cst('2026-10-05T13:00'));

		for (const note of ['', '   ']) {
			expect((await failure(closeIncident(incident.id, note, duty(), cst('2026-10-05T14:00')))).message).toBe('「说明」关闭事件须填写说明');
		}
		expect((await clocks(incident.id)).map((c) => c.status)).toEqual(['breached', 'running']);

		const closed = await closeIncident(incident.id, '救援结束，已发布通报', duty(), cst('2026-10-05T14:00'));
		expect(closed).toMatchObject({ status: 'closed', closedAt: cst('2026-10-05T14:00'), closeNote: '救援结束，已发布通报' });
		expect((await clocks(incident.id)).map((c) => [c.id, c.status, c.cancelReason])).toEqual([
			[fiveHour!.id, 'cancelled', '事件关闭：救援结束，已发布通报'],
			[dayLong!.id, 'cancelled', '事件关闭：救援结束，已发布通报']
		]);
		expect(await sql`select 1 from breaches where clock_id = ${fiveHour!.id}`).toHaveLength(1);
		expect((await runClock(dayLong!.id, cst('2026-10-06T08:00'))).notified).toBe(0);

		expect((await timeline(incident.id)).at(-1)).toMatchObject({ kind: 'incident.closed', data: { note: '救援结束，已发布通报' } });
		expect((await auditActions(incident.id)).map((a) => a.action)).toEqual(['incident.logged', 'incident.closed']);
		const e = await failure(closeIncident(incident.id, '再关一次', duty(), cst('2026-10-05T15:00')));
		expect(e.message).toBe('该事件已关闭或已合并，不能再修改');
	});
});
