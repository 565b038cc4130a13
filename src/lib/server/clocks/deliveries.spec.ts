// What a subject's page shows of its clocks' notices: who was told, how and when (clock.deliveries), and the step
// the reader still owes a 收到 for (clock.toAcknowledge): the first only where the subject is in sight, the second
// only of the reader's own notices.
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../db.ts';
import { logMajorIncident, makeProvince, signInAs, type SignedIn } from '../test-helpers.ts';
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
			const rows = await reader.caller.clock.deliveries({ clockIds: [clock.id] });
			expect(new Set(rows.map((d) => d.person))).toEqual(new Set(['陈宣传', '赵发言']));
			expect(rows.every((d) => d.clockId === clock.id && d.stepIndex === 0 && d.channel === 'inbox' && !Number.isNaN(Date.parse(d.at)))).toBe(true);
		}
	});

	it('are nothing for a reader out of the incident’s reach, asked by the clock’s id', async () => {
		const { clock } = await toldBureau();
		expect(await pressB.caller.clock.deliveries({ clockIds: [clock.id] })).toEqual([]);
	});

	it('are nothing for a clock the reader’s unit runs about a document they may not see', async () => {
		const { documentId } = await withheldDocumentInterpretedByBureau();
		const [clock] = await sql.begin((tx) => startClocks(tx, { type: 'document', id: documentId }, { unitId: city.deptA.id, anchors: { published: new Date() } }, new Date(), null));
		await runClock(clock!.id, clock!.startedAt);
		const told = await sql<{ n: number }[]>`select count(*)::int as n from deliveries where clock_id = ${clock!.id}`;
		expect(told[0]!.n).toBeGreaterThan(0);
		expect(await press.caller.clock.deliveries({ clockIds: [clock!.id] })).toEqual([]);
		// The clock is still the bureau's to meet: it is listed, its subject not shown.
		expect((await press.caller.clock.mine({ limit: 100 })).clocks.find((c) => c.id === clock!.id)).toMatchObject({ subjectVisible: false });
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
