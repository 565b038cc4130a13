// The opinion board at any size: the open items by urgency (waiting for assessment first, oldest first; assessed by
// their nearest deadline), then every other item newest first; a page at a time by cursor, nothing skipped or shown
// twice across the two parts, only what is in reach, found by words of the summary in Chinese.
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtureClocks } from '../clocks/test-fixtures.ts';
import { sql } from '../db.ts';
import { makeProvince, refusal, signInAs, type SignedIn, walkPages } from '../test-helpers.ts';

let city: Awaited<ReturnType<typeof makeProvince>>;
let officeAdmin: SignedIn, pressB: SignedIn;

const SUMMARIES = ['网传化工园区储罐起火', '市民反映地铁施工噪音扰民', '燃气费上涨引发质疑 100%_涨价', '暴雨后道路积水无人管'];
const BASE = Date.parse('2026-06-01T12:00:00+08:00');
const HOUR = 3_600_000;

interface Listed {
	id: string;
	status: string;
	summary: string;
	unitId: string;
	firstSeenAt: string;
	receivedAt: string;
	nextDueAt: string | null;
}

/**
 * 45 items in A's department and 15 in B's, one an hour back from BASE (times to the microsecond): every sixth waiting
 * for assessment, every sixth + 1 assessed, the rest closed or responded. Of A's assessed items, some have a running
 * response clock due at varied times, the others none.
 */
beforeAll(async () => {
	city = await makeProvince();
	[officeAdmin, pressB] = await Promise.all([signInAs('office-admin'), signInAs('press-b')]);
	await sql`
		insert into opinion_items (unit_id, type, summary, status, first_seen_at, received_at, created_by, client_key, body_hash)
		select case when n < 45 then ${city.deptA.id}::uuid else ${city.deptB.id}::uuid end,
			'complaint', (${sql.array(SUMMARIES)}::text[])[1 + n % ${SUMMARIES.length}],
			case n % 6 when 0 then 'awaiting_assessment' when 1 then 'assessed' when 2 then 'responded' else 'closed' end,
			${new Date(BASE)}::timestamptz - n * interval '1 hour' + n * interval '567 microseconds',
			${new Date(BASE)}::timestamptz + (n % 7) * interval '1 minute' + n * interval '3 microseconds',
			${city.people.duty.id}, gen_random_uuid(), 'h'
		from generate_series(0, 59) as n`;
	await sql`
		insert into opinion_sightings (item_id, source, seen_at, captured_by, origin_item_id)
		select id, case when row_number() over (order by first_seen_at) % 2 = 0 then 'weibo' else 'forum' end, first_seen_at, created_by, id
		from opinion_items where body_hash = 'h'`;
	// Due in (n % 5) hours from BASE, for A's assessed items with n % 4 <> 3; the others have no deadline.
	const assessed = await sql<{ id: string; unitId: string; firstSeenAt: Date; n: number }[]>`
		select id, unit_id, first_seen_at, n from (
			select *, (row_number() over (order by first_seen_at desc) - 1)::int as n from opinion_items where body_hash = 'h') o
		where status = 'assessed' and unit_id = ${city.deptA.id} and n % 4 <> 3`;
	await fixtureClocks(
		sql,
		'opinion.response',
		assessed.map((o) => ({ subject: 'opinion_item', subjectId: o.id, unitId: o.unitId, startsAt: o.firstSeenAt, dueAt: new Date(BASE + (o.n % 5) * HOUR) }))
	);
});

type Input = Parameters<SignedIn['caller']['opinion']['list']>[0];

/** Every page of a filter, `limit` rows at a time, through the cursors. */
const everyPage = (who: SignedIn, input: Input = {}, limit = 4): Promise<{ rows: Listed[]; pages: number }> =>
	walkPages((cursor) => who.caller.opinion.list({ ...input, cursor, limit }), limit);

const at = (iso: string | null) => (iso === null ? Infinity : Date.parse(iso));

describe('the opinion board', () => {
	it('gives every item once: waiting oldest first, assessed by deadline, then the rest newest first', async () => {
		const { rows, pages } = await everyPage(officeAdmin, { status: null }, 7);
		expect(rows).toHaveLength(60);
		expect(new Set(rows.map((r) => r.id)).size).toBe(60);
		expect(pages).toBe(Math.ceil(60 / 7));
		const waiting = rows.filter((r) => r.status === 'awaiting_assessment');
		const assessed = rows.filter((r) => r.status === 'assessed');
		expect(rows.slice(0, 10)).toEqual(waiting);
		expect(rows.slice(10, 20)).toEqual(assessed);
		for (let i = 1; i < waiting.length; i++) expect(at(waiting[i]!.receivedAt)).toBeGreaterThanOrEqual(at(waiting[i - 1]!.receivedAt));
		for (let i = 1; i < assessed.length; i++) {
			const [a, b] = [assessed[i - 1]!, assessed[i]!];
			expect(at(a.nextDueAt) < at(b.nextDueAt) || (at(a.nextDueAt) === at(b.nextDueAt) && at(a.firstSeenAt) >= at(b.firstSeenAt)), `assessed ${i} out of order`).toBe(true);
		}
		expect(assessed.some((r) => r.nextDueAt !== null) && assessed.some((r) => r.nextDueAt === null)).toBe(true);
		const rest = rows.slice(20);
		for (let i = 1; i < rest.length; i++) expect(at(rest[i]!.firstSeenAt)).toBeLessThanOrEqual(at(rest[i - 1]!.firstSeenAt));
	});

	it('shows the open items by default and each other status on its own, every page in reach', async () => {
		const open = (await everyPage(officeAdmin)).rows;
		expect(open).toHaveLength(20);
		expect(open.every((r) => r.status === 'awaiting_assessment' || r.status === 'assessed')).toBe(true);
		expect((await everyPage(officeAdmin, { status: 'closed' }, 9)).rows).toHaveLength(30);
		expect((await everyPage(officeAdmin, { status: 'assessed' }, 3)).rows).toHaveLength(10);
		const b = (await everyPage(pressB, { status: null }, 4)).rows;
		expect(b).toHaveLength(15);
		expect(b.every((r) => r.unitId === city.deptB.id)).toBe(true);
		// Asking for A's department from B's reach finds nothing rather than A's items.
		expect((await pressB.caller.opinion.list({ status: null, unitId: city.deptA.id })).items).toEqual([]);
	});

	it('filters by unit, type and source, and finds words of the summary as typed', async () => {
		expect((await everyPage(officeAdmin, { status: null, unitId: city.deptB.id })).rows).toHaveLength(15);
		expect((await everyPage(officeAdmin, { status: null, type: 'rumour' })).rows).toHaveLength(0);
		expect((await everyPage(officeAdmin, { status: null, source: 'weibo' }, 8)).rows).toHaveLength(30);
		const noise = (await everyPage(officeAdmin, { status: null, q: '噪音' })).rows;
		expect(noise).toHaveLength(15);
		expect(noise.every((r) => r.summary.includes('噪音'))).toBe(true);
		expect((await everyPage(officeAdmin, { status: null, q: '地铁 扰民' })).rows).toHaveLength(15);
		expect((await everyPage(officeAdmin, { status: null, q: '地铁 储罐' })).rows).toHaveLength(0);
		expect((await everyPage(officeAdmin, { status: null, q: '100%_' })).rows).toHaveLength(15);
	});

	it('counts the items waiting in reach on every page', async () => {
		expect((await officeAdmin.caller.opinion.list({ limit: 1 })).awaiting).toBe(10);
		expect((await pressB.caller.opinion.list({ limit: 1 })).awaiting).toBe(2);
	});

	it('refuses a cursor it did not give and an overlong search, in Chinese', async () => {
		const forged = Buffer.from(JSON.stringify([1, 'soon', 0, 'x'])).toString('base64url');
		for (const input of [{ cursor: 'bm90LWEta2V5' }, { cursor: forged }, { q: '噪'.repeat(51) }, { limit: 101 }]) {
			expect((await refusal(officeAdmin.caller.opinion.list(input))).code).toBe('BAD_REQUEST');
		}
		expect(JSON.stringify((await refusal(officeAdmin.caller.opinion.list({ cursor: forged }))).cause)).toContain('翻页位置');
	});
});
