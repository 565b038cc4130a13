// The inbox at any length: what is open first, then the settled ones a page at a time, latest settled first, each
// once; only the person's own.
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../db.ts';
import { makeProvince, refusal, signInAs, type SignedIn } from '../test-helpers.ts';

let city: Awaited<ReturnType<typeof makeProvince>>;
let press: SignedIn, pressB: SignedIn;

/** For A's press officer: 3 open notices and 47 settled ones, settled a minute apart (to the microsecond); 5 for B's. */
beforeAll(async () => {
	city = await makeProvince();
	[press, pressB] = await Promise.all([signInAs('press-a'), signInAs('press-b')]);
	await sql`
		insert into notifications (person_id, kind, urgency, title, body, url, created_at, settled_at, settled_as)
		select case when n < 50 then ${city.people.press.id}::uuid else ${city.people.pressB.id}::uuid end, 'alert', 'normal',
			jsonb_build_object('key', 'common.verbatim', 'params', jsonb_build_object('text', '通知' || n)),
			jsonb_build_object('key', 'common.verbatim', 'params', jsonb_build_object('text', '')), '/inbox',
			now() - n * interval '1 hour',
			case when n % 50 >= 3 then now() - n * interval '1 minute' + n * interval '3 microseconds' end,
			case when n % 50 >= 3 then 'met' end
		from generate_series(0, 54) as n`;
});

describe('the inbox', () => {
	it('gives the open notices, then every settled one once, latest settled first, a page at a time', async () => {
		const first = await press.caller.inbox.list({ limit: 10 });
		expect(first.items.filter((n) => !n.settledAt).map((n) => n.title)).toEqual(['通知0', '通知1', '通知2']);
		const settled = first.items.filter((n) => n.settledAt);
		expect(settled).toHaveLength(10);
		let cursor = first.nextCursor;
		for (let pages = 0; cursor && pages < 20; pages++) {
			const page: Awaited<ReturnType<SignedIn['caller']['inbox']['list']>> = await press.caller.inbox.list({ limit: 10, cursor });
			expect(page.items.every((n) => n.settledAt)).toBe(true);
			settled.push(...page.items);
			cursor = page.nextCursor;
		}
		expect(settled).toHaveLength(47);
		expect(new Set(settled.map((n) => n.id)).size).toBe(47);
		for (let i = 1; i < settled.length; i++) expect(Date.parse(settled[i]!.settledAt!)).toBeLessThanOrEqual(Date.parse(settled[i - 1]!.settledAt!));
		expect(settled.map((n) => n.title)).not.toContain('通知50');
	});

	it("shows no one else's notices, and refuses a cursor it did not give", async () => {
		expect((await pressB.caller.inbox.list({ limit: 100 })).items.map((n) => n.title).sort()).toEqual(['通知50', '通知51', '通知52', '通知53', '通知54']);
		expect((await refusal(press.caller.inbox.list({ cursor: 'bm90LWEta2V5' }))).code).toBe('BAD_REQUEST');
	});
});
