// Missed deadlines as the open-government office sees them: the record of who answers for each miss,
// the 通报批评 and 约谈 it decides, and who may see or decide what.
import { beforeAll, describe, expect, it } from 'vitest';
import { runClock } from '../clocks/flows.ts';
import { sql } from '../db.ts';
import { logMajorIncident, makePerson, makeProvince, makeUnit, postAs, signInAs, type SignedIn, refusal } from '../test-helpers.ts';

let city: Awaited<ReturnType<typeof makeProvince>>;
let officeAdmin: SignedIn, provinceAdmin: SignedIn, otherCityAdmin: SignedIn, press: SignedIn;
beforeAll(async () => {
	city = await makeProvince();
	// A second city under the same province, with its own open-government office.
	const heyang = await makeUnit('河阳市人民政府', city.province.id, 'government');
	const heyangOffice = await makeUnit('河阳市人民政府办公室', heyang.id, 'office');
	await makePerson(heyangOffice.id, ['office_admin'], { username: 'heyang-admin', name: '郑河阳' });
	[officeAdmin, provinceAdmin, otherCityAdmin, press] = await Promise.all([
		signInAs('office-admin'),
		signInAs('province-admin'),
		signInAs('heyang-admin'),
		signInAs('press-a')
	]);
});

const ISO_CST = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/;
const cst = (local: string) => new Date(`${local}:00+08:00`);

/** A level II explosion at `occurred` that nobody publishes on: the worker runs past the 5-hour deadline. */
async function missedRelease(occurred: string, title: string) {
	const { incident, fiveHour } = await logMajorIncident(city.people.duty, city.deptA.id, cst(occurred), cst(occurred), title);
	const run = await runClock(fiveHour!.id, new Date(fiveHour!.dueAt.getTime() + 60_000));
	expect(run.breached).toBe(true);
	const [breach] = await sql<{ id: string }[]>`select id from breaches where clock_id = ${fiveHour!.id}`;
	return { incident, clock: fiveHour!, breachId: breach!.id };
}

const listed = async (s: SignedIn, breachId: string) => (await s.caller.breach.list()).items.find((b) => b.id === breachId);

describe('the breaches screen', () => {
	it('shows the office each missed deadline with the unit, the rule, the incident, the deadline and who answers for it', async () => {
		const { incident, clock, breachId } = await missedRelease('2026-11-01T23:10', '江城化工园区储罐爆炸');
		const breach = await listed(officeAdmin, breachId);
		expect(breach).toMatchObject({
			clockId: clock.id,
			unitId: city.deptA.id,
			unitName: '江城市应急管理局',
			ruleName: '发布权威信息',
			subject: 'incident',
			subjectId: incident.id,
			subjectTitle: '江城化工园区储罐爆炸',
			dueAt: '2026-11-02T04:10:00+08:00',
			breachedAt: '2026-11-02T04:10:00+08:00',
			satisfiedAt: null,
			status: 'breached',
			actions: []
		});
		// The press office, the leader in charge and the principal: never the duty officer who logged it.
		expect([...breach!.responsible].sort()).toEqual(['陈宣传', '赵发言', '刘副市长', '周局长'].sort());
	});

	it('lists the newest miss first', async () => {
		const older = await missedRelease('2026-11-02T08:00', '江城隧道坍塌');
		const newer = await missedRelease('2026-11-02T09:00', '江城码头火灾');
		const ids = (await officeAdmin.caller.breach.list()).items.map((b) => b.id);
		expect(ids.indexOf(newer.breachId)).toBeLessThan(ids.indexOf(older.breachId));
	});

	it('shows the province the city’s misses, but not another city’s office', async () => {
		const { breachId } = await missedRelease('2026-11-03T08:00', '江城大桥垮塌');
		expect(await listed(provinceAdmin, breachId)).toBeDefined();
		expect(await listed(otherCityAdmin, breachId)).toBeUndefined();
	});

	it('is closed to a department’s press officer, and to a department’s own administrator', async () => {
		expect(await refusal(press.caller.breach.list())).toMatchObject({ code: 'FORBIDDEN', message: '您没有权限执行此操作' });
		// A bureau does not sit in judgement on itself: that is the open-government office's work.
		expect(await refusal((await signInAs('admin-a')).caller.breach.list())).toMatchObject({ code: 'FORBIDDEN' });
	});
});

describe('通报批评 and 约谈', () => {
	it('puts each decision on the breach with its note, who decided and when, and on the audit record', async () => {
		const { breachId } = await missedRelease('2026-11-04T08:00', '江城水库溃坝');
		const t0 = Date.now();
		await officeAdmin.caller.breach.addAction({ breachId, kind: 'notice_of_criticism', note: '  未在5小时内发布权威信息，予以全市通报批评  ' });
		await provinceAdmin.caller.breach.addAction({ breachId, kind: 'summons', note: '约谈市应急管理局主要负责人' });

		const { actions } = (await listed(officeAdmin, breachId))!;
		expect(actions.map(({ kind, note, by }) => ({ kind, note, by }))).toEqual([
			{ kind: 'notice_of_criticism', note: '未在5小时内发布权威信息，予以全市通报批评', by: '王市办' },
			{ kind: 'summons', note: '约谈市应急管理局主要负责人', by: '孙省办' }
		]);
		for (const a of actions) {
			expect(a.at).toMatch(ISO_CST);
			expect(Date.parse(a.at)).toBeGreaterThanOrEqual(Math.floor(t0 / 1000) * 1000);
		}

		const audited = await sql<{ action: string; actorId: string; entityId: string; after: Record<string, unknown> }[]>`
			select action, actor_id, entity_id, after from audit_log where entity = 'breach' and entity_id = ${breachId} order by id`;
		expect(audited).toEqual([
			{
				action: 'breach.notice_of_criticism',
				actorId: city.people.officeAdmin.id,
				entityId: breachId,
				after: { breachId, kind: 'notice_of_criticism', note: '未在5小时内发布权威信息，予以全市通报批评' }
			},
			{ action: 'breach.summons', actorId: city.people.provinceAdmin.id, entityId: breachId, after: { breachId, kind: 'summons', note: '约谈市应急管理局主要负责人' } }
		]);
	});

	it('asks for the note under 「说明」 and records nothing without one', async () => {
		const { breachId } = await missedRelease('2026-11-05T08:00', '江城商场踩踏');
		const { status, body } = await postAs(officeAdmin, 'breach.addAction', { breachId, kind: 'summons', note: '   ' });
		expect(status).toBe(400);
		expect(body.error.message).toBe('「说明」必须填写');
		expect(body.error.data.fieldErrors).toEqual({ note: '「说明」必须填写' });
		expect((await listed(officeAdmin, breachId))!.actions).toEqual([]);
	});

	it('answers another city’s office as if the breach did not exist, and a press officer as forbidden', async () => {
		const { breachId } = await missedRelease('2026-11-06T08:00', '江城学校食物中毒');
		const input = { breachId, kind: 'notice_of_criticism' as const, note: '予以通报批评' };
		expect(await refusal(otherCityAdmin.caller.breach.addAction(input))).toMatchObject({ code: 'NOT_FOUND', message: '未找到该记录，或您无权查看' });
		expect(await refusal(press.caller.breach.addAction(input))).toMatchObject({ code: 'FORBIDDEN' });
		expect((await listed(officeAdmin, breachId))!.actions).toEqual([]);
		expect(await sql`select 1 from audit_log where entity = 'breach' and entity_id = ${breachId}`).toHaveLength(0);
	});
});
