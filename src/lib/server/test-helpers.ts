// Builders for specs that touch the database: units and people are made through the real flows, and
// a caller is built from a real sign-in, so a test sees exactly what a signed-in person would.
import { TRPCError } from '@trpc/server';
import { expect } from 'vitest';
import { randomUUID } from 'node:crypto';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { Role, UnitKind } from '../roles.ts';
import { SYSTEM_ACTOR, type Actor } from './audit/log.ts';
import { signIn } from './auth/flows.ts';
import { completeSignIn, pendingId, secondFactorScreen } from './auth/second-factor.ts';
import { startTotp, totpCode, totpOf } from './auth/totp.ts';
import { clocksOf, type ClockRow } from './clocks/queries.ts';
import { sql } from './db.ts';
import { logIncident, type Author } from './incidents/flows.ts';
import type { IncidentRow } from './incidents/queries.ts';
import { validateSessionToken, type Session, type SessionUser } from './auth/session.ts';
import { createPerson } from './people/flows.ts';
import type { PersonRow } from './people/queries.ts';
import type { Context } from './trpc/context.ts';
import { appRouter, createCaller } from './trpc/root.ts';
import { createUnit, editUnit } from './units/flows.ts';
import type { UnitRow } from './units/queries.ts';

export const TEST_PASSWORD = 'harbour-lantern-42';
export const TEST_ACTOR: Actor = { personId: null, ip: '203.0.113.7', userAgent: 'vitest' };

const EVERYTHING = { roles: ['sysadmin'] as Role[], scope: null };
let serial = 0;

export function makeUnit(name: string, parentId: string | null, kind: UnitKind = 'department'): Promise<UnitRow> {
	return createUnit(
		{ name, parentId, kind, isKeyDepartment: false, principalId: null, leaderInChargeId: null },
		null,
		SYSTEM_ACTOR
	);
}

export function makePerson(
	unitId: string,
	roles: Role[],
	opts: { username?: string; phone?: string | null; name?: string; password?: string } = {}
): Promise<PersonRow> {
	serial += 1;
	return createPerson(
		{
			name: opts.name ?? `测试人员${serial}`,
			username: opts.username ?? `tester${serial}`,
			phone: opts.phone ?? null,
			unitId,
			roles
		},
		opts.password ?? TEST_PASSWORD,
		EVERYTHING,
		SYSTEM_ACTOR
	);
}

export interface SignedIn {
	token: string;
	session: Session;
	user: SessionUser;
	actor: Actor;
	caller: ReturnType<typeof createCaller>;
}

/** Signs in through the real flow and validates the token, as the session hook does on each request. */
export async function signInAs(login: string, password = TEST_PASSWORD, actor: Actor = TEST_ACTOR): Promise<SignedIn> {
	const first = await signIn(login, password, actor);
	if (!first.ok) throw new Error(`sign-in as ${login} failed: ${first.error}`);
	const result = 'pending' in first ? await passSecondFactor(first.pending, actor) : first;
	const { session, user } = await validateSessionToken(result.token);
	if (!session) throw new Error(`session of ${login} did not validate`);
	const ctxActor = { ...actor, personId: user.id };
	return {
		token: result.token,
		session,
		user,
		actor: ctxActor,
		caller: createCaller({ user, session, actor: ctxActor })
	};
}

/**
 * The authenticator app of an administrator in a test: the key set up through the sign-in screen's own flow the
 * first time, then its code. A test signs the same person in many times a minute, and a code counts once
 * (auth/totp.ts): the last step taken is forgotten here, which only a test may do.
 */
export async function passSecondFactor(pending: string, actor: Actor = TEST_ACTOR) {
	const screen = await secondFactorScreen(pending, undefined);
	if (screen.state === 'expired' || screen.state === 'locked') throw new Error(`second factor: ${screen.state}`);
	const [row] = await sql<{ personId: string }[]>`
		select person_id from pending_sign_ins where id = ${pendingId(pending)}`;
	const personId = row!.personId;
	const totp = (await totpOf(sql, personId)) ?? { key: await startTotp(sql, personId) };
	await sql`update totp_keys set last_step = 0 where person_id = ${personId}`;
	const result = await completeSignIn(pending, { kind: 'totp', code: totpCode(totp.key) }, actor, undefined);
	if (!result.ok) throw new Error(`second factor refused: ${result.error}`);
	return result;
}

/** A caller with nobody signed in. */
export function anonymousCaller() {
	return createCaller({ user: null, session: null, actor: TEST_ACTOR });
}

/**
 * A small city: the government at the root, its office, and two departments, with an office
 * administrator, a sysadmin, a department administrator and a member of staff in each department.
 */
export async function makeCity() {
	const government = await makeUnit('江城市人民政府', null, 'government');
	const office = await makeUnit('江城市人民政府办公室', government.id, 'office');
	const deptA = await makeUnit('江城市应急管理局', government.id);
	const deptB = await makeUnit('江城市卫生健康委员会', government.id);
	const [officeAdmin, sysadmin, adminA, staffA, staffB] = await Promise.all([
		makePerson(office.id, ['office_admin'], { username: 'office-admin' }),
		makePerson(office.id, ['sysadmin'], { username: 'root-admin' }),
		makePerson(deptA.id, ['office_admin', 'press_officer'], { username: 'admin-a' }),
		makePerson(deptA.id, ['press_officer'], { username: 'staff-a', phone: '13800000001' }),
		makePerson(deptB.id, ['press_officer'], { username: 'staff-b', phone: '13800000002' })
	]);
	return { government, office, deptA, deptB, officeAdmin, sysadmin, adminA, staffA, staffB };
}

/** Who a flow acts as when a test calls it directly with its own `now`: the person, their reach, their request. */
export function authorFor(person: Pick<PersonRow, 'id' | 'unitId'>, scope: string | null = person.unitId): Author {
	return { personId: person.id, scope, actor: { ...TEST_ACTOR, personId: person.id } };
}

/**
 * A province above a city, so that every tier of an escalation ladder has somebody to tell: the
 * province's office (the superior office), the city's office, and the emergency bureau that leads
 * incidents, with its press officer and spokesperson, the vice-mayor named as its leader in charge,
 * its director (a principal by role), and people the ladder must never wake: a deputy holding the
 * leader role (the named leader comes first), the bureau's own administrator (not an office) and
 * its duty officer. A second department has its own press officer, out of the bureau's reach.
 */
export async function makeProvince() {
	const province = await makeUnit('江南省人民政府', null, 'government');
	const provinceOffice = await makeUnit('江南省人民政府办公厅', province.id, 'office');
	const government = await makeUnit('江城市人民政府', province.id, 'government');
	const office = await makeUnit('江城市人民政府办公室', government.id, 'office');
	const deptA = await makeUnit('江城市应急管理局', government.id);
	const deptB = await makeUnit('江城市卫生健康委员会', government.id);
	const [provinceAdmin, officeAdmin, viceMayor, press, spokesperson, deputy, director, deptAdmin, duty, pressB] = await Promise.all([
		makePerson(provinceOffice.id, ['office_admin'], { username: 'province-admin', name: '孙省办' }),
		makePerson(office.id, ['office_admin'], { username: 'office-admin', name: '王市办' }),
		makePerson(government.id, ['leader'], { username: 'vice-mayor', name: '刘副市长' }),
		makePerson(deptA.id, ['press_officer'], { username: 'press-a', name: '陈宣传' }),
		makePerson(deptA.id, ['spokesperson'], { username: 'spokes-a', name: '赵发言' }),
		makePerson(deptA.id, ['leader'], { username: 'deputy-a', name: '钱副局长' }),
		makePerson(deptA.id, ['principal'], { username: 'director-a', name: '周局长' }),
		makePerson(deptA.id, ['office_admin'], { username: 'admin-a', name: '韩管理' }),
		makePerson(deptA.id, ['duty'], { username: 'duty-a', name: '李值班' }),
		makePerson(deptB.id, ['press_officer'], { username: 'press-b', name: '吴宣传' })
	]);
	const withLeader = await editUnit(
		deptA.id,
		{ name: deptA.name, parentId: government.id, kind: 'department', isKeyDepartment: true, principalId: null, leaderInChargeId: viceMayor.id },
		null,
		SYSTEM_ACTOR
	);
	return {
		province,
		provinceOffice,
		government,
		office,
		deptA: withLeader,
		deptB,
		people: { provinceAdmin, officeAdmin, viceMayor, press, spokesperson, deputy, director, deptAdmin, duty, pressB }
	};
}

export interface MajorIncident {
	incident: IncidentRow;
	/** the 5-hour authoritative-release clock, unless its rule is switched off */
	fiveHour: ClockRow | undefined;
	/** the 24-hour press-conference clock, unless its rule is switched off */
	dayLong: ClockRow | undefined;
}

let incidentSerial = 0;

/** A level II explosion led by `leadUnitId`, logged by `by` through the real flow at `now`, with the clocks it started. */
export async function logMajorIncident(
	by: Pick<PersonRow, 'id' | 'unitId'>,
	leadUnitId: string,
	occurredAt: Date,
	now: Date = occurredAt,
	title?: string
): Promise<MajorIncident> {
	incidentSerial += 1;
	const { incident } = await logIncident(
		{
			title: title ?? `化工园区爆炸${incidentSerial}`,
			category: 'accident',
			level: 2,
			occurredAt,
			location: '化工园区',
			leadUnitId,
			description: '',
			clientKey: randomUUID(),
			deviceRecordedAt: null,
			confirmOld: false
		},
		authorFor(by),
		now
	);
	const clocks = await clocksOf(sql, { type: 'incident', id: incident.id });
	return {
		incident,
		fiveHour: clocks.find((c) => c.ruleKey === 'incident.authoritative_release'),
		dayLong: clocks.find((c) => c.ruleKey === 'incident.press_conference')
	};
}

export interface HttpErrorBody {
	error: { message: string; data: { code: string; httpStatus: number; fieldErrors: Record<string, string> } & Record<string, unknown> };
}

/** What the browser receives for a mutation: the request goes through the same fetch adapter as /api/trpc. */
export async function postAs(s: SignedIn, path: string, input: unknown): Promise<{ status: number; body: HttpErrorBody }> {
	const ctx: Context = { user: s.user, session: s.session, actor: s.actor };
	const req = new Request(`https://huiying.example.gov.cn/api/trpc/${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(input)
	});
	const res = await fetchRequestHandler({ endpoint: '/api/trpc', req, router: appRouter, createContext: () => ctx });
	return { status: res.status, body: (await res.json()) as HttpErrorBody };
}

/** The tRPC error a call was refused with; fails the test when the call went through. */
export async function refusal(p: Promise<unknown>): Promise<TRPCError> {
	const e = await p.then(
		() => null,
		(e: unknown) => e
	);
	expect(e).toBeInstanceOf(TRPCError);
	return e as TRPCError;
}

/**
 * Every page of a list read through its cursors, as a screen's 加载更多 would (at most 100 pages): the rows in the
 * order given and how many pages it took; each page holds no more than `limit`.
 */
export async function walkPages<T>(read: (cursor: string | null) => Promise<{ items: T[]; nextCursor: string | null }>, limit: number): Promise<{ rows: T[]; pages: number }> {
	const rows: T[] = [];
	let cursor: string | null = null;
	let pages = 0;
	do {
		const page = await read(cursor);
		expect(page.items.length).toBeLessThanOrEqual(limit);
		rows.push(...page.items);
		cursor = page.nextCursor;
		pages++;
	} while (cursor && pages < 100);
	return { rows, pages };
}
