// The incident list at any size: a page at a time by cursor, open ones first, nothing skipped or shown twice, only
// what is in reach, filtered and searched as a press officer looks for an incident (words of a Chinese title).
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../db.ts';
import { makeProvince, refusal, signInAs, type SignedIn, walkPages } from '../test-helpers.ts';

let city: Awaited<ReturnType<typeof makeProvince>>;
let officeAdmin: SignedIn, pressB: SignedIn;

const TITLES = ['化工园区储罐火灾', '江城地铁隧道渗水', '城南小区燃气泄漏', '暴雨致道路积水', '食品安全事件 100%_核查'];
const DAY = 86_400_000;
const BASE = Date.parse('2026-06-01T12:00:00+08:00');

interface Listed {
	id: string;
	title: string;
	status: string;
	level: number;
	leadUnitId: string;
	occurredAt: string;
}

/**
 * 60 incidents in A's department and 20 in B's, one a day back from BASE, every fifth open; times to the
 * microsecond, as PostgreSQL keeps them (a cursor rounded to the millisecond showed a row twice).
 */
beforeAll(async () => {
	city = await makeProvince();
	[officeAdmin, pressB] = await Promise.all([signInAs('office-admin'), signInAs('press-b')]);
	await sql`
		insert into incidents (title, category, level, occurred_at, lead_unit_id, status, created_by, client_key, body_hash)
		select (${sql.array(TITLES)}::text[])[1 + n % ${TITLES.length}], 'accident', 1 + n % 4,
			${new Date(BASE)}::timestamptz - n * interval '1 day' + n * interval '567 microseconds',
			case when n < 60 then ${city.deptA.id}::uuid else ${city.deptB.id}::uuid end,
			case when n % 5 = 0 then 'open' else 'closed' end,
			${city.people.duty.id}, gen_random_uuid(), 'h'
		from generate_series(0, 79) as n`;
});

type Input = Parameters<SignedIn['caller']['incident']['list']>[0];

/** Every page of a filter, `limit` rows at a time, through the cursors. */
const everyPage = (who: SignedIn, input: Input = {}, limit = 7): Promise<{ rows: Listed[]; pages: number }> =>
	walkPages((cursor) => who.caller.incident.list({ ...input, cursor, limit }), limit);

describe('the incident list', () => {
	it('gives every incident in reach once, open ones first and then the newest, a page at a time', async () => {
		const { rows, pages } = await everyPage(officeAdmin);
		expect(rows).toHaveLength(80);
		expect(new Set(rows.map((r) => r.id)).size).toBe(80);
		expect(pages).toBe(Math.ceil(80 / 7));
		const key = (r: Listed) => [r.status === 'open' ? 1 : 0, Date.parse(r.occurredAt)] as const;
		for (let i = 1; i < rows.length; i++) {
			const [a, b] = [key(rows[i - 1]!), key(rows[i]!)];
			expect(a[0] > b[0] || (a[0] === b[0] && a[1] >= b[1]), `row ${i} out of order`).toBe(true);
		}
		expect(rows.slice(0, 16).every((r) => r.status === 'open')).toBe(true);
	});

	it('shows a department only its own incidents, however it pages', async () => {
		const { rows } = await everyPage(pressB, {}, 6);
		expect(rows).toHaveLength(20);
		expect(rows.every((r) => r.leadUnitId === city.deptB.id)).toBe(true);
		// Asking for A's department from B's reach finds nothing rather than A's incidents.
		expect((await pressB.caller.incident.list({ unitId: city.deptA.id })).items).toEqual([]);
	});

	it('filters by status, level, unit and the China days an incident occurred between', async () => {
		expect((await everyPage(officeAdmin, { status: 'open' })).rows).toHaveLength(16);
		const level1 = (await everyPage(officeAdmin, { level: 1 })).rows;
		expect(level1).toHaveLength(20);
		expect(level1.every((r) => r.level === 1)).toBe(true);
		expect((await everyPage(officeAdmin, { unitId: city.deptB.id })).rows).toHaveLength(20);
		// 2026-06-01 back to 2026-05-29 inclusive: four days, one incident each (at noon China time).
		const days = (await everyPage(officeAdmin, { from: '2026-05-29', to: '2026-06-01' })).rows;
		expect(days.map((r) => r.occurredAt.slice(0, 10)).sort()).toEqual(['2026-05-29', '2026-05-30', '2026-05-31', '2026-06-01']);
	});

	it('finds a two-character Chinese word, several words together, and takes % and _ as typed', async () => {
		const fire = (await everyPage(officeAdmin, { q: '火灾' })).rows;
		expect(fire).toHaveLength(16);
		expect(fire.every((r) => r.title.includes('火灾'))).toBe(true);
		expect((await everyPage(officeAdmin, { q: '储罐 化工' })).rows).toHaveLength(16);
		expect((await everyPage(officeAdmin, { q: '储罐 地铁' })).rows).toHaveLength(0);
		expect((await everyPage(officeAdmin, { q: '雨' })).rows).toHaveLength(16);
		expect((await everyPage(officeAdmin, { q: '100%_' })).rows).toHaveLength(16);
		expect((await everyPage(officeAdmin, { q: '%' })).rows).toHaveLength(16);
	});

	it('refuses a cursor it did not give, a day before 2000 and an overlong search, in Chinese', async () => {
		for (const input of [{ cursor: 'bm90LWEta2V5' }, { cursor: '!!' }, { from: '1999-12-31' }, { q: '火'.repeat(51) }]) {
			const error = await refusal(officeAdmin.caller.incident.list(input));
			expect(error.code).toBe('BAD_REQUEST');
		}
		const error = await refusal(officeAdmin.caller.incident.list({ cursor: 'bm90LWEta2V5' }));
		expect(JSON.stringify(error.cause)).toContain('翻页位置');
	});
});
