// 收到 through the API, as the phone sends it: who may answer for a step, what everyone told of it then
// sees in their inbox, and what an answer can never do (silence a tier nobody was told for).
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../db.ts';
import { logMajorIncident, makeProvince, signInAs, type SignedIn } from '../test-helpers.ts';
import { acknowledgeClock, runClock } from './flows.ts';
import { unacknowledgedSteps, type ClockRow } from './queries.ts';

let city: Awaited<ReturnType<typeof makeProvince>>;
let press: SignedIn, spokesperson: SignedIn, viceMayor: SignedIn, officeAdmin: SignedIn;
beforeAll(async () => {
	city = await makeProvince();
	[press, spokesperson, viceMayor, officeAdmin] = await Promise.all([
		signInAs('press-a'),
		signInAs('spokes-a'),
		signInAs('vice-mayor'),
		signInAs('office-admin')
	]);
});

const MINUTE = 60_000;
const plus = (d: Date, minutes: number) => new Date(d.getTime() + minutes * MINUTE);

/**
 * A level II incident that happened a minute ago, with its 5-hour clock run at its start: the press
 * officer and the spokesperson have step 0. Real time, because the API stamps 收到 with the real time.
 */
async function toldPressOffice(): Promise<ClockRow> {
	const now = new Date();
	const { fiveHour } = await logMajorIncident(city.people.duty, city.deptA.id, plus(now, -1), now);
	await runClock(fiveHour!.id, fiveHour!.startedAt);
	return fiveHour!;
}

/** Who found a notice of this clock in their inbox at exactly `now`. */
async function toldAt(clockId: string, now: Date): Promise<string[]> {
	await runClock(clockId, now);
	const rows = await sql<{ name: string }[]>`
		select p.name from notifications n join people p on p.id = n.person_id
		where n.clock_id = ${clockId} and n.created_at = ${now}`;
	return rows.map((r) => r.name).sort();
}

const inboxOf = async (s: SignedIn, clockId: string) => (await s.caller.inbox.list()).items.filter((n) => n.clockId === clockId);
const acknowledgements = async (clockId: string) =>
	(await sql<{ n: number }[]>`select count(*)::int as n from clock_acknowledgements where clock_id = ${clockId}`)[0]!.n;

describe('收到 from someone who was not told', () => {
	it('is answered as not acknowledged, changes nothing, and the leader is still told ten minutes on', async () => {
		const clock = await toldPressOffice();
		// Both can see the bureau's clock, but neither was told step 0.
		for (const s of [viceMayor, officeAdmin]) {
			expect(await s.caller.clock.acknowledge({ clockId: clock.id })).toEqual({ acknowledged: false, stepIndex: null });
			expect(await s.caller.clock.acknowledge({ clockId: clock.id, stepIndex: 0 })).toEqual({ acknowledged: false, stepIndex: null });
		}
		expect(await acknowledgements(clock.id)).toBe(0);
		expect((await inboxOf(press, clock.id)).map((n) => [n.acknowledgedAt, n.readAt])).toEqual([[null, null]]);

		expect(await toldAt(clock.id, plus(clock.startedAt, 10))).toEqual(['刘副市长']);
		// Now told, the leader's 收到 counts.
		expect(await viceMayor.caller.clock.acknowledge({ clockId: clock.id })).toEqual({ acknowledged: true, stepIndex: 0 });
	});
});

describe('收到 from one of several told', () => {
	it('answers for everyone told of the step: their copies stop asking but stay unread, and the leader is spared', async () => {
		const clock = await toldPressOffice();
		expect(await unacknowledgedSteps(sql, city.people.spokesperson.id, [clock.id])).toEqual(new Map([[clock.id, 0]]));
		const unread = await spokesperson.caller.inbox.unreadCount();

		expect(await press.caller.clock.acknowledge({ clockId: clock.id })).toEqual({ acknowledged: true, stepIndex: 0 });

		const [mine] = await inboxOf(press, clock.id);
		const [theirs] = await inboxOf(spokesperson, clock.id);
		expect(mine!.acknowledgedAt).not.toBeNull();
		expect(mine!.readAt).not.toBeNull();
		expect(theirs!.acknowledgedAt).toBe(mine!.acknowledgedAt);
		// The spokesperson has not seen it: it still counts as unread for them.
		expect(theirs!.readAt).toBeNull();
		expect(await spokesperson.caller.inbox.unreadCount()).toBe(unread);
		// The incident page no longer offers the spokesperson a 收到 button for the step.
		expect(await unacknowledgedSteps(sql, city.people.spokesperson.id, [clock.id])).toEqual(new Map());
		expect(await unacknowledgedSteps(sql, city.people.press.id, [clock.id])).toEqual(new Map());

		expect(await toldAt(clock.id, plus(clock.startedAt, 10))).toEqual([]);

		// The next step asks both of them again.
		const stepOne = plus(clock.dueAt, -120);
		expect(await toldAt(clock.id, stepOne)).toEqual(['赵发言', '陈宣传'].sort());
		expect(await unacknowledgedSteps(sql, city.people.spokesperson.id, [clock.id])).toEqual(new Map([[clock.id, 1]]));
		expect((await inboxOf(spokesperson, clock.id)).map((n) => n.acknowledgedAt === null)).toEqual([true, false]);
	});
});

describe('收到 ahead of time', () => {
	it('cannot answer a step not yet sent: when it comes, it asks, and escalates, as if nothing had been said', async () => {
		const clock = await toldPressOffice();
		expect(await press.caller.clock.acknowledge({ clockId: clock.id, stepIndex: 1 })).toEqual({ acknowledged: false, stepIndex: null });
		expect(await acknowledgeClock(clock.id, city.people.press.id, 'inbox', 1, clock.startedAt)).toBeNull();
		expect(await acknowledgements(clock.id)).toBe(0);
		// Nor does it count for the step in hand: nobody answered step 0, so its leader is told.
		expect(await toldAt(clock.id, plus(clock.startedAt, 10))).toEqual(['刘副市长']);

		const stepOne = plus(clock.dueAt, -120);
		expect(await toldAt(clock.id, stepOne)).toEqual(['赵发言', '陈宣传'].sort());
		expect(await unacknowledgedSteps(sql, city.people.press.id, [clock.id])).toEqual(new Map([[clock.id, 1]]));
		expect(await toldAt(clock.id, plus(stepOne, 10))).toEqual(['刘副市长']);
	});
});
