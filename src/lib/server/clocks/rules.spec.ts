// The rules the code names are the rules the database holds, and "major" is what the 5-hour rule says it is:
// a seeded rule changed by a migration shows here, and an incident's level counts as major exactly when the
// rule applies to it.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAJOR_LEVELS } from '../../clocks.ts';
import { sql } from '../db.ts';
import { FieldError } from '../errors.ts';
import { changeLevel, logIncident } from '../incidents/flows.ts';
import { authorFor, makeProvince } from '../test-helpers.ts';
import { clocksOf } from './queries.ts';
import { majorLevels, RULE } from './rules.ts';

let city: Awaited<ReturnType<typeof makeProvince>>;
beforeAll(async () => {
	city = await makeProvince();
});

const setLevels = (levels: number[]) =>
	sql`update clock_rules set applies_to = ${sql.json({ levels })} where key in (${RULE.authoritativeRelease}, ${RULE.pressConference})`;
afterEach(() => setLevels([1, 2]));

describe('the rule keys', () => {
	it('name every rule the migrations seed, and only those', async () => {
		const seeded = await sql<{ key: string }[]>`select key from clock_rules order by key`;
		expect(seeded.map((r) => r.key)).toEqual(Object.values(RULE).sort());
	});
});

describe('major levels', () => {
	it('are the levels the authoritative-release rule applies to: I and II, as the screens say', async () => {
		expect(await majorLevels(sql)).toEqual([1, 2]);
		expect(await majorLevels(sql)).toEqual(MAJOR_LEVELS);
	});

	it('follow the rule: applied to level III as well, a level III incident is major and its downgrade needs a reason', async () => {
		await setLevels([1, 2, 3]);
		expect(await majorLevels(sql)).toEqual([1, 2, 3]);
		const duty = authorFor(city.people.duty);
		const occurredAt = new Date(Date.now() - 10 * 60_000);
		const { incident } = await logIncident(
			{
				title: '江城货车侧翻',
				category: 'accident',
				level: 3,
				occurredAt,
				location: '江城东环路',
				leadUnitId: city.deptA.id,
				description: '',
				clientKey: randomUUID(),
				deviceRecordedAt: null,
				confirmOld: false
			},
			duty
		);
		const subject = { type: 'incident' as const, id: incident.id };
		expect((await clocksOf(sql, subject)).map((c) => [c.ruleKey, c.status])).toEqual([
			[RULE.authoritativeRelease, 'running'],
			[RULE.pressConference, 'running']
		]);

		const refused = await changeLevel(incident.id, 4, ' ', duty).catch((e: unknown) => e);
		expect(refused).toBeInstanceOf(FieldError);
		expect(refused).toMatchObject({ field: 'reason' });
		await changeLevel(incident.id, 4, '核实后为一般事件', duty);
		expect((await clocksOf(sql, subject)).map((c) => [c.status, c.cancelReason])).toEqual([
			// what the person typed, kept as they typed it
			['cancelled', { key: 'common.verbatim', params: { text: '核实后为一般事件' } }],
			['cancelled', { key: 'common.verbatim', params: { text: '核实后为一般事件' } }]
		]);
	});
});
