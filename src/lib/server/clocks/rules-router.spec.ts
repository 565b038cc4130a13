// Deadline rules edited by the open-government office: what new clocks get, what running clocks keep,
// what is refused and why, who may edit, and the audit record of every change.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../db.ts';
import { logMajorIncident, makeProvince, postAs, signInAs, type SignedIn, refusal } from '../test-helpers.ts';
import { runClock } from './flows.ts';
import { listRules, type RuleRow } from './queries.ts';
import type { LadderStep } from './engine.ts';

let city: Awaited<ReturnType<typeof makeProvince>>;
let officeAdmin: SignedIn, press: SignedIn, duty: SignedIn;
let seeded: RuleRow[];
beforeAll(async () => {
	city = await makeProvince();
	// Rules apply everywhere, so the editor is the top (province) office.
	[officeAdmin, press, duty] = await Promise.all([signInAs('province-admin'), signInAs('press-a'), signInAs('duty-a')]);
	seeded = await listRules(sql);
});

// Rules are shared by every test in this file: each test starts from the seeded rules.
afterEach(async () => {
	for (const r of seeded)
		await sql`
			update clock_rules set name = ${r.name}, duration_value = ${r.durationValue}, ladder = ${sql.json(r.ladder as never)}, active = ${r.active}
			where key = ${r.key}`;
});

const RELEASE = 'incident.authoritative_release';
const CONFERENCE = 'incident.press_conference';
const cst = (local: string) => new Date(`${local}:00+08:00`);
const seededRule = (key: string) => seeded.find((r) => r.key === key)!;

/** The form as the rules screen submits it: the rule as it stands, with `changes`. */
function edit(key: string, changes: Partial<{ name: string; durationValue: number; active: boolean; ladder: LadderStep[] }> = {}) {
	const r = seededRule(key);
	return { key, name: r.name, durationValue: r.durationValue, active: r.active, ladder: r.ladder, ...changes };
}

/** Who found a notice of this clock in their inbox at exactly `now`, as `name urgency`. */
async function toldAt(clockId: string, now: Date): Promise<string[]> {
	await runClock(clockId, now);
	const rows = await sql<{ name: string; urgency: string }[]>`
		select p.name, n.urgency from notifications n join people p on p.id = n.person_id
		where n.clock_id = ${clockId} and n.created_at = ${now}`;
	return rows.map((r) => `${r.name} ${r.urgency}`).sort();
}

describe('the rules screen', () => {
	it('shows the office every rule with its deadline and ladder, as seeded from the notices', async () => {
		const rules = await officeAdmin.caller.rule.list();
		expect(rules.map((r) => [r.key, r.name, r.durationValue, r.durationUnit, r.active])).toEqual([
			['document.abolition_marking', '在网站标注废止或失效', 10, 'working_days', true],
			['document.interpretation', '发布政策解读材料', 3, 'working_days', true],
			['incident.authoritative_release', '发布权威信息', 5, 'hours', true],
			['incident.press_conference', '召开新闻发布会', 24, 'hours', true],
			['opinion.assessment', '研判舆情', 2, 'hours', true],
			['opinion.response', '回应政务舆情', 48, 'hours', true]
		]);
		const release = rules.find((r) => r.key === RELEASE)!;
		expect(release.ladder[0]).toEqual({ anchor: 'start', offsetMinutes: 0, tiers: ['lead_unit_press', 'leader_in_charge'], urgency: 'high', ackWithinMinutes: 10 });
		expect(release.updatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
	});
});

describe('editing a rule', () => {
	const newLadder: LadderStep[] = [
		// Submitted out of order: the rule keeps its steps in time order.
		{ anchor: 'due', offsetMinutes: -60, tiers: ['principal'], urgency: 'critical', ackWithinMinutes: null },
		{ anchor: 'start', offsetMinutes: 0, tiers: ['office_admin'], urgency: 'critical', ackWithinMinutes: null }
	];

	it('gives new clocks the new name, deadline and ladder, while a clock already running keeps the ones it started with', async () => {
		const before = await logMajorIncident(city.people.duty, city.deptA.id, cst('2026-10-10T08:00'));
		const oldClock = before.fiveHour!;

		const saved = await officeAdmin.caller.rule.update(edit(RELEASE, { name: '发布权威信息（试行）', durationValue: 3, ladder: newLadder }));
		expect(saved).toMatchObject({ name: '发布权威信息（试行）', durationValue: 3 });
		expect(saved.ladder.map((s) => `${s.anchor}${s.offsetMinutes}`)).toEqual(['start0', 'due-60']);
		expect((await officeAdmin.caller.rule.list()).find((r) => r.key === RELEASE)).toEqual(saved);

		const after = await logMajorIncident(city.people.duty, city.deptA.id, cst('2026-10-10T09:00'));
		const newClock = after.fiveHour!;
		expect(newClock).toMatchObject({ ruleName: '发布权威信息（试行）', dueAt: cst('2026-10-10T12:00'), ladder: saved.ladder });
		// The running clock still says 5 hours, by the ladder of the rule as it was.
		const [running] = await sql<{ ruleName: string; dueAt: Date; ladder: LadderStep[] }[]>`
			select rule_name, due_at, ladder from clocks where id = ${oldClock.id}`;
		expect(running).toEqual({ ruleName: '发布权威信息', dueAt: cst('2026-10-10T13:00'), ladder: seededRule(RELEASE).ladder });

		// The old clock tells the press office at its start, the leader ten minutes on, and the press office again two
		// hours before its 13:00 deadline ...
		expect(await toldAt(oldClock.id, cst('2026-10-10T08:00'))).toEqual(['赵发言 high', '陈宣传 high'].sort());
		expect(await toldAt(oldClock.id, cst('2026-10-10T08:10'))).toEqual(['刘副市长 high']);
		expect(await toldAt(oldClock.id, cst('2026-10-10T11:00'))).toEqual(['赵发言 high', '陈宣传 high'].sort());
		// ... the new one tells the city office at once, and the director an hour before its 12:00 deadline.
		expect(await toldAt(newClock.id, cst('2026-10-10T09:00'))).toEqual(['王市办 critical']);
		expect(await toldAt(newClock.id, cst('2026-10-10T11:00'))).toEqual(['周局长 critical']);
		// At noon the new clock is breached (its ladder says nothing at the deadline); the old one runs on to 13:00.
		expect(await toldAt(newClock.id, cst('2026-10-10T12:00'))).toEqual([]);
		const status = await sql<{ id: string; status: string }[]>`select id, status from clocks where id in (${oldClock.id}, ${newClock.id})`;
		expect(Object.fromEntries(status.map((c) => [c.id, c.status]))).toEqual({ [oldClock.id]: 'running', [newClock.id]: 'breached' });
	});

	it('puts who changed what on the audit record, with the rule before and after', async () => {
		await officeAdmin.caller.rule.update(edit(RELEASE, { durationValue: 4 }));
		const [row] = await sql<{ actorId: string; before: RuleRow; after: RuleRow; userAgent: string }[]>`
			select actor_id, before, after, user_agent from audit_log
			where action = 'rule.updated' and entity = 'clock_rule' and entity_id = ${RELEASE}
			order by id desc limit 1`;
		expect(row).toMatchObject({
			actorId: city.people.provinceAdmin.id,
			before: { key: RELEASE, durationValue: 5, name: '发布权威信息' },
			after: { key: RELEASE, durationValue: 4, name: '发布权威信息' },
			userAgent: 'vitest'
		});
	});

	it('switched off, starts no clock for new level II incidents and leaves the running ones alone', async () => {
		const earlier = await logMajorIncident(city.people.duty, city.deptA.id, cst('2026-10-11T08:00'));
		expect((await officeAdmin.caller.rule.update(edit(CONFERENCE, { active: false }))).active).toBe(false);

		const later = await logMajorIncident(city.people.duty, city.deptA.id, cst('2026-10-11T09:00'));
		expect(later.fiveHour).toBeDefined();
		expect(later.dayLong).toBeUndefined();
		const [clock] = await sql<{ status: string }[]>`select status from clocks where id = ${earlier.dayLong!.id}`;
		expect(clock!.status).toBe('running');

		await officeAdmin.caller.rule.update(edit(CONFERENCE, { active: true }));
		expect((await logMajorIncident(city.people.duty, city.deptA.id, cst('2026-10-11T10:00'))).dayLong).toBeDefined();
	});
});

describe('what is refused, and why', () => {
	const withStep = (step: Record<string, unknown>) => {
		const ladder = seededRule(RELEASE).ladder.map((s) => ({ ...s }));
		ladder[0] = { ...ladder[0]!, ...step } as LadderStep;
		return edit(RELEASE, { ladder });
	};

	it.each([
		['a step telling nobody', { tiers: [] }, 'tiers', '「提醒对象」必须填写'],
		['an audience the product does not know', { tiers: ['lead_unit_press', 'mayor'] }, 'tiers', '「提醒对象」不是可选的值'],
		['zero minutes to acknowledge', { ackWithinMinutes: 0 }, 'ackWithinMinutes', '「确认时限（分钟）」不能小于 1']
	])('refuses %s, naming the field in Chinese, and leaves the rule as it was', async (_, step, field, message) => {
		const { status, body } = await postAs(officeAdmin, 'rule.update', withStep(step));
		expect(status).toBe(400);
		expect(body.error.message).toBe(message);
		expect(body.error.data.fieldErrors).toEqual({ [field]: message });
		expect((await listRules(sql)).find((r) => r.key === RELEASE)!.ladder).toEqual(seededRule(RELEASE).ladder);
	});

	it('refuses an empty ladder and a deadline of no time at all', async () => {
		const audited = async () => (await sql<{ n: number }[]>`select count(*)::int as n from audit_log where action = 'rule.updated'`)[0]!.n;
		const before = await audited();
		const empty = await postAs(officeAdmin, 'rule.update', edit(RELEASE, { ladder: [] }));
		expect(empty.body.error.data.fieldErrors).toEqual({ ladder: '「提醒阶梯」必须填写' });
		const zero = await postAs(officeAdmin, 'rule.update', edit(RELEASE, { durationValue: 0 }));
		expect(zero.body.error.data.fieldErrors).toEqual({ durationValue: '「时限长度」不能小于 1' });
		expect(await audited()).toBe(before);
	});

	it('answers a rule that does not exist as not found', async () => {
		const e = await refusal(officeAdmin.caller.rule.update({ ...edit(RELEASE), key: 'incident.nonexistent' }));
		expect(e).toMatchObject({ code: 'NOT_FOUND', message: '未找到该记录，或您无权查看' });
	});

	it('lets a city office read the rules but only the top office change them; a department admin neither', async () => {
		const cityOffice = await signInAs('office-admin');
		expect((await cityOffice.caller.rule.list()).length).toBeGreaterThan(0);
		expect(await refusal(cityOffice.caller.rule.update(edit(RELEASE, { durationValue: 48 })))).toMatchObject({ code: 'FORBIDDEN' });
		const departmentAdmin = await signInAs('admin-a');
		expect(await refusal(departmentAdmin.caller.rule.list())).toMatchObject({ code: 'FORBIDDEN' });
		expect((await listRules(sql)).find((r) => r.key === RELEASE)!.durationValue).toBe(5);
	});

	it('lets no press officer or duty officer see or change the rules', async () => {
		for (const s of [press, duty]) {
			expect(await refusal(s.caller.rule.list())).toMatchObject({ code: 'FORBIDDEN', message: '您没有权限执行此操作' });
			expect(await refusal(s.caller.rule.update(edit(RELEASE, { durationValue: 48 })))).toMatchObject({ code: 'FORBIDDEN' });
		}
		expect((await listRules(sql)).find((r) => r.key === RELEASE)!.durationValue).toBe(5);
	});
});
