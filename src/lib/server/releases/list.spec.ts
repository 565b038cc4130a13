// The release list at any size: a page at a time by cursor, those in progress first, nothing skipped or shown twice,
// only what the reader may see (a unit's drafts stay with it unless another unit is asked to sign), filtered and
// searched by words of the current version's title.
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../db.ts';
import { makeProvince, refusal, signInAs, type SignedIn, walkPages } from '../test-helpers.ts';

let city: Awaited<ReturnType<typeof makeProvince>>;
let officeAdmin: SignedIn, pressB: SignedIn;
let incidentId: string, conferenceId: string, askedOfB: string;

const TITLES = ['化工园区储罐火灾 权威发布', '江城地铁隧道渗水 续报', '城南小区燃气泄漏 情况说明', '暴雨致道路积水 澄清', '食品安全 100%_核查 续报'];
const STATUSES = ['draft', 'published', 'in_review', 'published', 'withdrawn', 'rejected'];
const IN_PROGRESS = ['draft', 'in_review', 'awaiting_signoff', 'approved'];
const BASE = Date.parse('2026-06-01T12:00:00+08:00');

interface Listed {
	id: string;
	title: string;
	status: string;
	unitId: string;
	updatedAt: string;
}

/**
 * 50 releases of A's department and 15 of B's, one an hour back from BASE (to the microsecond, as PostgreSQL keeps
 * them); three of A's answer an incident and two serve a conference. One of A's awaits B's countersignature, and one
 * was retitled: its first version's title is no longer its title.
 */
beforeAll(async () => {
	city = await makeProvince();
	[officeAdmin, pressB] = await Promise.all([signInAs('office-admin'), signInAs('press-b')]);
	const by = city.people.press.id;
	const [incident] = await sql<{ id: string }[]>`
		insert into incidents (title, category, level, occurred_at, lead_unit_id, created_by, client_key, body_hash)
		values ('化工园区储罐火灾', 'accident', 2, ${new Date(BASE)}, ${city.deptA.id}, ${by}, gen_random_uuid(), 'h') returning id`;
	const [conference] = await sql<{ id: string }[]>`
		insert into conferences (unit_id, kind, title, planned_at, created_by)
		values (${city.deptA.id}, 'briefing', '储罐火灾情况吹风会', ${new Date(BASE)}, ${by}) returning id`;
	[incidentId, conferenceId] = [incident!.id, conference!.id];
	await sql`
		insert into releases (id, unit_id, kind, incident_id, conference_id, status, status_reason, current_version, created_by, updated_at)
		select ('00000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid, case when n < 50 then ${city.deptA.id}::uuid else ${city.deptB.id}::uuid end,
			case when n in (7, 8) then 'opening_statement' else 'follow_up' end,
			case when n in (1, 2, 3) then ${incidentId}::uuid end, case when n in (7, 8) then ${conferenceId}::uuid end,
			(${STATUSES}::text[])[1 + n % 6], case when n % 6 in (4, 5) then '信息有误' end, case when n = 10 then 2 else 1 end, ${by},
			${new Date(BASE)}::timestamptz - n * interval '1 hour' + n * interval '567 microseconds'
		from generate_series(0, 64) as n`;
	await sql`
		insert into release_versions (release_id, number, title, body, hash, created_by)
		select r.id, r.current_version, (${TITLES}::text[])[1 + n % 5], '正文', repeat('a', 64), ${by}
		from generate_series(0, 64) as n join releases r on r.id = ('00000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid`;
	// Release 10 (A's, titled as n % 5 = 0) was first titled as a flood.
	await sql`
		insert into release_versions (release_id, number, title, body, hash, created_by)
		values ('00000000-0000-4000-8000-000000000010', 1, '山洪灾害预警', '正文', repeat('b', 64), ${by})`;
	askedOfB = '00000000-0000-4000-8000-000000000012';
	await sql`update releases set status = 'awaiting_signoff' where id = ${askedOfB}`;
	await sql`
		insert into signoff_requests (release_id, version, version_hash, seat, unit_id, requested_by, expires_at)
		values (${askedOfB}, 1, repeat('a', 64), 'countersign', ${city.deptB.id}, ${by}, now() + interval '2 hours')`;
});

type Input = Parameters<SignedIn['caller']['release']['list']>[0];

/** Every page of a filter, `limit` rows at a time, through the cursors. */
const everyPage = (who: SignedIn, input: Input = {}, limit = 7): Promise<{ rows: Listed[]; pages: number }> =>
	walkPages((cursor) => who.caller.release.list({ ...input, cursor, limit }), limit);

const inOrder = (rows: Listed[]) => {
	const key = (r: Listed) => [IN_PROGRESS.includes(r.status) ? 1 : 0, Date.parse(r.updatedAt)] as const;
	for (let i = 1; i < rows.length; i++) {
		const [a, b] = [key(rows[i - 1]!), key(rows[i]!)];
		expect(a[0] > b[0] || (a[0] === b[0] && a[1] >= b[1]), `row ${i} out of order`).toBe(true);
	}
};

describe('the release list', () => {
	it('gives every release the reader may see once, those in progress first and then the latest changed, a page at a time', async () => {
		const { rows, pages } = await everyPage(officeAdmin);
		expect(rows).toHaveLength(65);
		expect(new Set(rows.map((r) => r.id)).size).toBe(65);
		expect(pages).toBe(Math.ceil(65 / 7));
		inOrder(rows);
		const inProgress = rows.filter((r) => IN_PROGRESS.includes(r.status)).length;
		expect(inProgress).toBe(22);
		expect(rows.slice(0, inProgress).every((r) => IN_PROGRESS.includes(r.status))).toBe(true);
		// The default page is 50, the first page the screen shows.
		const first = await officeAdmin.caller.release.list();
		expect(first.items.map((r) => r.id)).toEqual(rows.slice(0, 50).map((r) => r.id));
		expect(first.nextCursor).not.toBeNull();
	});

	it("shows another unit none of A's drafts, only its own and the one it is asked to countersign, however it pages", async () => {
		const { rows } = await everyPage(pressB, {}, 4);
		expect(rows).toHaveLength(16);
		expect(rows.filter((r) => r.unitId === city.deptA.id).map((r) => r.id)).toEqual([askedOfB]);
		inOrder(rows);
		expect((await pressB.caller.release.list({ incidentId })).items).toEqual([]);
		expect((await everyPage(pressB, { status: 'draft' })).rows.every((r) => r.unitId === city.deptB.id)).toBe(true);
	});

	it('filters by status, the incident it answers and the conference it serves', async () => {
		const drafts = (await everyPage(officeAdmin, { status: 'draft' }, 3)).rows;
		expect(drafts).toHaveLength(10);
		expect(drafts.every((r) => r.status === 'draft')).toBe(true);
		inOrder(drafts);
		const published = (await everyPage(officeAdmin, { status: 'published' }, 5)).rows;
		expect(published).toHaveLength(22);
		expect(new Set(published.map((r) => r.id)).size).toBe(22);
		expect((await everyPage(officeAdmin, { incidentId })).rows.map((r) => r.id).sort()).toEqual(
			['1', '2', '3'].map((n) => `00000000-0000-4000-8000-${n.padStart(12, '0')}`)
		);
		expect((await everyPage(officeAdmin, { conferenceId })).rows).toHaveLength(2);
	});

	it("finds words of the current version's title, several words together, and takes % and _ as typed", async () => {
		const fire = (await everyPage(officeAdmin, { q: '火灾' })).rows;
		expect(fire).toHaveLength(13);
		expect(fire.every((r) => r.title.includes('火灾'))).toBe(true);
		inOrder(fire);
		expect((await everyPage(officeAdmin, { q: '续报 地铁' })).rows).toHaveLength(13);
		expect((await everyPage(officeAdmin, { q: '续报 燃气' })).rows).toHaveLength(0);
		expect((await everyPage(officeAdmin, { q: '雨' })).rows).toHaveLength(13);
		expect((await everyPage(officeAdmin, { q: '100%_' })).rows).toHaveLength(13);
		// An earlier title is not the release's title any more.
		expect((await everyPage(officeAdmin, { q: '山洪' })).rows).toHaveLength(0);
		// Nor does a search reach past what the reader may see.
		expect((await everyPage(pressB, { q: '火灾' })).rows.every((r) => r.unitId === city.deptB.id)).toBe(true);
	});

	it('refuses a cursor it did not give, an overlong search and too long a page, in Chinese', async () => {
		for (const input of [{ cursor: 'bm90LWEta2V5' }, { cursor: '!!' }, { q: '火'.repeat(51) }, { limit: 101 }]) {
			const error = await refusal(officeAdmin.caller.release.list(input));
			expect(error.code).toBe('BAD_REQUEST');
		}
		const error = await refusal(officeAdmin.caller.release.list({ cursor: 'bm90LWEta2V5' }));
		expect(JSON.stringify(error.cause)).toContain('翻页位置');
	});
});
