// The people and units the opinion router specs share, signed in, and a sighting as the phone sends it. Test code:
// imported only by *.spec.ts files (its bindings are filled by setUpRouterWorld in their beforeAll).
import { randomUUID } from 'node:crypto';
import { toIso } from '../../time.ts';
import { sql } from '../db.ts';
import { makePerson, makeProvince, makeUnit, signInAs, type SignedIn } from '../test-helpers.ts';
import type { UnitRow } from '../units/queries.ts';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
/** `minutes` ago, as the phone sends it: ISO 8601 in China time, to the second. */
export const ago = (minutes: number) => toIso(new Date(Date.now() - minutes * MINUTE));
export const later = (iso: string, hours: number) => toIso(new Date(Date.parse(iso) + hours * HOUR));

export let city: Awaited<ReturnType<typeof makeProvince>>;
export let deptC: UnitRow, jiangcheng: UnitRow, hexi: UnitRow;
export let press: SignedIn, viceMayor: SignedIn, officeAdmin: SignedIn, pressB: SignedIn, pressC: SignedIn;

/** The world every opinion router spec works in: call it from beforeAll. */
export async function setUpRouterWorld() {
	city = await makeProvince();
	// The transport bureau has its own board, so that its order and counts are not disturbed by other tests.
	deptC = await makeUnit('江城市交通运输局', city.government.id);
	jiangcheng = await makeUnit('江城区人民政府', city.government.id, 'government');
	hexi = await makeUnit('河西区人民政府', city.government.id, 'government');
	await makePerson(deptC.id, ['press_officer'], { username: 'press-c', name: '冯宣传' });
	[press, viceMayor, officeAdmin, pressB, pressC] = await Promise.all([
		signInAs('press-a'),
		signInAs('vice-mayor'),
		signInAs('office-admin'),
		signInAs('press-b'),
		signInAs('press-c')
	]);
}

let serial = 0;
/** A rumour about the emergency bureau, seen an hour ago, as the phone sends it. */
export function sighting(overrides: Partial<Parameters<SignedIn['caller']['opinion']['create']>[0]> = {}) {
	serial += 1;
	return {
		clientKey: randomUUID(),
		source: 'weibo' as const,
		url: `https://weibo.com/70${serial}/Rk${serial}`,
		summary: `网传江城第${serial}号泵站停运，城区将大面积停水`,
		firstSeenAt: ago(60),
		type: 'rumour' as const,
		unitId: city.deptA.id,
		...overrides
	};
}

export const countItems = async () => (await sql<{ n: number }[]>`select count(*)::int as n from opinion_items`)[0]!.n;
