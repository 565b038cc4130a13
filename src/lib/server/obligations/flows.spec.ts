// The yearly obligations: conferences held per half-year against the quota, principals' own
// interpretations, and the office's reminder.
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../db.ts';
import { makeCity, makePerson, refusal, signInAs, TEST_ACTOR } from '../test-helpers.ts';
import { chasingSeason, remind, shortfalls } from './flows.ts';
import { obligationsOf, type ObligationRow } from './queries.ts';
import { inChinese } from '../notify/test-notices.ts';

let city: Awaited<ReturnType<typeof makeCity>>;
beforeAll(async () => {
	city = await makeCity();
	await sql`update units set is_key_department = true where id = ${city.deptA.id}`;
});

const cst = (s: string) => new Date(`${s}+08:00`);

async function heldConference(unitId: string, heldAt: Date, status = 'held') {
	await sql`
		insert into conferences (unit_id, kind, title, planned_at, status, held_at, status_reason, created_by)
		values (${unitId}, 'press_conference', '发布会', ${heldAt}, ${status}, ${status === 'held' ? heldAt : null}, ${status === 'cancelled' ? '取消' : null}, ${city.staffA.id})`;
}

async function principalInterpretation(unitId: string, publishedAt: Date | null) {
	const [d] = await sql<{ id: string }[]>`
		insert into documents (unit_id, interpreting_unit_id, drafter_id, created_by) values (${unitId}, ${unitId}, ${city.staffA.id}, ${city.staffA.id}) returning id`;
	await sql`
		insert into document_versions (document_id, number, title, disclosure, hash, created_by)
		values (${d!.id}, 1, '关于促进就业的若干措施', 'proactive', ${'a'.repeat(64)}, ${city.staffA.id})`;
	const [m] = await sql<{ id: string }[]>`
		insert into materials (document_id, kind, published_at, created_by) values (${d!.id}, 'principal', ${publishedAt}, ${city.staffA.id}) returning id`;
	await sql`insert into material_versions (material_id, number, title, hash, created_by) values (${m!.id}, 1, '局长解读', ${'b'.repeat(64)}, ${city.staffA.id})`;
}

const row = async (unitId: string, year: number) => (await obligationsOf(sql, null, year, unitId))[0]!;

describe('counting a year', () => {
	it('counts held conferences per half-year in China time, and principals’ published interpretations', async () => {
		// 30 June 23:30 China time (15:30 UTC) is the first half; 1 July 00:10 China time (30 June UTC) the second.
		await heldConference(city.deptA.id, cst('2025-06-30T23:30'));
		await heldConference(city.deptA.id, cst('2025-07-01T00:10'));
		await heldConference(city.deptA.id, cst('2025-08-01T10:00'), 'cancelled');
		await principalInterpretation(city.deptA.id, cst('2025-03-01T10:00'));
		await principalInterpretation(city.deptA.id, null);
		expect(await row(city.deptA.id, 2025)).toMatchObject({ conferencesFirstHalf: 1, conferencesSecondHalf: 1, principalInterpretations: 1, isKeyDepartment: true });
		expect(await row(city.deptA.id, 2024)).toMatchObject({ conferencesFirstHalf: 0, conferencesSecondHalf: 0, principalInterpretations: 0 });
	});

	it('leaves offices out: the obligations are the governments’ and departments’', async () => {
		const units = (await obligationsOf(sql, city.government.id, 2025)).map((r) => r.unitId);
		expect(units).toContain(city.government.id);
		expect(units).toContain(city.deptB.id);
		expect(units).not.toContain(city.office.id);
	});
});

describe('what is still owed', () => {
	const base: ObligationRow = {
		unitId: 'x',
		unitName: '局',
		isKeyDepartment: true,
		conferencesFirstHalf: 1,
		conferencesSecondHalf: 0,
		principalInterpretations: 1,
		lastReminderAt: null
	};

	it('asks a key department for one conference each half-year, the second only once it has begun', () => {
		expect(shortfalls(base, cst('2026-05-01T10:00'), 2026)).toEqual([]);
		expect(shortfalls(base, cst('2026-10-08T10:00'), 2026).map((s) => s.missing)).toEqual(['下半年尚未召开新闻发布会']);
		expect(shortfalls({ ...base, conferencesFirstHalf: 0 }, cst('2026-03-01T10:00'), 2026).map((s) => s.missing)).toEqual(['上半年未召开新闻发布会']);
	});

	it('asks any other unit for one conference a year, and every unit for a principal’s interpretation', () => {
		const other = { ...base, isKeyDepartment: false, conferencesFirstHalf: 0, conferencesSecondHalf: 1, principalInterpretations: 0 };
		expect(shortfalls(other, cst('2026-10-08T10:00'), 2026).map((s) => s.obligation)).toEqual(['principal_interpretation']);
		expect(shortfalls({ ...other, conferencesSecondHalf: 0 }, cst('2026-10-08T10:00'), 2026).map((s) => s.missing)).toEqual([
			'本年度尚未召开新闻发布会',
			'主要负责人本年度尚未亲自解读政策'
		]);
	});

	it('is chased from October, in China time', () => {
		expect(chasingSeason(cst('2026-09-30T23:59'))).toBe(false);
		expect(chasingSeason(cst('2026-10-01T00:00'))).toBe(true);
	});
});

describe('the office’s reminder', () => {
	it('tells the unit’s press office, principal and leader in charge, and keeps the record', async () => {
		const principal = await makePerson(city.deptB.id, ['principal']);
		const now = cst('2026-10-20T10:00');
		const { told } = await remind(city.deptB.id, 'conferences', { personId: city.officeAdmin.id, scope: city.government.id, actor: TEST_ACTOR }, now);
		expect(told).toEqual(expect.arrayContaining([city.staffB.name, principal.name]));
		const notes = inChinese(
			await sql<{ personId: string; title: unknown; body: unknown; kind: string }[]>`
				select person_id, title, body, kind from notifications where url = ${`/units/${city.deptB.id}`} order by person_id`
		);
		expect(notes.map((n) => n.personId).sort()).toEqual([city.staffB.id, principal.id].sort());
		expect(notes[0]).toMatchObject({ kind: 'alert', title: '2026年度发布任务提醒', body: '本年度尚未召开新闻发布会' });
		const [kept] = await sql`select obligation, year, sent_by from obligation_reminders where unit_id = ${city.deptB.id}`;
		expect(kept).toEqual({ obligation: 'conferences', year: 2026, sentBy: city.officeAdmin.id });
	});

	it('refuses a reminder for an obligation already met, and anyone but the office', async () => {
		await heldConference(city.deptB.id, cst('2026-03-01T10:00'));
		const e = await refusal(remind(city.deptB.id, 'conferences', { personId: city.officeAdmin.id, scope: city.government.id, actor: TEST_ACTOR }, cst('2026-10-20T10:00')));
		expect(e.message).toBe('该单位本项任务已完成，无需提醒');
		const staff = await signInAs(city.staffA.username!);
		expect((await refusal(staff.caller.obligation.remind({ unitId: city.deptB.id, obligation: 'principal_interpretation' }))).code).toBe('FORBIDDEN');
	});

	it('shows a unit its own year through the API', async () => {
		const staff = await signInAs(city.staffA.username!);
		const year = await staff.caller.obligation.ofUnit({ unitId: city.deptA.id, year: 2025 });
		expect(year).toMatchObject({ year: 2025, conferencesFirstHalf: 1, conferencesSecondHalf: 1, principalInterpretations: 1, shortfalls: [] });
		expect((await refusal(staff.caller.obligation.ofUnit({ unitId: city.deptB.id, year: 2025 }))).code).toBe('NOT_FOUND');
	});
});
