// Missed deadlines at any size: newest first, a page at a time by cursor, nothing skipped or shown twice, only the
// units in reach, of one unit or a period as an evaluation looks at them.
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtureBreaches, fixtureClocks } from '../clocks/test-fixtures.ts';
import { sql } from '../db.ts';
import { makeProvince, refusal, signInAs, walkPages, type SignedIn } from '../test-helpers.ts';

let city: Awaited<ReturnType<typeof makeProvince>>;
let officeAdmin: SignedIn;
const BASE = Date.parse('2026-06-01T12:00:00+08:00');

/** 40 breaches of A's department and 10 of B's, one a day back from BASE, times to the microsecond. */
beforeAll(async () => {
	city = await makeProvince();
	officeAdmin = await signInAs('office-admin');
	const made = await sql<{ id: string; leadUnitId: string; occurredAt: Date }[]>`
		insert into incidents (title, category, level, occurred_at, lead_unit_id, created_by, client_key, body_hash)
		select '超时事件' || n, 'accident', 2, ${new Date(BASE)}::timestamptz - n * interval '1 day',
			case when n < 40 then ${city.deptA.id}::uuid else ${city.deptB.id}::uuid end, ${city.people.duty.id}, gen_random_uuid(), 'h' || n
		from generate_series(0, 49) as n
		returning id, lead_unit_id, occurred_at`;
	const clocks = made.map((i) => ({ subject: 'incident' as const, subjectId: i.id, unitId: i.leadUnitId, startsAt: i.occurredAt, dueAt: new Date(i.occurredAt.getTime() + 5 * 3_600_000), status: 'breached' as const }));
	const ids = await fixtureClocks(sql, 'incident.authoritative_release', clocks);
	// breached as due, plus a few microseconds that differ from one to the next
	await fixtureBreaches(sql, ids.map((clockId, n) => ({ clockId, breachedAt: `${clocks[n]!.dueAt.toISOString().slice(0, 19)}.${String(n * 7).padStart(6, '0')}Z` })));
});

type Listed = Awaited<ReturnType<SignedIn['caller']['breach']['list']>>['items'][number];
type Input = Parameters<SignedIn['caller']['breach']['list']>[0];

async function everyPage(who: SignedIn, input: Input = {}, limit = 7): Promise<Listed[]> {
	return (await walkPages((cursor) => who.caller.breach.list({ ...input, cursor, limit }), limit)).rows;
}

describe('the missed deadlines', () => {
	it('gives every one in reach once, newest first, a page at a time', async () => {
		const rows = await everyPage(officeAdmin);
		expect(rows).toHaveLength(50);
		expect(new Set(rows.map((r) => r.id)).size).toBe(50);
		for (let i = 1; i < rows.length; i++) expect(Date.parse(rows[i]!.breachedAt)).toBeLessThanOrEqual(Date.parse(rows[i - 1]!.breachedAt));
		expect(rows[0]).toMatchObject({ subjectTitle: '超时事件0', ruleName: expect.any(String), unitName: city.deptA.name });
	});

	// Who may not see B's is the access suite's (tests/security): an office below the city sees none of them.
	it('filters by unit and period', async () => {
		const a = await everyPage(officeAdmin, { unitId: city.deptA.id }, 9);
		expect(a).toHaveLength(40);
		expect(a.every((r) => r.unitId === city.deptA.id)).toBe(true);
		expect(await everyPage(officeAdmin, { unitId: city.deptB.id })).toHaveLength(10);
		// Due at 17:00 China time on each day from 2026-05-29 to 2026-06-01: four days.
		const days = await everyPage(officeAdmin, { from: '2026-05-29', to: '2026-06-01' });
		expect(days.map((r) => r.subjectTitle).sort()).toEqual(['超时事件0', '超时事件1', '超时事件2', '超时事件3']);
	});

	it('refuses a cursor it did not give and a day before 2000, in Chinese', async () => {
		for (const input of [{ cursor: 'bm90LWEta2V5' }, { from: '1999-12-31' }, { limit: 101 }]) {
			expect((await refusal(officeAdmin.caller.breach.list(input))).code).toBe('BAD_REQUEST');
		}
	});
});
