// The people the public-opinion flow specs share, signed in, with the steps they take often: capturing a rumour,
// assessing it, reading its clocks. Test code: imported only by *.spec.ts files (its bindings are filled by
// setUpOpinionWorld in their beforeAll).
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { clocksOf, type ClockRow } from '../clocks/queries.ts';
import { sql } from '../db.ts';
import { FieldError } from '../errors.ts';
import { makeProvince, signInAs, type SignedIn } from '../test-helpers.ts';
import { scopeRoot } from '../units/scope.ts';
import { captureItem, type AssessInput, type Author, type CaptureInput } from './flows.ts';
import { getItem } from './queries.ts';
import { render } from '../../i18n/index.ts';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const at = (base: Date, ms: number) => new Date(base.getTime() + ms);

export let city: Awaited<ReturnType<typeof makeProvince>>;
// deptA's press officer and spokesperson, the city's office, and deptB's press officer (out of deptA's reach).
export let press: SignedIn, spokes: SignedIn, officeAdmin: SignedIn, pressB: SignedIn;

/** The world every opinion flow spec works in: call it from beforeAll. */
export async function setUpOpinionWorld() {
	city = await makeProvince();
	[press, spokes, officeAdmin, pressB] = await Promise.all([signInAs('press-a'), signInAs('spokes-a'), signInAs('office-admin'), signInAs('press-b')]);
}

/** Who a flow acts as: the person, their unit, their reach. */
export const as = (s: SignedIn): Author => ({ personId: s.user.id, unitId: s.user.unitId, scope: scopeRoot(s.user), actor: s.actor });

let serial = 0;
/** A rumour about the emergency bureau, seen an hour before `now` unless told otherwise, captured at `now`. */
export function capture(by: SignedIn, overrides: Partial<CaptureInput> = {}, now: Date = new Date()) {
	serial += 1;
	return captureItem(
		{
			clientKey: randomUUID(),
			source: 'weibo',
			url: `https://weibo.com/60${serial}/Nq${serial}x`,
			summary: `网传江城第${serial}号仓库失火，附近居民被要求撤离`,
			firstSeenAt: at(now, -HOUR),
			type: 'rumour',
			unitId: city.deptA.id,
			screenshotIds: [],
			deviceRecordedAt: null,
			...overrides
		},
		as(by),
		now
	);
}

export const assessment = (overrides: Partial<AssessInput> = {}): AssessInput => ({
	heat: 'major',
	needsResponse: true,
	incidentId: null,
	localityUnitIds: [],
	responsePlan: '2小时内在政务微博发布澄清',
	...overrides
});

// the cancel reason is stored as a text: read here as a Chinese reader reads it
const readClock = (c: ClockRow) => ({ ...c, cancelReason: c.cancelReason && render(c.cancelReason, 'zh-CN') });
export const clocks = async (id: string) => (await clocksOf(sql, { type: 'opinion_item', id })).map(readClock);
export const clockOf = async (id: string, ruleKey: string): Promise<ReturnType<typeof readClock> | undefined> => (await clocks(id)).find((c) => c.ruleKey === ruleKey);
export const item = async (id: string) => (await getItem(sql, id, null))!;

/** `p` is refused with a FieldError naming `field` and saying `message`. */
export async function refusedWith(p: Promise<unknown>, field: string, message: string) {
	const e = await p.then(
		() => null,
		(x: unknown) => x
	);
	expect(e).toBeInstanceOf(FieldError);
	expect(e).toMatchObject({ field, message });
}
