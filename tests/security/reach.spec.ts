// Nobody outside their reach: every tRPC procedure of appRouter, called by people who must not have what it
// gives (nobody signed in; a person of another department; that department's office admin; a district office's
// admin; the top office's staff without the role), pointed at department B's things. Each call must be refused
// (or, for a list, show nothing of B's) and leave every table but the logs exactly as it was.
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/lib/roles.ts';
import { sql } from '../../src/lib/server/db.ts';
import { FieldError } from '../../src/lib/server/errors.ts';
import { fileAccess } from '../../src/lib/server/files/flows.ts';
import { announce } from '../../src/lib/server/live/bus.ts';
import { appRouter, createCaller } from '../../src/lib/server/trpc/root.ts';
import { buildWorld, DEPT_ROLES, MARK, type Persona, type World } from './fixture.ts';
import { procedures, type Entry, type Expectation, type Gate, type Target } from './procedures.ts';
import { watchedTables, watchWrites } from './write-watch.ts';

/** Who walks, as far as the gates can tell before the world exists. */
interface PersonaSpec {
	key: string;
	roles: Role[];
	unitKind: 'office' | 'department' | null;
	topOffice: boolean;
	/** B is in their reach: they are walked only where their role should stop them */
	byRoleOnly: boolean;
}
const PERSONAS: PersonaSpec[] = [
	{ key: 'anonymous', roles: [], unitKind: null, topOffice: false, byRoleOnly: false },
	{ key: 'outsider', roles: DEPT_ROLES, unitKind: 'department', topOffice: false, byRoleOnly: false },
	{ key: 'deptAdmin', roles: ['office_admin', ...DEPT_ROLES], unitKind: 'department', topOffice: false, byRoleOnly: false },
	{ key: 'districtAdmin', roles: ['office_admin'], unitKind: 'office', topOffice: false, byRoleOnly: false },
	...DEPT_ROLES.map((r): PersonaSpec => ({ key: `office:${r}`, roles: [r], unitKind: 'office', topOffice: false, byRoleOnly: true }))
];

function passes(p: PersonaSpec, gate: Gate): boolean {
	if (gate === 'public') return true;
	if (p.key === 'anonymous') return false;
	if (gate === 'authed') return true;
	if (p.roles.includes('sysadmin')) return true;
	if (gate === 'office') return p.roles.includes('office_admin') && p.unitKind === 'office';
	if (gate === 'topOffice') return p.topOffice;
	return p.roles.some((r) => gate.includes(r));
}

// Every table but the logs (audit_log, sessions, the sign-in throttle) is watched two ways: a row trigger counts
// each write per table (write-watch.ts: cheap enough to read after every call, and it names the table), and a
// digest of the tables' contents is compared once at the end with the one taken when the world was built.
let writes = new Map<string, number>();
let writeCounts: () => Promise<Map<string, number>>;
/** The tables written since the last call. */
async function changedTables(): Promise<string[]> {
	const now = await writeCounts();
	const changed = [...now].filter(([t, n]) => writes.get(t) !== n).map(([t]) => t);
	writes = now;
	return changed;
}

async function digest(tables: string[]): Promise<Map<string, string>> {
	const query = tables
		.map((t) => `select '${t}' as t, count(*) || ':' || coalesce(md5(string_agg(md5(x::text), '' order by md5(x::text))), '') as h from "${t}" x`)
		.join(' union all ');
	const rows = await sql.unsafe<{ t: string; h: string }[]>(query);
	return new Map(rows.map((r) => [r.t, r.h]));
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

async function invoke(caller: unknown, path: string, input: unknown): Promise<Outcome> {
	let fn = caller as Record<string, unknown>;
	for (const part of path.split('.')) fn = fn[part] as Record<string, unknown>;
	try {
		return { ok: true, value: await (fn as unknown as (i: unknown) => Promise<unknown>)(input) };
	} catch (error) {
		return { ok: false, error };
	}
}

const excerpt = (v: unknown) => {
	const s = JSON.stringify(v) ?? String(v);
	return s.length > 160 ? `${s.slice(0, 160)}…` : s;
};

function describeError(e: unknown): string {
	if (e instanceof TRPCError) {
		if (e.cause instanceof ZodError) return `the input was refused by its schema (fix the table): ${e.cause.issues.map((i) => i.path.join('.') + ' ' + i.message).join('; ')}`;
		return `${e.code}${e instanceof FieldError ? ` on ${e.field}` : ''}: ${e.message}`;
	}
	return `a non-tRPC error: ${String(e)}`;
}

/** What is wrong with this outcome, or null. */
async function judge(outcome: Outcome, expectation: Expectation, persona: Persona, w: World, gateFails: boolean): Promise<string | null> {
	if (!outcome.ok) {
		const e = outcome.error;
		if (!(e instanceof TRPCError) || e.cause instanceof ZodError || e.code === 'INTERNAL_SERVER_ERROR') return describeError(e);
		if (e.message.includes(MARK)) return `the refusal names B's things: ${e.message}`;
		if (persona.key === 'anonymous') return e.code === 'UNAUTHORIZED' || (!gateFails && e.code === 'NOT_FOUND') ? null : describeError(e);
		if (e.code === 'NOT_FOUND' || e.code === 'FORBIDDEN') return null;
		if (e instanceof FieldError && 'refuse' in expectation && expectation.fields?.includes(e.field)) return null;
		if ('noop' in expectation && e.code !== 'UNAUTHORIZED') return null;
		return `refused as ${describeError(e)}`;
	}
	if (persona.key === 'anonymous') return `answered someone not signed in: ${excerpt(outcome.value)}`;
	if (gateFails) return `went through for a role the gate leaves out: ${excerpt(outcome.value)}`;
	if ('refuse' in expectation) return `went through: ${excerpt(outcome.value)}`;
	if ('absent' in expectation) {
		const text = JSON.stringify(outcome.value) ?? '';
		const leaked = Object.entries(w.secrets).filter(([, v]) => !expectation.allow?.includes(v) && text.includes(v));
		const around = (v: string) => text.slice(Math.max(0, text.indexOf(v) - 80), text.indexOf(v) + v.length + 40);
		return leaked.length ? `shows ${leaked.map(([k, v]) => `${k} (…${around(v)}…)`).join('; ')}` : null;
	}
	if ('check' in expectation) {
		try {
			await expectation.check(outcome.value, persona, w);
			return null;
		} catch (e) {
			return String(e instanceof Error ? e.message : e);
		}
	}
	return null;
}

let w: World;
let calls = 0;
const walked = new Set<string>();

let builtInMs = 0;
let tables: string[] = [];
let before = new Map<string, string>();

beforeAll(async () => {
	const started = Date.now();
	w = await buildWorld();
	tables = await watchedTables();
	before = await digest(tables);
	writeCounts = await watchWrites(tables);
	await changedTables();
	builtInMs = Date.now() - started;
}, 120_000);

/** Each procedure of appRouter with its kind (query, mutation or subscription). */
const PROCEDURE_TYPES = new Map(
	Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>).map(([path, p]) => [path, p._def.type])
);

afterAll(() => {
	if (w) rmSync(w.dir, { recursive: true, force: true });
	const split = [...walked].map((k) => k.split(' as ') as [string, string]);
	const personas = new Set(split.map(([, p]) => p));
	const procs = new Set(split.map(([p]) => p).filter((p) => PROCEDURE_TYPES.has(p)));
	const pairs = split.filter(([p]) => PROCEDURE_TYPES.has(p)).length;
	console.log(
		`access suite: ${procs.size} procedures × ${personas.size} personas: ${pairs} procedure × persona cases (${calls} calls, file checks included), each refused or showing nothing of B's, and nothing changed (world built in ${builtInMs} ms)`
	);
});

function personaOf(key: string): Persona {
	const { anonymous, outsider, deptAdmin, districtAdmin, rolePersonas } = w.personas;
	const p = [anonymous, outsider, deptAdmin, districtAdmin, ...rolePersonas].find((x) => x.key === key);
	if (!p) throw new Error(`no persona ${key}`);
	return p;
}

/** One call: its outcome judged, then every table compared with before. */
async function attempt(path: string, persona: Persona, target: Target, gateFails: boolean, problems: string[]) {
	const outcome = await invoke(persona.caller, path, target.input);
	const wrong = await judge(outcome, target.expect, persona, w, gateFails);
	const changed = await changedTables();
	calls += 1;
	walked.add(`${path} as ${persona.key}`);
	if (wrong) problems.push(`${target.label}: ${wrong}`);
	if (changed.length) problems.push(`${target.label}: changed ${changed.join(', ')}`);
}

/** live.changes: opened as the persona, it must carry nothing of B's between two fences in the persona's reach. */
async function walkLive(persona: Persona, problems: string[]) {
	const controller = new AbortController();
	const caller = createCaller({ user: persona.who!.user, session: persona.who!.session, actor: persona.who!.actor }, { signal: controller.signal });
	const got: unknown[] = [];
	const stream = (await caller.live.changes()) as AsyncIterable<unknown>;
	const ended = (async () => {
		try {
			for await (const c of stream) got.push(c);
		} catch (e) {
			if (!controller.signal.aborted) throw e;
		}
	})();
	const fence = async () => {
		const id = randomUUID();
		const deadline = Date.now() + 5_000;
		while (!got.some((c) => (c as { id?: string }).id === id)) {
			if (Date.now() > deadline) throw new Error('the fence never arrived');
			await announce(sql, { kind: 'subject', subject: 'fence', id, unitId: persona.who!.user.scopeUnitId });
			await new Promise((r) => setTimeout(r, 20));
		}
		return id;
	};
	try {
		await fence();
		got.length = 0;
		await announce(sql, { kind: 'subject', subject: 'incident', id: w.b.incident.id, unitId: w.units.deptB.id });
		await announce(sql, { kind: 'inbox', personId: w.people.staffB.id });
		await fence();
		const news = got.filter((c) => (c as { subject?: string }).subject !== 'fence');
		if (news.length) problems.push(`news of B: ${excerpt(news)}`);
	} finally {
		controller.abort();
		await ended;
	}
	calls += 1;
	walked.add(`live.changes as ${persona.key}`);
	const changed = await changedTables();
	if (changed.length) problems.push(`changed ${changed.join(', ')}`);
}

async function walk(path: string, entry: Entry, spec: PersonaSpec): Promise<string[]> {
	const persona = personaOf(spec.key);
	const gateFails = !passes(spec, entry.gate);
	const problems: string[] = [];
	const targets = entry.targets(w);
	if (persona.key === 'anonymous' && entry.gate !== 'public') {
		if (path === 'live.changes') {
			const outcome = await invoke(persona.caller, path, undefined);
			if (outcome.ok || !(outcome.error instanceof TRPCError) || outcome.error.code !== 'UNAUTHORIZED') problems.push(`opened for someone not signed in`);
			calls += 1;
			walked.add(`${path} as ${persona.key}`);
			return problems;
		}
		await attempt(path, persona, targets[0]!, true, problems);
		return problems;
	}
	if (path === 'live.changes') {
		await walkLive(persona, problems);
		return problems;
	}
	for (const target of targets) {
		if ('global' in target.expect && !gateFails) continue;
		const expectation: Expectation = gateFails ? { refuse: true, fields: 'refuse' in target.expect ? target.expect.fields : [] } : target.expect;
		await attempt(path, persona, { ...target, expect: expectation }, gateFails, problems);
	}
	for (const extra of entry.extra?.(w) ?? []) {
		if (extra.persona === persona.key) await attempt(path, persona, extra, gateFails, problems);
	}
	return problems;
}

describe('every procedure has an entry in the expectation table', () => {
	it('names each procedure of appRouter, and nothing else', () => {
		const actual = [...PROCEDURE_TYPES.keys()].sort();
		expect({ missing: actual.filter((p) => !(p in procedures)), stale: Object.keys(procedures).filter((p) => !actual.includes(p)) }).toEqual({
			missing: [],
			stale: []
		});
	});
});

describe('each procedure, as each persona who must not have it', () => {
	for (const [path, entry] of Object.entries(procedures)) {
		const personas = PERSONAS.filter((p) => !p.byRoleOnly || !passes(p, entry.gate));
		describe(path, () => {
			for (const spec of personas) {
				it(`as ${spec.key}`, async () => {
					expect(await walk(path, entry, spec)).toEqual([]);
				});
			}
		});
	}
});

describe('files (the /files route)', () => {
	const keys = ['outsider', 'deptAdmin', 'districtAdmin'];
	for (const key of keys) {
		it(`serves none of B's files to ${key}`, async () => {
			const persona = personaOf(key);
			const problems: string[] = [];
			for (const [name, id] of Object.entries(w.b.files)) {
				calls += 1;
				if (await fileAccess(persona.who!.user, id)) problems.push(`${name} file is readable`);
			}
			walked.add(`files as ${key}`);
			expect(problems).toEqual([]);
		});
	}
	it("serves B's files to B's leader, who did not upload them (the checks above are not vacuous)", async () => {
		for (const [name, id] of Object.entries(w.b.files)) expect({ name, readable: Boolean(await fileAccess(w.people.leaderB, id)) }).toEqual({ name, readable: true });
	});
});

describe('the targets are real', () => {
	it("every read pointed at B's things answers B's sysadmin-level reader", async () => {
		const problems: string[] = [];
		for (const [path, entry] of Object.entries(procedures)) {
			if (PROCEDURE_TYPES.get(path) !== 'query') continue;
			for (const target of entry.targets(w)) {
				if (!('refuse' in target.expect) || target.pairing) continue;
				const outcome = await invoke(w.sysadminCaller, path, target.input);
				if (!outcome.ok) problems.push(`${path} ${target.label}: ${describeError(outcome.error)}`);
			}
		}
		expect(problems).toEqual([]);
	});

	it("B's own phone, passkey, inbox, clock and material, and the office's breach, are B's and the office's to see", async () => {
		const own = JSON.stringify(
			await Promise.all([w.bCaller.device.list(), w.bCaller.passkey.list(), w.bCaller.inbox.list({ limit: 200 }), w.bCaller.clock.mine(), w.bCaller.document.byId({ id: w.b.document.id })])
		);
		const office = JSON.stringify(await w.sysadminCaller.breach.list());
		expect({
			device: own.includes(w.b.device.id),
			passkey: own.includes(w.b.passkey.id),
			notices: w.b.notices.length > 0 && w.b.notices.some((n) => own.includes(n)),
			clock: own.includes(w.b.clock.id),
			material: own.includes(w.b.material.id),
			breach: office.includes(w.b.breachId)
		}).toEqual({ device: true, passkey: true, notices: true, clock: true, material: true, breach: true });
	});
});

describe('a subject out of sight, named by something in reach', () => {
	it("lists A's clock on B's withheld document, as A's to meet, with the document shown only as not visible", async () => {
		const { clocks } = await w.personas.outsider.caller.clock.mine();
		expect(clocks.find((c) => c.id === w.interpretation.id)).toMatchObject({
			ruleName: w.interpretation.ruleName,
			subjectId: null,
			subjectVisible: false,
			subjectTitle: '不在您的查看范围内'
		});
		// Whoever sees the document sees it whole (the check above is not vacuous).
		const own = (await w.sysadminCaller.clock.mine()).clocks.find((c) => c.id === w.interpretation.id);
		expect(own).toMatchObject({ subjectId: w.b.withheld.id, subjectVisible: true, subjectTitle: `${MARK}不予公开文件` });
	});

	it("shows A's item under B's incident with the incident not visible in its timeline and its cancelled clock", async () => {
		const item = await w.personas.outsider.caller.opinion.byId({ id: w.opinionX.id });
		expect(item.clocks.find((c) => c.ruleKey === 'opinion.response')).toMatchObject({ status: 'cancelled', cancelReason: '纳入“不在您的查看范围内”的时限' });
		expect(item.timeline.find((e) => e.kind === 'opinion.incident_linked')?.data).toEqual({ title: '不在您的查看范围内' });
		expect(item.incidentClocks).toEqual([]);
		const board = await w.personas.outsider.caller.opinion.list({ status: null, limit: 100 });
		expect(board.items.find((i) => i.id === w.opinionX.id)?.nextDueAt).toBeNull();
		// Whoever reaches B's incident reads it all.
		const top = await w.sysadminCaller.opinion.byId({ id: w.opinionX.id });
		expect(top.clocks.find((c) => c.ruleKey === 'opinion.response')?.cancelReason).toBe(`纳入“${MARK}化工厂泄漏”的时限`);
		expect(top.timeline.find((e) => e.kind === 'opinion.incident_linked')?.data).toEqual({ incidentId: w.b.incident.id, title: `${MARK}化工厂泄漏` });
		expect(item).toMatchObject({ incidentId: null, incidentHidden: true });
		expect(top).toMatchObject({ incidentId: w.b.incident.id, incidentHidden: false });
	});

	it("shows A's release about B's incident, conference and item with each only there, not what it is", async () => {
		const release = await w.personas.outsider.caller.release.byId({ id: w.releaseX.id });
		expect(release).toMatchObject({ incidentId: null, incidentHidden: true, conferenceId: null, conferenceHidden: true, opinionItemId: null, opinionItemHidden: true });
		const top = await w.sysadminCaller.release.byId({ id: w.releaseX.id });
		expect(top).toMatchObject({ incidentId: w.b.incident.id, conferenceId: w.b.conference.id, opinionItemId: w.b.opinion.id });
	});
});

describe('and afterwards', () => {
	it('every table but the logs holds exactly what it held when the world was built', async () => {
		const after = await digest(tables);
		expect(tables.filter((t) => before.get(t) !== after.get(t))).toEqual([]);
	});
});
