// The document list at any size: a page at a time by cursor, those in progress first, nothing skipped or shown
// twice, only what the reader may see (what is withheld stays with the drafting unit), filtered by status and unit
// and searched by words of the current version's title.
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../db.ts';
import { makeProvince, refusal, signInAs, type SignedIn, walkPages } from '../test-helpers.ts';

let city: Awaited<ReturnType<typeof makeProvince>>;
let officeAdmin: SignedIn, pressB: SignedIn;

const TITLES = ['关于加强安全生产工作的通知', '关于做好防汛抗旱工作的意见', '关于印发优化营商环境若干措施的通知', '关于推进政务公开 100%_标准化的方案'];
const STATUSES = ['drafting', 'published', 'submitted', 'published', 'abolished'];
const IN_PROGRESS = ['drafting', 'submitted', 'signed'];
const BASE = Date.parse('2026-06-01T12:00:00+08:00');

interface Listed {
	id: string;
	title: string;
	status: string;
	unitId: string;
	interpretingUnitId: string;
	disclosure: string;
	updatedAt: string;
}

const idOf = (n: number) => `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`;

/**
 * 40 documents drafted by A's department and 10 by B's, one an hour back from BASE (to the microsecond). Of A's,
 * those numbered below 10 are interpreted by B: the even ones proactive, the odd ones withheld. Document 20 was
 * retitled: its first version's title is no longer its title.
 */
beforeAll(async () => {
	city = await makeProvince();
	[officeAdmin, pressB] = await Promise.all([signInAs('office-admin'), signInAs('press-b')]);
	const by = city.people.press.id;
	await sql`
		insert into documents (id, unit_id, interpreting_unit_id, drafter_id, status, stage, current_version, created_by, updated_at)
		select ('00000000-0000-4000-9000-' || lpad(n::text, 12, '0'))::uuid,
			case when n < 40 then ${city.deptA.id}::uuid else ${city.deptB.id}::uuid end,
			case when n < 10 or n >= 40 then ${city.deptB.id}::uuid else ${city.deptA.id}::uuid end,
			${by}, (${STATUSES}::text[])[1 + n % 5], case when n % 5 = 2 then 'in_review' end, case when n = 20 then 2 else 1 end, ${by},
			${new Date(BASE)}::timestamptz - n * interval '1 hour' + n * interval '567 microseconds'
		from generate_series(0, 49) as n`;
	await sql`
		insert into document_versions (document_id, number, title, doc_number, disclosure, withheld_reason, hash, created_by)
		select d.id, d.current_version, (${TITLES}::text[])[1 + n % 4], '江政办发〔2026〕' || n || '号',
			case when n < 10 and n % 2 = 1 then 'withheld' else 'proactive' end, case when n < 10 and n % 2 = 1 then '涉及国家秘密' else '' end,
			repeat('a', 64), ${by}
		from generate_series(0, 49) as n join documents d on d.id = ('00000000-0000-4000-9000-' || lpad(n::text, 12, '0'))::uuid`;
	await sql`
		insert into document_versions (document_id, number, title, disclosure, hash, created_by)
		values (${idOf(20)}, 1, '关于山洪灾害防御的通知', 'proactive', repeat('b', 64), ${by})`;
});

type Input = Parameters<SignedIn['caller']['document']['list']>[0];

/** Every page of a filter, `limit` rows at a time, through the cursors. */
const everyPage = (who: SignedIn, input: Input = {}, limit = 7): Promise<{ rows: Listed[]; pages: number }> =>
	walkPages((cursor) => who.caller.document.list({ ...input, cursor, limit }), limit);

const inOrder = (rows: Listed[]) => {
	const key = (r: Listed) => [IN_PROGRESS.includes(r.status) ? 1 : 0, Date.parse(r.updatedAt)] as const;
	for (let i = 1; i < rows.length; i++) {
		const [a, b] = [key(rows[i - 1]!), key(rows[i]!)];
		expect(a[0] > b[0] || (a[0] === b[0] && a[1] >= b[1]), `row ${i} out of order`).toBe(true);
	}
};

describe('the document list', () => {
	it('gives every document the reader may see once, those in progress first and then the latest changed, a page at a time', async () => {
		const { rows, pages } = await everyPage(officeAdmin);
		expect(rows).toHaveLength(50);
		expect(new Set(rows.map((r) => r.id)).size).toBe(50);
		expect(pages).toBe(Math.ceil(50 / 7));
		inOrder(rows);
		expect(rows.slice(0, 20).every((r) => IN_PROGRESS.includes(r.status))).toBe(true);
		// A list carries no document's text.
		expect(rows[0]).not.toHaveProperty('body');
	});

	it("shows another unit what it drafts and interprets, never what A withholds, however it pages", async () => {
		const { rows } = await everyPage(pressB, {}, 4);
		// B's own ten, and the five of A's that B interprets and that are not withheld.
		expect(rows).toHaveLength(15);
		expect(rows.filter((r) => r.unitId === city.deptA.id).map((r) => r.id).sort()).toEqual([0, 2, 4, 6, 8].map(idOf));
		expect(rows.every((r) => r.disclosure !== 'withheld')).toBe(true);
		inOrder(rows);
		// Asking for A's department from B's reach finds what B sees of it, not A's other documents.
		expect((await everyPage(pressB, { unitId: city.deptA.id })).rows.map((r) => r.id).sort()).toEqual([0, 2, 4, 6, 8].map(idOf));
	});

	it('filters by status and by the unit that drafts or interprets it', async () => {
		const drafting = (await everyPage(officeAdmin, { status: 'drafting' }, 3)).rows;
		expect(drafting).toHaveLength(10);
		expect(drafting.every((r) => r.status === 'drafting')).toBe(true);
		inOrder(drafting);
		expect((await everyPage(officeAdmin, { status: 'published' }, 6)).rows).toHaveLength(20);
		// B drafts ten and interprets ten of A's.
		expect((await everyPage(officeAdmin, { unitId: city.deptB.id })).rows).toHaveLength(20);
		expect((await everyPage(officeAdmin, { unitId: city.deptA.id })).rows).toHaveLength(40);
	});

	it("finds words of the current version's title, several words together, and takes % and _ as typed", async () => {
		const flood = (await everyPage(officeAdmin, { q: '防汛' })).rows;
		expect(flood).toHaveLength(13);
		expect(flood.every((r) => r.title.includes('防汛'))).toBe(true);
		expect((await everyPage(officeAdmin, { q: '通知 营商' })).rows).toHaveLength(12);
		expect((await everyPage(officeAdmin, { q: '通知 防汛' })).rows).toHaveLength(0);
		expect((await everyPage(officeAdmin, { q: '100%_' })).rows).toHaveLength(12);
		expect((await everyPage(officeAdmin, { q: '山洪' })).rows).toHaveLength(0);
		// What B may not see is not found either.
		expect((await everyPage(pressB, { q: '防汛' })).rows.map((r) => r.id).sort()).toEqual(
			[41, 45, 49].map(idOf).sort()
		);
	});

	it('refuses a cursor it did not give, an overlong search and too long a page, in Chinese', async () => {
		for (const input of [{ cursor: 'bm90LWEta2V5' }, { cursor: '!!' }, { q: '文'.repeat(51) }, { limit: 101 }]) {
			const error = await refusal(officeAdmin.caller.document.list(input));
			expect(error.code).toBe('BAD_REQUEST');
		}
		const error = await refusal(officeAdmin.caller.document.list({ cursor: 'bm90LWEta2V5' }));
		expect(JSON.stringify(error.cause)).toContain('翻页位置');
	});
});
