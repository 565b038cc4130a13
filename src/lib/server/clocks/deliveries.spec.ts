// What a subject's page shows of its clocks' notices: who was told, how and when (clock.deliveries, a step's counts
// and its first names; clock.stepDeliveries, the names after those), and the step the reader still owes a 收到 for
// (clock.toAcknowledge): the first only where the subject is in sight, the second only of the reader's own notices.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryStatus } from '../../clocks.ts';
import { sql } from '../db.ts';
import { logMajorIncident, makeProvince, refusal, signInAs, walkPages, type SignedIn } from '../test-helpers.ts';
import { runClock, startClocks } from './flows.ts';

let city: Awaited<ReturnType<typeof makeProvince>>;
let press: SignedIn, spokesperson: SignedIn, pressB: SignedIn, officeAdmin: SignedIn;
beforeAll(async () => {
	city = await makeProvince();
	[press, spokesperson, pressB, officeAdmin] = await Promise.all([signInAs('press-a'), signInAs('spokes-a'), signInAs('press-b'), signInAs('office-admin')]);
});

const MINUTE = 60_000;

/** A level II incident in the bureau whose 5-hour clock told its press officer and spokesperson at its start. */
async function toldBureau() {
	const now = new Date();
	const { incident, fiveHour } = await logMajorIncident(city.people.duty, city.deptA.id, new Date(now.getTime() - MINUTE), now);
	await runClock(fiveHour!.id, fiveHour!.startedAt);
	return { incident, clock: fiveHour! };
}

describe('a clock’s deliveries', () => {
	it('show whom the clock told, by which channel and when, to everyone who sees the incident', async () => {
		const { clock } = await toldBureau();
		for (const reader of [press, officeAdmin]) {
			const steps = await reader.caller.clock.deliveries({ clockIds: [clock.id] });
			expect(steps.map((s) => [s.stepIndex, s.total, s.counts])).toEqual([[0, 2, [{ status: 'sent', channel: 'inbox', n: 2 }]]]);
			const rows = steps[0]!.page.items;
			expect(new Set(rows.map((d) => d.person))).toEqual(new Set(['陈宣传', '赵发言']));
			expect(rows.every((d) => d.clockId === clock.id && d.stepIndex === 0 && d.channel === 'inbox' && !Number.isNaN(Date.parse(d.at)))).toBe(true);
		}
	});

	it('come clock by clock in the order the page asks for them', async () => {
		const now = new Date();
		const { fiveHour, dayLong } = await logMajorIncident(city.people.duty, city.deptA.id, new Date(now.getTime() - MINUTE), now);
		await runClock(fiveHour!.id, fiveHour!.startedAt);
		await runClock(dayLong!.id, dayLong!.startedAt);
		for (const order of [
			[fiveHour!.id, dayLong!.id],
			[dayLong!.id, fiveHour!.id]
		])
			expect((await press.caller.clock.deliveries({ clockIds: order })).map((s) => s.clockId)).toEqual(order);
	});

	it('are nothing for a reader out of the incident’s reach, asked by the clock’s id', async () => {
		const { clock } = await toldBureau();
		expect(await pressB.caller.clock.deliveries({ clockIds: [clock.id] })).toEqual([]);
		// nor a step's names, asked for directly, from the start or with a cursor that would read them all
		for (const cursor of [null, EVERY_NAME])
			expect((await refusal(pressB.caller.clock.stepDeliveries({ clockId: clock.id, stepIndex: 0, cursor }))).code).toBe('NOT_FOUND');
	});

	it('are nothing for a clock the reader’s unit runs about a document they may not see', async () => {
		const { documentId } = await withheldDocumentInterpretedByBureau();
		const [clock] = await sql.begin((tx) => startClocks(tx, { type: 'document', id: documentId }, { unitId: city.deptA.id, anchors: { published: new Date() } }, new Date(), null));
		await runClock(clock!.id, clock!.startedAt);
		const told = await sql<{ n: number }[]>`select count(*)::int as n from deliveries where clock_id = ${clock!.id}`;
		expect(told[0]!.n).toBeGreaterThan(0);
		expect(await press.caller.clock.deliveries({ clockIds: [clock!.id] })).toEqual([]);
		expect((await refusal(press.caller.clock.stepDeliveries({ clockId: clock!.id, stepIndex: 0 }))).code).toBe('NOT_FOUND');
		// The clock is still the bureau's to meet: it is listed, its subject not shown.
		expect((await press.caller.clock.mine({ limit: 100 })).clocks.find((c) => c.id === clock!.id)).toMatchObject({ subjectVisible: false });
	});
});

/** a cursor before which every name of a step sorts */
const EVERY_NAME = Buffer.from(JSON.stringify([0, '', '00000000-0000-0000-0000-000000000000', 'inbox'])).toString('base64url');

const STATUSES: DeliveryStatus[] = ['queued', 'sent', 'received', 'opened'];

/**
 * Step 1 of the clock told `people` people of the bureau (names repeat, as in a province they do; they hold no role,
 * so no other clock tells them), each through the inbox, every second one by SMS too, every fifth by WeCom too: some
 * failed, some acknowledged, the rest on their way. What was inserted, by status and channel.
 */
async function toldMany(clockId: string, people: number): Promise<Map<string, number>> {
	const names = Array.from({ length: people }, (_, i) => `送达${'甲乙丙丁戊己庚辛壬癸'[i % 10]}${Math.floor(i / 30)}`);
	const ids = await sql<{ id: string }[]>`
		insert into people (name, username, unit_id, roles, password_hash)
		select n, 'told-' || ${randomUUID().slice(0, 8)} || '-' || i, ${city.deptA.id}, '{}', 'x'
		from unnest(${names}::text[]) with ordinality as t(n, i)
		returning id`;
	const rows = ids.flatMap(({ id }, i) =>
		(['inbox', ...(i % 2 ? [] : ['sms']), ...(i % 5 ? [] : ['wecom'])] as const).map((channel, c) => ({
			id,
			channel,
			status: (i + c) % 7 === 0 ? 'failed' : (i + c) % 3 === 0 ? 'acknowledged' : STATUSES[(i + c) % 4]!
		}))
	);
	await sql`
		insert into deliveries (clock_id, step_index, tier, recipient_id, channel, status, due_at)
		select ${clockId}, 1, 0, r, c, s, now()
		from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.channel)}::text[], ${rows.map((r) => r.status)}::text[]) as t(r, c, s)`;
	const counts = new Map<string, number>();
	for (const r of rows) counts.set(`${r.status}/${r.channel}`, (counts.get(`${r.status}/${r.channel}`) ?? 0) + 1);
	return counts;
}

/** Whether these names stand in the order PostgreSQL sorts them (the order the list promises, whatever the collation). */
async function inNameOrder(names: string[]): Promise<boolean> {
	const [row] = await sql<{ sorted: string[] }[]>`select coalesce(array_agg(n order by n), '{}') as sorted from unnest(${names}::text[]) as n`;
	return JSON.stringify(row!.sorted) === JSON.stringify(names);
}

const RANK: Record<DeliveryStatus, number> = { failed: 0, queued: 1, sent: 1, received: 1, opened: 1, acknowledged: 2 };

describe('a step told to hundreds', () => {
	it('is counted by status and channel, and its names walk every delivery once, failed first, then those without 收到', async () => {
		const { clock } = await toldBureau();
		const inserted = await toldMany(clock.id, 240);
		const all = [...inserted.values()].reduce((a, b) => a + b, 0);

		const steps = await officeAdmin.caller.clock.deliveries({ clockIds: [clock.id], limit: 10 });
		expect(steps.map((s) => s.stepIndex)).toEqual([1, 0]);
		const [step] = steps;
		expect(step!.total).toBe(all);
		expect(new Map(step!.counts.map((c) => [`${c.status}/${c.channel}`, c.n]))).toEqual(inserted);
		// bounded: a page's worth of names, the failed on top
		expect(step!.page.items).toHaveLength(10);
		expect(step!.page.items.every((d) => d.status === 'failed')).toBe(true);

		const { rows, pages } = await walkPages((cursor) => officeAdmin.caller.clock.stepDeliveries({ clockId: clock.id, stepIndex: 1, cursor, limit: 17 }), 17);
		expect(pages).toBe(Math.ceil(all / 17));
		expect(rows).toHaveLength(all);
		expect(new Set(rows.map((d) => d.id)).size).toBe(all);
		expect(rows.every((d) => d.stepIndex === 1)).toBe(true);
		// the first page shown with the incident is the walk's first ten
		expect(step!.page.items.map((d) => d.id)).toEqual(rows.slice(0, 10).map((d) => d.id));
		// and the next page read from its cursor goes on where it stopped
		const next = await officeAdmin.caller.clock.stepDeliveries({ clockId: clock.id, stepIndex: 1, cursor: step!.page.nextCursor, limit: 5 });
		expect(next.items.map((d) => d.id)).toEqual(rows.slice(10, 15).map((d) => d.id));

		const ranks = rows.map((d) => RANK[d.status]);
		expect(ranks).toEqual([...ranks].sort());
		expect(ranks[0]).toBe(0);
		expect(ranks.at(-1)).toBe(2);
		for (const rank of [0, 1, 2]) expect(await inNameOrder(rows.filter((d) => RANK[d.status] === rank).map((d) => d.person))).toBe(true);
	});

	it('shows only the failed, or only those still without 收到, when asked, a page at a time', async () => {
		const { clock } = await toldBureau();
		const inserted = await toldMany(clock.id, 90);
		const of = (pick: (status: string) => boolean) => [...inserted].filter(([key]) => pick(key.split('/')[0]!)).reduce((n, [, v]) => n + v, 0);

		for (const [show, pick] of [
			['failed', (s: string) => s === 'failed'],
			['unacknowledged', (s: string) => s !== 'acknowledged']
		] as const) {
			const { rows } = await walkPages((cursor) => press.caller.clock.stepDeliveries({ clockId: clock.id, stepIndex: 1, show, cursor, limit: 9 }), 9);
			expect(rows).toHaveLength(of(pick));
			expect(rows.every((d) => pick(d.status))).toBe(true);
			expect(new Set(rows.map((d) => d.id)).size).toBe(rows.length);
			const [step] = await press.caller.clock.deliveries({ clockIds: [clock.id], show, limit: 9 });
			// the counts stay those of the whole step; the names are the filter's
			expect(step!.total).toBe([...inserted.values()].reduce((a, b) => a + b, 0));
			expect(step!.page.items.map((d) => d.id)).toEqual(rows.slice(0, 9).map((d) => d.id));
		}
	});

	it('moves a person below those still waiting once they answer 收到', async () => {
		const { clock } = await toldBureau();
		const first = async () => (await press.caller.clock.deliveries({ clockIds: [clock.id] }))[0]!.page.items.map((d) => [d.person, d.status]);
		expect(new Set((await first()).map(([person, status]) => `${person} ${status}`))).toEqual(new Set(['陈宣传 sent', '赵发言 sent']));
		await spokesperson.caller.clock.acknowledge({ clockId: clock.id, stepIndex: 0 });
		expect(await first()).toEqual([
			['陈宣传', 'sent'],
			['赵发言', 'acknowledged']
		]);
	});
});

describe('the step to acknowledge', () => {
	it('is the reader’s own: the step they were told until someone answers it, and nothing for anyone not told', async () => {
		const { clock } = await toldBureau();
		expect(await press.caller.clock.toAcknowledge({ clockIds: [clock.id] })).toEqual({ [clock.id]: 0 });
		expect(await officeAdmin.caller.clock.toAcknowledge({ clockIds: [clock.id] })).toEqual({});
		expect(await pressB.caller.clock.toAcknowledge({ clockIds: [clock.id] })).toEqual({});
		await spokesperson.caller.clock.acknowledge({ clockId: clock.id, stepIndex: 0 });
		expect(await press.caller.clock.toAcknowledge({ clockIds: [clock.id] })).toEqual({});
	});
});

/** A document of the health commission's, withheld (不予公开), that the bureau interprets. */
async function withheldDocumentInterpretedByBureau(): Promise<{ documentId: string }> {
	const doc = await pressB.caller.document.create({
		title: '卫健委内部通知',
		disclosure: 'withheld',
		withheldReason: '涉及个人信息',
		interpretingUnitId: city.deptA.id,
		planInterpreter: '吴宣传',
		planApproach: '问答',
		planChannels: ['政府网站'],
		planTiming: '同步'
	});
	return { documentId: doc.id };
}
