// After 提交审签 the drafter is told whom the release waits for: the unit's confidentiality reviewer first, then
// the leader asked to sign (and each countersigning unit's); nobody once it is signed or every request lapsed.
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../db.ts';
import type { PersonRow } from '../people/queries.ts';
import { createRelease, submitRelease, type ReleaseAuthor } from '../releases/flows.ts';
import { reviewStep } from './steps.ts';
import { makePerson, makeProvince, TEST_ACTOR } from '../test-helpers.ts';
import { waitingOn } from './waiting.ts';

let city: Awaited<ReturnType<typeof makeProvince>>;
beforeAll(async () => {
	city = await makeProvince();
});

const as = (p: PersonRow, scope: string | null = p.unitId): ReleaseAuthor => ({ personId: p.id, name: p.name, roles: p.roles, scope, actor: { ...TEST_ACTOR, personId: p.id } });
const at = (local: string) => new Date(`${local}:00+08:00`);

async function draft(author: ReleaseAuthor, now: Date) {
	return createRelease(
		{ clientKey: null, kind: 'response', unitId: null, incidentId: null, conferenceId: null, title: '关于网传停水的回应', body: '经核实，系计划检修。', talkingPoints: '', channels: [] },
		author,
		now
	);
}
const waiting = async (id: string, unitId: string, now: Date) => {
	const [row] = await sql<{ status: string }[]>`select status from releases where id = ${id}`;
	return waitingOn(sql, { kind: 'release', id }, unitId, row!.status, now);
};

describe('whom a submitted release waits for', () => {
	it('names the reviewer while in review, then the leader asked to sign, and nobody once the request lapsed', async () => {
		await sql`insert into review_chains (unit_id, confidentiality_reviewer_ids) values (${city.deptA.id}, ${[city.people.spokesperson.id]}::uuid[])
			on conflict (unit_id) do update set confidentiality_reviewer_ids = excluded.confidentiality_reviewer_ids`;
		const press = as(city.people.press);
		const r = await draft(press, at('2026-10-20T09:00'));
		expect(await waiting(r.id, city.deptA.id, at('2026-10-20T09:01'))).toBeNull();

		await submitRelease(r.id, press, at('2026-10-20T09:05'));
		expect(await waiting(r.id, city.deptA.id, at('2026-10-20T09:06'))).toEqual({ step: 'review', people: ['赵发言'] });

		await reviewStep('release', r.id, { version: 1, decision: 'passed', reason: '' }, as(city.people.spokesperson), at('2026-10-20T09:10'));
		// the bureau's leader in charge is the vice-mayor: he is asked, not the deputy who merely holds the role
		expect(await waiting(r.id, city.deptA.id, at('2026-10-20T09:11'))).toEqual({
			step: 'sign',
			seats: [{ seat: 'sign', unitName: '江城市应急管理局', people: ['刘副市长'] }]
		});
		// two hours on, the request has lapsed: the page offers 重新送签 instead
		expect(await waiting(r.id, city.deptA.id, at('2026-10-20T11:11'))).toBeNull();
	});

	it('asks the principal when a unit names no leader in charge', async () => {
		const unit = city.deptB;
		await makePerson(unit.id, ['principal'], { username: 'director-b', name: '林主任' });
		const press = as(city.people.pressB);
		const r = await draft(press, at('2026-10-21T09:00'));
		await submitRelease(r.id, press, at('2026-10-21T09:00'));
		expect(await waiting(r.id, unit.id, at('2026-10-21T09:01'))).toEqual({ step: 'sign', seats: [{ seat: 'sign', unitName: unit.name, people: ['林主任'] }] });
	});
});
