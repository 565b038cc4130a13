// Release transitions at injected times, against the incident's 5-hour clock: how long a sign-off request
// stays open, what the leader's notice says about the deadline, when a request lapses and is renewed, and
// the clock met (or met late) at the moment of publication.
import { beforeAll, describe, expect, it } from 'vitest';
import { runClock } from '../clocks/flows.ts';
import { clocksOf } from '../clocks/queries.ts';
import { RULE } from '../clocks/rules.ts';
import { sql } from '../db.ts';
import { ConflictError, FieldError } from '../errors.ts';
import type { PersonRow } from '../people/queries.ts';
import { logMajorIncident, makePerson, makeProvince, TEST_ACTOR, TEST_PASSWORD } from '../test-helpers.ts';
import { timelineOf } from '../timeline/queries.ts';
import type { ReleaseChannel } from './content.ts';
import {
	createRelease,
	editRelease,
	publishRelease,
	submitRelease,
	type ReleaseAuthor
} from './flows.ts';
import { requestState, signoffTitle as signoffText, type ServedClock } from '../signoff/flows.ts';
import { render } from '../../i18n/index.ts';
// the title a notice stores is a text; read here in Chinese
const signoffTitle = (...args: Parameters<typeof signoffText>) => render(signoffText(...args), 'zh-CN');
import { approveStep, renewStep } from '../signoff/steps.ts';
import { requestsOf as requestsOfRef } from '../signoff/queries.ts';
import { inChinese } from '../notify/test-notices.ts';

const requestsOf = (db: typeof sql, releaseId: string) => requestsOfRef(db, { kind: 'release', id: releaseId });

let city: Awaited<ReturnType<typeof makeProvince>>;
beforeAll(async () => {
	city = await makeProvince();
});

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const cst = (local: string) => new Date(`${local}:00+08:00`);
const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);

/** Who a flow acts as: the person with their roles and reach, as the router would pass them. */
function as(p: PersonRow, scope: string | null = p.unitId): ReleaseAuthor {
	return { personId: p.id, name: p.name, roles: p.roles, scope, actor: { ...TEST_ACTOR, personId: p.id } };
}
const press = () => as(city.people.press);
// The vice-mayor sits in the city government and reaches every department under it.
const viceMayor = () => as(city.people.viceMayor, city.government.id);

let serial = 0;
async function authoritative(incidentId: string | null, at: Date, kind: 'authoritative' | 'follow_up' = 'authoritative') {
	serial += 1;
	return createRelease(
		{
			clientKey: null,
			kind,
			unitId: null,
			incidentId,
			conferenceId: null,
			title: `关于化工园区爆炸事故的通报（${serial}）`,
			body: '现场明火已扑灭，伤亡情况正在核实。',
			talkingPoints: '',
			channels: ['gov_website', 'gov_weibo']
		},
		press(),
		at
	);
}

async function openRequest(releaseId: string) {
	const open = (await requestsOf(sql, releaseId)).filter((q) => q.status === 'open');
	expect(open).toHaveLength(1);
	return open[0]!;
}

const approve = (releaseId: string, q: { id: string; versionHash: string }, now: Date) =>
	approveStep('release', releaseId, { requestId: q.id, versionHash: q.versionHash, proof: { kind: 'password', password: TEST_PASSWORD } }, viceMayor(), now);

const publication = (channel: ReleaseChannel, publishedAt: Date) => ({ channel, url: null, publishedAt });

const signoffNotices = async (releaseId: string) =>
	inChinese(
		await sql<{ title: unknown; urgency: string; url: string; createdAt: Date }[]>`
			select title, urgency, url, created_at from notifications
			where kind = 'signoff' and subject_id = ${releaseId} and person_id = ${city.people.viceMayor.id} order by created_at`
	);

async function fieldError(p: Promise<unknown>): Promise<FieldError> {
	const e = await p.then(
		() => null,
		(e: unknown) => e
	);
	expect(e).toBeInstanceOf(FieldError);
	return e as FieldError;
}

async function conflict(p: Promise<unknown>): Promise<ConflictError> {
	const e = await p.then(
		() => null,
		(e: unknown) => e
	);
	expect(e).toBeInstanceOf(ConflictError);
	return e as ConflictError;
}

describe('a release for a major incident', () => {
	it('is signed within the deadline and meets the 5-hour clock at the earliest publication time', async () => {
		const t0 = cst('2026-10-10T08:00');
		const { incident, fiveHour } = await logMajorIncident(city.people.press, city.deptA.id, t0, plus(t0, 10 * MINUTE));
		expect(fiveHour!.dueAt).toEqual(cst('2026-10-10T13:00'));

		const r = await authoritative(incident.id, plus(t0, HOUR));
		await submitRelease(r.id, press(), plus(t0, HOUR));
		const q = await openRequest(r.id);
		// Two hours to sign, well before the deadline.
		expect([q.createdAt, q.expiresAt]).toEqual([cst('2026-10-10T09:00'), cst('2026-10-10T11:00')]);
		expect(await signoffNotices(r.id)).toEqual([
			{ title: `待签发：${r.title}（距5小时时限剩余 4小时0分）`, urgency: 'critical', url: `/releases/${r.id}/sign/${q.id}`, createdAt: cst('2026-10-10T09:00') }
		]);

		const approved = await approve(r.id, q, cst('2026-10-10T09:30'));
		expect(approved.status).toBe('approved');

		const { release, satisfied } = await publishRelease(
			r.id,
			[publication('gov_weibo', cst('2026-10-10T10:30')), publication('gov_website', cst('2026-10-10T10:00'))],
			press(),
			cst('2026-10-10T10:35')
		);
		expect(release).toMatchObject({ status: 'published', publishedAt: cst('2026-10-10T10:00') });
		expect(satisfied).toEqual([{ id: fiveHour!.id, ruleName: '发布权威信息', status: 'satisfied' }]);

		const clock = (await clocksOf(sql, { type: 'incident', id: incident.id })).find((c) => c.id === fiveHour!.id)!;
		expect(clock).toMatchObject({ status: 'satisfied', satisfiedAt: cst('2026-10-10T10:00') });
		expect(clock.evidence).toMatchObject({ releaseId: r.id, version: 1, hash: r.hash, channels: ['gov_weibo', 'gov_website'] });

		const events = await timelineOf(sql, { type: 'incident', id: incident.id });
		const at = (kind: string) => events.filter((e) => e.kind === kind).map((e) => e.at);
		expect(at('release.published')).toEqual([cst('2026-10-10T10:00')]);
		expect(at('clock.satisfied')).toEqual([cst('2026-10-10T10:00')]);
		expect(at('signoff.approved')).toEqual([cst('2026-10-10T09:30')]);
		expect(events.find((e) => e.kind === 'clock.satisfied')!.data).toMatchObject({ clockId: fiveHour!.id, status: 'satisfied' });
		// The 24-hour press-conference clock is not met by a release.
		expect((await clocksOf(sql, { type: 'incident', id: incident.id })).find((c) => c.ruleKey === RULE.pressConference)!.status).toBe('running');
	});

	it('lets the request lapse at the deadline when that comes before the two hours', async () => {
		const t0 = cst('2026-10-11T08:00');
		const { incident, fiveHour } = await logMajorIncident(city.people.press, city.deptA.id, t0);
		const r = await authoritative(incident.id, cst('2026-10-11T11:50'));
		await submitRelease(r.id, press(), cst('2026-10-11T12:00'));
		const q = await openRequest(r.id);
		expect(q.expiresAt).toEqual(fiveHour!.dueAt);
		expect((await signoffNotices(r.id))[0]!.title).toBe(`待签发：${r.title}（距5小时时限剩余 1小时0分）`);
	});

	it('follows the chain’s hours when they are shorter', async () => {
		const unit = city.deptB;
		const pressB = as(city.people.pressB);
		await makePerson(unit.id, ['leader'], { username: 'leader-b', name: '林副主任' });
		await sql`insert into review_chains (unit_id, signoff_hours) values (${unit.id}, 0.5)`;
		const r = await createRelease(
			{ clientKey: null, kind: 'response', unitId: null, incidentId: null, conferenceId: null, title: '关于网传停水的回应', body: '经核实，系计划检修。', talkingPoints: '', channels: [] },
			pressB,
			cst('2026-10-12T09:00')
		);
		await submitRelease(r.id, pressB, cst('2026-10-12T09:00'));
		const [q] = await requestsOf(sql, r.id);
		expect(q!.expiresAt).toEqual(cst('2026-10-12T09:30'));
		const [notice] = inChinese(await sql<{ title: unknown; urgency: string }[]>`select title, urgency from notifications where kind = 'signoff' and subject_id = ${r.id}`);
		expect(notice).toEqual({ title: `待签发：${r.title}`, urgency: 'high' });
	});
});

describe('a request that lapses', () => {
	it('cannot be approved from its expiry on; renewed, the new one runs to the deadline at most', async () => {
		const t0 = cst('2026-10-13T08:00');
		const { incident, fiveHour } = await logMajorIncident(city.people.press, city.deptA.id, t0);
		const r = await authoritative(incident.id, cst('2026-10-13T09:00'));
		await submitRelease(r.id, press(), cst('2026-10-13T09:00'));
		const first = await openRequest(r.id);
		expect(first.expiresAt).toEqual(cst('2026-10-13T11:00'));
		expect(requestState(first, cst('2026-10-13T10:59'))).toBe('open');
		expect(requestState(first, first.expiresAt)).toBe('expired');

		// Nothing has lapsed a minute before.
		expect((await fieldError(renewStep('release', r.id, press(), cst('2026-10-13T10:59')))).message).toBe('没有已过期的签发请求');

		const e = await conflict(approve(r.id, first, cst('2026-10-13T11:00')));
		expect(e.code).toBe('CONFLICT');
		expect(e.message).toBe('签发请求已过期，请联系起草人重新送签');
		expect(e.existing).toMatchObject({ status: 'open', decidedBy: null, expiresAt: '2026-10-13T03:00:00.000Z' });

		await renewStep('release', r.id, press(), cst('2026-10-13T11:20'));
		const requests = await requestsOf(sql, r.id);
		expect(requests.map((q) => [q.id === first.id, q.status, q.decidedAt])).toEqual([
			[true, 'void', cst('2026-10-13T11:20')],
			[false, 'open', null]
		]);
		const renewed = requests[1]!;
		// Two hours would run past 13:00; the deadline comes first.
		expect(renewed.expiresAt).toEqual(fiveHour!.dueAt);
		expect((await signoffNotices(r.id)).map((n) => n.title)).toEqual([
			`待签发：${r.title}（距5小时时限剩余 4小时0分）`,
			`待签发：${r.title}（距5小时时限剩余 1小时40分）`
		]);
		const events = await timelineOf(sql, { type: 'release', id: r.id });
		expect(events.find((e) => e.kind === 'signoff.renewed')).toMatchObject({ at: cst('2026-10-13T11:20'), data: { seats: 1 } });

		expect((await approve(r.id, renewed, cst('2026-10-13T11:30'))).status).toBe('approved');
		const { satisfied } = await publishRelease(r.id, [publication('gov_website', cst('2026-10-13T11:45'))], press(), cst('2026-10-13T11:50'));
		expect(satisfied.map((c) => c.status)).toEqual(['satisfied']);
	});
});

describe('publishing', () => {
	it('refuses a publication time before the approval, or ahead of now, and records nothing', async () => {
		const r = await authoritative(null, cst('2026-10-14T09:00'), 'follow_up');
		await submitRelease(r.id, press(), cst('2026-10-14T09:00'));
		await approve(r.id, await openRequest(r.id), cst('2026-10-14T09:30'));

		const early = await fieldError(publishRelease(r.id, [publication('gov_website', cst('2026-10-14T09:29'))], press(), cst('2026-10-14T09:40')));
		expect(early.code).toBe('BAD_REQUEST');
		const ahead = await fieldError(publishRelease(r.id, [publication('gov_website', cst('2026-10-14T09:50'))], press(), cst('2026-10-14T09:40')));
		expect(ahead.code).toBe('BAD_REQUEST');
		expect(await sql`select 1 from release_publications where release_id = ${r.id}`).toHaveLength(0);

		// A phone clock a little fast is fine: up to five minutes ahead.
		const { release } = await publishRelease(r.id, [publication('gov_website', cst('2026-10-14T09:44'))], press(), cst('2026-10-14T09:40'));
		expect(release.publishedAt).toEqual(cst('2026-10-14T09:44'));
	});

	it('names the publication time in words when it is before the approval', async () => {
		const r = await authoritative(null, cst('2026-10-14T10:00'), 'follow_up');
		await submitRelease(r.id, press(), cst('2026-10-14T10:00'));
		await approve(r.id, await openRequest(r.id), cst('2026-10-14T10:30'));
		const e = await fieldError(publishRelease(r.id, [publication('gov_weibo', cst('2026-10-14T10:00'))], press(), cst('2026-10-14T10:40')));
		expect(e.message).toBe('「发布时间」不能早于签发时间（政务微博）');
	});

	it('meets a breached clock late, keeping the breach', async () => {
		const t0 = cst('2026-10-15T08:00');
		const { incident, fiveHour } = await logMajorIncident(city.people.press, city.deptA.id, t0);
		const r = await authoritative(incident.id, cst('2026-10-15T12:00'));
		expect((await runClock(fiveHour!.id, cst('2026-10-15T13:01'))).breached).toBe(true);

		await submitRelease(r.id, press(), cst('2026-10-15T13:30'));
		const q = await openRequest(r.id);
		// Past the deadline, the leader has the full two hours, and the notice says how late it is.
		expect(q.expiresAt).toEqual(cst('2026-10-15T15:30'));
		expect((await signoffNotices(r.id))[0]!.title).toBe(`待签发：${r.title}（距5小时时限已超时 30分）`);

		await approve(r.id, q, cst('2026-10-15T13:40'));
		const { satisfied } = await publishRelease(r.id, [publication('gov_website', cst('2026-10-15T14:00'))], press(), cst('2026-10-15T14:05'));
		expect(satisfied).toEqual([{ id: fiveHour!.id, ruleName: '发布权威信息', status: 'satisfied_late' }]);
		const clock = (await clocksOf(sql, { type: 'incident', id: incident.id })).find((c) => c.id === fiveHour!.id)!;
		expect(clock).toMatchObject({ status: 'satisfied_late', satisfiedAt: cst('2026-10-15T14:00'), breachedAt: cst('2026-10-15T13:00') });
		const breaches = await sql<{ dueAt: Date }[]>`select due_at from breaches where clock_id = ${fiveHour!.id}`;
		expect(breaches).toEqual([{ dueAt: cst('2026-10-15T13:00') }]);
		const kinds = (await timelineOf(sql, { type: 'incident', id: incident.id })).map((e) => e.kind);
		expect(kinds.indexOf('clock.breached')).toBeLessThan(kinds.indexOf('clock.satisfied'));
	});

	it('publishes only the version that was approved: an edit in between sends it back', async () => {
		const t0 = cst('2026-10-16T08:00');
		const { incident, fiveHour } = await logMajorIncident(city.people.press, city.deptA.id, t0);
		const r = await authoritative(incident.id, cst('2026-10-16T09:00'));
		await submitRelease(r.id, press(), cst('2026-10-16T09:00'));
		await approve(r.id, await openRequest(r.id), cst('2026-10-16T09:10'));

		const { release, voided } = await editRelease(r.id, 1, { title: r.title, body: r.body + '另有 3 人受轻伤。', talkingPoints: '', channels: r.channels }, press(), cst('2026-10-16T09:20'));
		expect(release).toMatchObject({ status: 'draft', currentVersion: 2 });
		expect(voided).toBe(1);
		const [approval] = await sql<{ voidedAt: Date }[]>`select voided_at from approvals where release_id = ${r.id}`;
		expect(approval!.voidedAt).toEqual(cst('2026-10-16T09:20'));
		const e = await fieldError(publishRelease(r.id, [publication('gov_website', cst('2026-10-16T09:25'))], press(), cst('2026-10-16T09:25')));
		expect(e.message).toBe('该稿件尚未签发，不能发布');
		expect((await clocksOf(sql, { type: 'incident', id: incident.id })).find((c) => c.id === fiveHour!.id)!.status).toBe('running');
		// The edit reaches the incident's timeline because it voided a sign-off.
		const edited = (await timelineOf(sql, { type: 'incident', id: incident.id })).filter((ev) => ev.kind === 'release.edited');
		expect(edited).toMatchObject([{ at: cst('2026-10-16T09:20'), data: { releaseId: r.id, version: 2, voided: 1, from: 'approved' } }]);
	});
});

describe('the sign-off notice title', () => {
	const clock = (status: string, dueAt: Date): ServedClock => ({ id: 'c', ruleName: '发布权威信息', label: '5小时', dueAt, status, satisfiedAt: null });
	const now = cst('2026-10-17T10:00');

	it('counts down while the clock runs, and says how late once it is breached', () => {
		expect(signoffTitle('通报', clock('running', cst('2026-10-17T11:20')), now)).toBe('待签发：通报（距5小时时限剩余 1小时20分）');
		expect(signoffTitle('通报', clock('running', cst('2026-10-17T10:25')), now)).toBe('待签发：通报（距5小时时限剩余 25分）');
		expect(signoffTitle('通报', clock('breached', cst('2026-10-17T09:00')), now)).toBe('待签发：通报（距5小时时限已超时 1小时0分）');
	});

	it('has no countdown without a clock, or once it is met', () => {
		expect(signoffTitle('通报', null, now)).toBe('待签发：通报');
		expect(signoffTitle('通报', clock('satisfied', cst('2026-10-17T11:00')), now)).toBe('待签发：通报');
	});
});
