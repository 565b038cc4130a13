// The live subscription each open screen holds: news of incidents in the person's reach and of their own
// inbox, never of another unit's incident or another person's inbox.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runClock } from '../clocks/flows.ts';
import { sql } from '../db.ts';
import { logMajorIncident, makePerson, makeProvince, makeUnit, signInAs, type SignedIn } from '../test-helpers.ts';
import { createCaller } from '../trpc/root.ts';
import { announce, subscriptions } from './bus.ts';
import { unitsAbove } from './queries.ts';

// The same lookup, counted: how many queries one change costs.
vi.mock('./queries.ts', async (importOriginal) => {
	const original = await importOriginal<typeof import('./queries.ts')>();
	return { ...original, unitsAbove: vi.fn(original.unitsAbove) };
});

type Received = { kind: 'subject'; subject: string; id: string } | { kind: 'inbox'; personId: string };

interface Screen {
	who: SignedIn;
	got: Received[];
	stop: () => Promise<void>;
}

let city: Awaited<ReturnType<typeof makeProvince>>;
let press: Screen, spokesperson: Screen, pressB: Screen, officeAdmin: Screen, sysadmin: Screen;
const screens: Screen[] = [];

/** A signed-in screen holding `live.changes` open, as the browser does over SSE, collecting what it is sent. */
async function open(login: string, track = true): Promise<Screen> {
	const who = await signInAs(login);
	const controller = new AbortController();
	const caller = createCaller({ user: who.user, session: who.session, actor: who.actor }, { signal: controller.signal });
	const got: Received[] = [];
	const stream = await caller.live.changes();
	const ended = (async () => {
		try {
			for await (const change of stream) got.push(change);
		} catch (e) {
			if (!controller.signal.aborted) throw e;
		}
	})();
	const screen = {
		who,
		got,
		stop: () => {
			controller.abort();
			return ended;
		}
	};
	if (track) screens.push(screen);
	return screen;
}

beforeAll(async () => {
	city = await makeProvince();
	await makePerson(city.provinceOffice.id, ['sysadmin'], { username: 'root-admin', name: '系统管理员' });
	[press, spokesperson, pressB, officeAdmin, sysadmin] = await Promise.all([
		open('press-a'),
		open('spokes-a'),
		open('press-b'),
		open('office-admin'),
		open('root-admin')
	]);
});
afterAll(async () => {
	await Promise.all(screens.map((s) => s.stop()));
});

const isFence = (c: Received) => c.kind === 'subject' && c.subject === 'fence';

/**
 * Waits until every screen has received a marker announced for a unit in its own reach, after everything
 * before it (PostgreSQL delivers in commit order), and returns what each received since the last time.
 */
async function settle(these: Screen[] = screens): Promise<Map<Screen, Received[]>> {
	for (const s of these) {
		const id = randomUUID();
		const arrived = () => s.got.some((c) => c.kind === 'subject' && c.id === id);
		await vi.waitFor(
			async () => {
				if (!arrived()) await announce(sql, { kind: 'subject', subject: 'fence', id, unitId: s.who.user.scopeUnitId });
				await new Promise((r) => setTimeout(r, 20));
				expect(arrived()).toBe(true);
			},
			{ timeout: 5_000, interval: 10 }
		);
	}
	const news = new Map(these.map((s) => [s, dedupe(s.got.filter((c) => !isFence(c)))] as const));
	for (const s of these) s.got.length = 0;
	return news;
}

/** One transaction may announce the same change several times; the screen refetches once either way. */
function dedupe(changes: Received[]): Received[] {
	const seen = new Set<string>();
	return changes.filter((c) => {
		const key = JSON.stringify(c);
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
}

const cst = (local: string) => new Date(`${local}:00+08:00`);

describe('an incident logged', () => {
	it('is news for the lead unit, the city office and the system administrator, not for another department', async () => {
		await settle();
		const { incident } = await logMajorIncident(city.people.duty, city.deptA.id, cst('2026-11-20T08:00'));
		const news = await settle();
		const logged = { kind: 'subject', subject: 'incident', id: incident.id };
		expect(news.get(press)).toEqual([logged]);
		expect(news.get(spokesperson)).toEqual([logged]);
		expect(news.get(officeAdmin)).toEqual([logged]);
		expect(news.get(sysadmin)).toEqual([logged]);
		expect(news.get(pressB)).toEqual([]);
	});

	it('in the other department is news there and at the office, not in the bureau', async () => {
		await settle();
		const { incident } = await logMajorIncident(city.people.pressB, city.deptB.id, cst('2026-11-20T09:00'));
		const news = await settle();
		const logged = { kind: 'subject', subject: 'incident', id: incident.id };
		expect(news.get(pressB)).toEqual([logged]);
		expect(news.get(officeAdmin)).toEqual([logged]);
		expect(news.get(sysadmin)).toEqual([logged]);
		expect(news.get(press)).toEqual([]);
		expect(news.get(spokesperson)).toEqual([]);
	});
});

describe('a clock telling people', () => {
	it('is inbox news for each person told, and for nobody else', async () => {
		const { incident, fiveHour } = await logMajorIncident(city.people.duty, city.deptA.id, cst('2026-11-20T10:00'));
		await settle();
		await runClock(fiveHour!.id, cst('2026-11-20T10:00'));
		const news = await settle();
		// The timeline line 「提醒 陈宣传、赵发言」 is news for everyone watching the incident.
		const notified = { kind: 'subject', subject: 'incident', id: incident.id };
		expect(news.get(press)).toEqual(expect.arrayContaining([notified, { kind: 'inbox', personId: city.people.press.id }]));
		expect(news.get(press)).toHaveLength(2);
		expect(news.get(spokesperson)).toEqual(expect.arrayContaining([notified, { kind: 'inbox', personId: city.people.spokesperson.id }]));
		expect(news.get(spokesperson)).toHaveLength(2);
		// Not even the system administrator hears of other people's inboxes.
		expect(news.get(officeAdmin)).toEqual([notified]);
		expect(news.get(sysadmin)).toEqual([notified]);
		expect(news.get(pressB)).toEqual([]);
	});
});

describe('news nobody in a unit may have', () => {
	it('goes to nobody for another person’s inbox, and only to the system administrator for a subject with no unit', async () => {
		await settle();
		await announce(sql, { kind: 'inbox', personId: city.people.viceMayor.id });
		const unowned = randomUUID();
		await announce(sql, { kind: 'subject', subject: 'incident', id: unowned, unitId: null });
		const news = await settle();
		for (const s of [press, spokesperson, pressB, officeAdmin]) expect(news.get(s)).toEqual([]);
		expect(news.get(sysadmin)).toEqual([{ kind: 'subject', subject: 'incident', id: unowned }]);
	});
});

describe('a screen closed', () => {
	it('ends its subscription and is sent nothing more', async () => {
		const closing = await open('press-a', false);
		await settle([closing]);
		// Resolves only once the subscription's iteration has ended.
		await closing.stop();
		await announce(sql, { kind: 'inbox', personId: city.people.press.id });
		const news = await settle();
		expect(news.get(press)).toEqual([{ kind: 'inbox', personId: city.people.press.id }]);
		expect(closing.got).toEqual([]);
	});
});

describe('a change many screens hold open', () => {
	it('is looked up once for all of them, and each still hears only what is in its reach', async () => {
		const section = await makeUnit('江城市应急管理局应急指挥科', city.deptA.id);
		const more = await Promise.all(['press-a', 'spokes-a', 'press-b', 'office-admin', 'root-admin', 'press-a'].map((login) => open(login, false)));
		const all = [...screens, ...more];
		await settle(all);
		const id = randomUUID();
		await announce(sql, { kind: 'subject', subject: 'incident', id, unitId: section.id });
		const news = await settle(all);
		try {
			const heard = { kind: 'subject', subject: 'incident', id };
			for (const s of all) expect(news.get(s)).toEqual(s.who.user.scopeUnitId === city.deptB.id ? [] : [heard]);
			expect(vi.mocked(unitsAbove).mock.calls.filter(([, unitId]) => unitId === section.id)).toHaveLength(1);
		} finally {
			await Promise.all(more.map((s) => s.stop()));
		}
	});
});

describe('a screen that leaves without a signal', () => {
	it('takes its listener with it the moment it returns, even while waiting for news', async () => {
		const before = subscriptions();
		const who = await signInAs('press-a');
		const stream = await createCaller({ user: who.user, session: who.session, actor: who.actor }).live.changes();
		const iterator = stream[Symbol.asyncIterator]();
		const waiting = iterator.next();
		await vi.waitFor(() => expect(subscriptions()).toBe(before + 1));
		await iterator.return?.();
		expect(subscriptions()).toBe(before);
		expect(await waiting).toEqual({ done: true, value: undefined });
	});

	it('with a signal, takes its listener with it when the signal aborts', async () => {
		const before = subscriptions();
		const screen = await open('press-b', false);
		await settle([screen]);
		expect(subscriptions()).toBe(before + 1);
		await screen.stop();
		expect(subscriptions()).toBe(before);
	});
});
