// The bad-input matrix: every mutation of appRouter, each top-level field of its input replaced by what a
// careless client or an attacker sends (missing, the wrong type, empty, too long, a megabyte, NUL and other
// control characters, emoji and right-to-left text, dates from antiquity and the far future, negative and
// fractional numbers, arrays where objects belong, deep nesting, SQL and script), sent the way the browser
// sends it (through the fetch adapter, so the status is real). Never a 500; a value no field may hold is a
// 400 naming the field in Chinese; and a refused call leaves every table as it was. The fields come from the
// zod schemas; each mutation needs a valid base input below, so that the bad field is the one refused. A
// mutation without one fails the suite: add it when you add a procedure.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { beforeAll, describe, expect, it } from 'vitest';
import { INCIDENT_CATEGORIES } from '../../src/lib/clocks.ts';
import { OPINION_HEATS, OPINION_SOURCES, OPINION_TYPES } from '../../src/lib/opinions.ts';
import { ROLES } from '../../src/lib/roles.ts';
import { sql } from '../../src/lib/server/db.ts';
import { RELEASE_CHANNELS } from '../../src/lib/server/releases/content.ts';
import { RELEASE_KINDS } from '../../src/lib/server/releases/queries.ts';
import { logMajorIncident, makeCity, makePerson, signInAs, type SignedIn, postAs } from '../../src/lib/server/test-helpers.ts';
import { appRouter } from '../../src/lib/server/trpc/root.ts';
import { toIso } from '../../src/lib/time.ts';
import { watchedTables, watchWrites } from './write-watch.ts';

// Thousands of writes by one person from one address in a few seconds: this walk is not what the write limits are about.
process.env.WRITE_LIMIT_PERSON = '1000000';
process.env.WRITE_LIMIT_ADDRESS = '1000000';

interface World {
	city: Awaited<ReturnType<typeof makeCity>>;
	incidentId: string;
	conferenceId: string;
	opinionId: string;
	releaseId: string;
	documentId: string;
	expertId: string;
}

interface Base {
	input: Record<string, unknown>;
	/** free text whose control characters are dropped rather than refused (release and document text) */
	stripped?: string[];
}

const MINUTE = 60_000;
const fromNow = (minutes: number) => toIso(new Date(Date.now() + minutes * MINUTE));
const some = () => randomUUID();
const HASH = 'a'.repeat(64);
const TOKEN = 'a'.repeat(32);
const RELEASE_TEXT = ['title', 'body', 'talkingPoints'];
const DOCUMENT_TEXT = ['title', 'docNumber', 'body', 'withheldReason', 'planInterpreter', 'planApproach', 'planChannels', 'planTiming', 'exemptionReason'];
const MATERIAL_TEXT = ['title', 'body'];

/** A valid input per mutation. Ids of real records where the call is about their text; random ids elsewhere (a refusal is fine). */
const BASES: Record<string, (w: World) => Base> = {
	'unit.create': (w) => ({ input: { name: '江城市统计局', parentId: w.city.government.id, kind: 'department', isKeyDepartment: false, principalId: null, leaderInChargeId: null } }),
	'unit.update': (w) => ({ input: { id: w.city.deptB.id, name: w.city.deptB.name, parentId: w.city.government.id, kind: 'department', isKeyDepartment: false, principalId: null, leaderInChargeId: null } }),
	'unit.setActive': () => ({ input: { id: some(), active: true } }),
	'person.create': (w) => ({ input: { name: '测试人员', username: 'matrix.person', phone: null, unitId: w.city.deptA.id, roles: ['duty'], password: 'spring-tide-9173' } }),
	'person.update': (w) => ({ input: { id: w.city.staffB.id, name: '吴宣传', username: w.city.staffB.username, phone: null, unitId: w.city.deptB.id, roles: ['press_officer'] } }),
	'person.setActive': () => ({ input: { id: some(), active: true } }),
	'person.resetPassword': () => ({ input: { id: some(), password: 'spring-tide-9173' } }),
	'person.resetSecondFactor': () => ({ input: { id: some() } }),
	'duty.save': (w) => ({ input: { unitId: w.city.deptA.id, startsAt: fromNow(24 * 60), endsAt: fromNow(32 * 60), officerIds: [w.city.staffA.id], leaderId: null, phone: '0571-8888 1234' } }),
	'duty.remove': () => ({ input: { id: some() } }),
	'duty.import': (w) => ({ input: { unitId: w.city.deptA.id, file: 'UEsDBA==' } }),
	'person.changeOwnPassword': () => ({ input: { currentPassword: 'not-my-password-1', newPassword: 'spring-tide-9173' } }),
	'person.setOwnLocale': () => ({ input: { locale: 'zh-CN' } }),
	'settings.updateFallback': () => ({ input: { fallbackSeconds: 60 } }),
	'settings.updateSession': () => ({ input: { idleHours: 12, absoluteDays: 30 } }),
	'audit.verify': () => ({ input: {} }),
	'session.end': () => ({ input: { handle: '0'.repeat(32) } }),
	'session.endOthers': () => ({ input: {} }),
	'session.stepUpOptions': () => ({ input: {} }),
	'session.stepUp': () => ({ input: { proof: { kind: 'password', password: 'not-my-password-1' } } }),
	'incident.create': (w) => ({
		input: { clientKey: some(), title: '江城化工园区储罐爆炸', category: INCIDENT_CATEGORIES[1], level: 3, occurredAt: fromNow(-30), location: '化工园区', leadUnitId: w.city.deptA.id, description: '', deviceRecordedAt: null, confirmOld: false }
	}),
	'incident.update': (w) => ({ input: { id: w.incidentId, title: '江城化工园区储罐爆炸', category: INCIDENT_CATEGORIES[1], occurredAt: fromNow(-30), location: '化工园区', leadUnitId: w.city.deptA.id, description: '' } }),
	'incident.setLevel': (w) => ({ input: { id: w.incidentId, level: 2, reason: '' } }),
	'incident.merge': () => ({ input: { id: some(), intoId: some() } }),
	'incident.close': () => ({ input: { id: some(), note: '已处置完毕' } }),
	'conference.create': (w) => ({ input: { kind: 'press_conference', title: '新闻发布会', incidentId: null, unitId: w.city.deptA.id, plannedAt: fromNow(24 * 60), place: '新闻中心', hostId: null, speakerIds: null, mediaInvited: [] } }),
	'conference.update': (w) => ({ input: { id: w.conferenceId, kind: 'press_conference', title: '新闻发布会', incidentId: null, unitId: w.city.deptA.id, plannedAt: fromNow(24 * 60), place: '新闻中心', hostId: null, speakerIds: null, mediaInvited: [] } }),
	'conference.markHeld': () => ({ input: { id: some(), heldAt: fromNow(-10) } }),
	'conference.postpone': () => ({ input: { id: some(), plannedAt: fromNow(48 * 60), reason: '领导出差' } }),
	'conference.cancel': () => ({ input: { id: some(), reason: '情况已澄清' } }),
	'conference.setPublicPhone': (w) => ({ input: { personId: w.city.staffA.id, publicPhone: '0731-12345678' } }),
	'expert.create': () => ({ input: { name: '张教授', field: '化工安全', organisation: '江城大学', contact: '' } }),
	'expert.update': (w) => ({ input: { id: w.expertId, name: '张教授', field: '化工安全', organisation: '江城大学', contact: '' } }),
	'expert.setActive': () => ({ input: { id: some(), active: true } }),
	'clock.acknowledge': () => ({ input: { clockId: some(), stepIndex: null, channel: 'inbox' } }),
	'inbox.markRead': () => ({ input: { ids: [] } }),
	'rule.update': () => ({
		input: {
			key: 'matrix.no_such_rule',
			name: '权威信息发布',
			durationValue: 5,
			active: true,
			ladder: [{ anchor: 'due', offsetMinutes: -60, tiers: ['lead_unit_press'], urgency: 'high', ackWithinMinutes: null }]
		}
	}),
	'breach.addAction': () => ({ input: { breachId: some(), kind: 'summons', note: '约谈主要负责人' } }),
	'device.register': () => ({ input: { endpoint: 'https://127.0.0.1/push/matrix', keys: { p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM', auth: 'tBHItJI5svbpez7KI4CCXg' }, name: '我的手机', platform: '' } }),
	'device.rename': () => ({ input: { id: some(), name: '我的手机' } }),
	'device.test': () => ({ input: { id: some() } }),
	'device.remove': () => ({ input: { id: some() } }),
	'delivery.receipt': () => ({ input: { deliveryId: '1', token: TOKEN, event: 'received' } }),
	'delivery.acknowledge': () => ({ input: { deliveryId: '1', token: TOKEN } }),
	'passkey.registrationOptions': () => ({ input: {} }),
	'passkey.register': () => ({
		input: { challengeId: some(), name: '我的手机', response: { id: 'abc', rawId: 'abc', type: 'public-key', response: { clientDataJSON: 'abc', attestationObject: 'abc' }, clientExtensionResults: {} } }
	}),
	'passkey.remove': () => ({ input: { id: 'abc' } }),
	'release.create': (w) => ({
		input: { clientKey: null, kind: RELEASE_KINDS[0], unitId: w.city.deptA.id, incidentId: null, conferenceId: null, opinionItemId: null, title: '关于储罐爆炸的通报', body: '现场已控制。', talkingPoints: '', channels: [] },
		stripped: RELEASE_TEXT
	}),
	'release.update': (w) => ({ input: { id: w.releaseId, baseVersion: 1, title: '关于储罐爆炸的通报', body: '现场已控制。', talkingPoints: '', channels: [] }, stripped: RELEASE_TEXT }),
	'release.submit': () => ({ input: { id: some() } }),
	'release.withdraw': () => ({ input: { id: some(), reason: '重复' } }),
	'release.publish': () => ({ input: { id: some(), publications: [{ channel: RELEASE_CHANNELS[0], url: null, publishedAt: fromNow(-5) }] } }),
	'signoff.review': () => ({ input: { kind: 'document', id: some(), version: 1, versionHash: HASH, decision: 'passed', reason: '' } }),
	'signoff.stepUp': () => ({ input: { kind: 'release', id: some(), requestId: some() } }),
	'signoff.approve': () => ({ input: { kind: 'release', id: some(), requestId: some(), versionHash: HASH, proof: { kind: 'password', password: 'not-my-password-1' } } }),
	'signoff.reject': () => ({ input: { kind: 'release', id: some(), requestId: some(), reason: '数据有误' } }),
	'signoff.flag': () => ({ input: { kind: 'document', id: some(), requestId: some(), note: '' } }),
	'signoff.renew': () => ({ input: { kind: 'document', id: some() } }),
	'signoff.setChain': (w) => ({ input: { unitId: w.city.deptA.id, confidentialityReviewerIds: [], countersignUnitIds: [], signoffHours: 2 } }),
	'document.create': (w) => ({
		input: { clientKey: null, unitId: w.city.deptA.id, interpretingUnitId: null, drafterId: null, title: '江城市安全生产条例', docNumber: '', body: '', disclosure: 'proactive', withheldReason: '', planInterpreter: '', planApproach: '', planChannels: [], planTiming: '', exemptionReason: '', fileIds: [] },
		stripped: DOCUMENT_TEXT
	}),
	'document.update': (w) => ({
		input: { id: w.documentId, baseVersion: 1, title: '江城市安全生产条例', docNumber: '', body: '', disclosure: 'proactive', withheldReason: '', planInterpreter: '', planApproach: '', planChannels: [], planTiming: '', exemptionReason: '', fileIds: [] },
		stripped: DOCUMENT_TEXT
	}),
	'document.attachMaterial': (w) => ({ input: { id: w.documentId, kind: 'text', title: '文字解读', body: '', fileIds: [], expertId: null, interpreterId: null }, stripped: MATERIAL_TEXT }),
	'document.updateMaterial': (w) => ({ input: { id: w.documentId, materialId: some(), baseVersion: 1, title: '文字解读', body: '', fileIds: [], expertId: null, interpreterId: null }, stripped: MATERIAL_TEXT }),
	'document.removeMaterial': () => ({ input: { id: some(), materialId: some() } }),
	'document.submit': () => ({ input: { id: some() } }),
	'document.publish': () => ({ input: { id: some(), publishedAt: fromNow(-5), url: null, withMaterials: true } }),
	'document.publishMaterials': () => ({ input: { id: some(), materialIds: [some()], publishedAt: fromNow(-5), url: null } }),
	'document.abolish': () => ({ input: { id: some(), kind: 'abolished', at: fromNow(-5), reason: '上位法修订' } }),
	'document.markEnded': () => ({ input: { id: some(), markedAt: fromNow(-5), url: null } }),
	'obligation.remind': () => ({ input: { unitId: some(), obligation: 'conferences' } }),
	'opinion.create': (w) => ({
		input: { clientKey: some(), source: OPINION_SOURCES[0], url: null, summary: '网传江城大桥封闭', firstSeenAt: fromNow(-60), type: OPINION_TYPES[0], unitId: w.city.deptA.id, screenshotIds: [], deviceRecordedAt: null }
	}),
	'opinion.assess': (w) => ({ input: { id: w.opinionId, heat: OPINION_HEATS[0], needsResponse: true, incidentId: null, localityUnitIds: [], responsePlan: '' } }),
	'opinion.linkIncident': () => ({ input: { id: some(), incidentId: some() } }),
	'opinion.linkConference': () => ({ input: { id: some(), conferenceId: some() } }),
	'opinion.merge': () => ({ input: { id: some(), intoId: some() } }),
	'opinion.consult': (w) => ({ input: { id: w.opinionId, note: '已与网信办会商' } }),
	'opinion.recordResponse': () => ({ input: { id: some(), kind: 'interview', outlet: '江城日报', at: fromNow(-5), note: '' } }),
	'opinion.evaluate': () => ({ input: { id: some(), attentionFell: true, lessons: '' } }),
	'channel.updateSettings': () => ({ input: { channel: 'wecom', enabled: false, config: { corpId: 'ww0123456789', agentId: 1000002, secret: '' } } }),
	'channel.setMapping': (w) => ({ input: { personId: w.city.staffA.id, channel: 'wecom', externalId: 'chenjing' } }),
	'channel.setMyOrder': () => ({ input: { order: ['web_push', 'wecom'] } }),
	'calendar.enterYear': () => ({ input: { year: 2099, source: '国务院办公厅关于2099年部分节假日安排的通知', holidays: [{ name: '元旦', from: '2099-01-01', to: '2099-01-01' }], workdays: [] } })
};

// ---- the fields, from the zod schemas ----------------------------------------------------------------------

type Kind = 'text' | 'formatted' | 'datetime' | 'integer' | 'number' | 'boolean' | 'array' | 'object';
interface Field {
	name: string;
	kind: Kind;
	required: boolean;
	minLength?: number;
	maxLength?: number;
	minimum?: number;
	maximum?: number;
	minItems?: number;
	maxItems?: number;
}
type JsonSchema = Record<string, unknown> & { anyOf?: JsonSchema[]; oneOf?: JsonSchema[]; properties?: Record<string, JsonSchema>; required?: string[] };

const branches = (s: JsonSchema): JsonSchema[] => (s.anyOf ?? s.oneOf ? [...(s.anyOf ?? []), ...(s.oneOf ?? [])].flatMap(branches) : [s]);

function fieldOf(name: string, s: JsonSchema, required: boolean): Field {
	const options = branches(s).filter((b) => b.type !== 'null');
	const pick = (type: string) => options.find((b) => b.type === type);
	const str = pick('string');
	const num = options.find((b) => b.type === 'integer' || b.type === 'number');
	const n = (v: unknown) => (typeof v === 'number' ? v : undefined);
	if (str && !pick('object') && !pick('array')) {
		const free = !str.format && !str.pattern && !str.enum && str.const === undefined;
		const kind: Kind = str.format === 'date-time' ? 'datetime' : free ? 'text' : 'formatted';
		return { name, kind, required, minLength: n(str.minLength), maxLength: n(str.maxLength) };
	}
	if (num) return { name, kind: num.type === 'integer' ? 'integer' : 'number', required, minimum: n(num.minimum), maximum: n(num.maximum) };
	if (pick('boolean')) return { name, kind: 'boolean', required };
	const arr = pick('array');
	if (arr) return { name, kind: 'array', required, minItems: n(arr.minItems), maxItems: n(arr.maxItems) };
	return { name, kind: 'object', required };
}

type Procedure = { _def: { type: string; inputs: z.ZodType[] } };
const procedures = (appRouter as unknown as { _def: { procedures: Record<string, Procedure> } })._def.procedures;
const mutations = Object.entries(procedures)
	.filter(([, p]) => p._def.type === 'mutation')
	.map(([path, p]) => ({ path, schema: p._def.inputs.at(-1) ?? null }));

function fieldsOf(schema: z.ZodType | null): Field[] {
	if (!schema) return [];
	const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
	// A discriminated union (channel settings): the fields of its first variant, which the base input uses.
	const object = json.properties ? json : branches(json).find((b) => b.properties)!;
	return Object.entries(object.properties!).map(([name, s]) => fieldOf(name, s, (object.required ?? []).includes(name)));
}

// ---- the probes -------------------------------------------------------------------------------------------

/** Where a probe must be refused with its field named; otherwise any answer but a 5xx will do. */
type Verdict = 'refused' | 'any';
interface Probe {
	probe: string;
	value: unknown;
	verdict: Verdict;
}

const MISSING = Symbol('missing');
const deep = (depth: number): unknown => (depth === 0 ? 'x' : { a: deep(depth - 1) });
const DEEP = deep(400);
const MEGABYTE = 'a'.repeat(1024 * 1024);
const WRONG_TYPE: Record<Kind, unknown> = { text: 12345, formatted: 12345, datetime: 1_700_000_000_000, integer: '12', number: '12', boolean: 'true', array: 'x', object: 'x' };

function probesFor(f: Field, base: unknown, stripped: boolean): Probe[] {
	const refused = (probe: string, value: unknown): Probe => ({ probe, value, verdict: 'refused' });
	const any = (probe: string, value: unknown): Probe => ({ probe, value, verdict: 'any' });
	const out: Probe[] = [
		f.required ? refused('missing', MISSING) : any('missing', MISSING),
		refused('wrong type', WRONG_TYPE[f.kind]),
		refused('a megabyte', MEGABYTE),
		f.kind === 'array' ? refused('an object for an array', { 0: base }) : refused('an array for a value', [base]),
		// Inside an object field the innermost missing key is the one named, so only "never a 500" holds there.
		f.kind === 'object' ? any('deep nesting', DEEP) : refused('deep nesting', DEEP)
	];
	if (f.kind === 'text' || f.kind === 'formatted' || f.kind === 'datetime') {
		const s = typeof base === 'string' ? base : '';
		// Release and document text drops control characters (its canonical form always did); everything else refuses them.
		const control: Verdict = stripped ? 'any' : 'refused';
		out.push(
			f.kind === 'text' && (f.minLength ?? 0) >= 1 ? refused('empty', '') : any('empty', ''),
			{ probe: 'NUL', value: `${s || '示例'}\u0000`, verdict: control },
			{ probe: 'ESC', value: `${s || '示例'}\u001b[31m`, verdict: control },
			any('emoji and right-to-left', `${s}🚒👩‍🚒\u202eكلمة עברית`),
			any('SQL and script', `${s}'; drop table incidents; --<script>alert(1)</script><img src=x onerror=alert(1)>`)
		);
		if (f.kind === 'text') out.push({ probe: 'BEL, DEL and C1', value: `${s}\u0007\u007f\u0085`, verdict: control });
		if (f.maxLength !== undefined) out.push(refused('too long', '测'.repeat(f.maxLength + 1)));
	}
	if (f.kind === 'datetime')
		out.push(
			refused('year 1900', '1900-01-01T00:00:00Z'),
			refused('year 0000', '0000-01-01T00:00:00Z'),
			refused('just before 2000 in China', '1999-12-31T23:59:59+08:00'),
			refused('year 9999', '9999-12-31T23:59:59Z'),
			refused('not a date', '2026-02-30T25:61:00+08:00')
		);
	if (f.kind === 'integer' || f.kind === 'number')
		out.push(
			f.minimum !== undefined && f.minimum > -1 ? refused('negative', -1) : any('negative', -1),
			f.kind === 'integer' ? refused('fraction', 1.5) : any('fraction', 1.5),
			f.maximum !== undefined || f.kind === 'integer' ? refused('huge', 1e21) : any('huge', 1e21)
		);
	if (f.kind === 'array')
		out.push(
			(f.minItems ?? 0) >= 1 ? refused('empty', []) : any('empty', []),
			f.maxItems !== undefined ? refused('too many', Array.from({ length: f.maxItems + 1 }, () => (Array.isArray(base) ? base[0] : 'x'))) : any('too many', Array.from({ length: 1000 }, () => 'x'))
		);
	if (f.kind === 'object') out.push(any('empty', {}));
	return out;
}

// ---- what was written ---------------------------------------------------------------------------------------

// ---- the walk -----------------------------------------------------------------------------------------------

let world: World;
let matrix: SignedIn;
let writes: () => Promise<Map<string, number>>;
beforeAll(async () => {
	const city = await makeCity();
	// every role that goes with others (an auditor holds none besides: tests/security/auditor.spec.ts)
	await makePerson(city.office.id, ROLES.filter((r) => r !== 'auditor'), { username: 'matrix', name: '矩阵测试' });
	matrix = await signInAs('matrix');
	const { incident } = await logMajorIncident(city.staffA, city.deptA.id, new Date(Date.now() - 30 * MINUTE));
	const conference = await matrix.caller.conference.create({ kind: 'press_conference', title: '新闻发布会', unitId: city.deptA.id, plannedAt: fromNow(24 * 60) });
	const opinion = await matrix.caller.opinion.create({ clientKey: some(), source: OPINION_SOURCES[0], summary: '网传江城大桥封闭', firstSeenAt: fromNow(-60), type: OPINION_TYPES[0], unitId: city.deptA.id });
	const release = await matrix.caller.release.create({ kind: RELEASE_KINDS[0], unitId: city.deptA.id, title: '关于储罐爆炸的通报', body: '现场已控制。' });
	const document = await matrix.caller.document.create({ unitId: city.deptA.id, title: '江城市安全生产条例', disclosure: 'proactive' });
	const expert = await matrix.caller.expert.create({ name: '张教授', field: '化工安全' });
	world = { city, incidentId: incident.id, conferenceId: conference.id, opinionId: opinion.id, releaseId: release.id, documentId: document.id, expertId: expert.id };
	// Refusals may record themselves (a denied call in the audit log, a wrong password in the throttle, a session
	// touched); every other table must be as it was.
	writes = await watchWrites(await watchedTables());
});

const CJK = /[\u4e00-\u9fff]/;

describe('the bad-input matrix', () => {
	it('has a valid base input for every mutation, so that the bad field is the one refused', () => {
		const missing = mutations.filter((m) => !BASES[m.path]).map((m) => m.path);
		expect(missing, 'add a base input to BASES in tests/security/bad-input.spec.ts').toEqual([]);
		const stale = Object.keys(BASES).filter((path) => !mutations.some((m) => m.path === path));
		expect(stale).toEqual([]);
		for (const m of mutations) {
			if (!m.schema) continue;
			const parsed = m.schema.safeParse(BASES[m.path]!(world).input);
			expect(parsed.success, `${m.path}: ${parsed.error?.message}`).toBe(true);
		}
	});

	it('answers every bad value with a 4xx naming the field in Chinese, never a 500, and stores nothing when it refuses', { timeout: 90_000 }, async () => {
		const failures: string[] = [];
		let counts = await writes();
		let cases = 0;
		const started = Date.now();
		const attempt = async (path: string, field: string | null, probe: string, input: unknown, verdict: Verdict) => {
			cases += 1;
			const label = `${path} ${field ?? '(input)'} × ${probe}`;
			// What the tables held after the previous case is what they hold before this one.
			const before = counts;
			const { status, body } = await postAs(matrix, path, input);
			counts = await writes();
			if (status >= 500) return void failures.push(`${label}: ${status} ${body?.error?.message}`);
			if (status >= 400) {
				const message = body?.error?.message ?? '';
				if (!CJK.test(message)) failures.push(`${label}: not in Chinese: ${message}`);
				const changed = [...counts].filter(([t, n]) => before.get(t) !== n).map(([t]) => t);
				if (changed.length) failures.push(`${label}: refused (${status}) but changed ${changed.join(', ')}`);
			}
			if (verdict === 'refused') {
				if (status !== 400) return void failures.push(`${label}: expected 400, got ${status}`);
				if (field === null) return;
				const said = body.error.data.fieldErrors?.[field];
				const named = said && /「([^」]+)」/.exec(said);
				if (!said) failures.push(`${label}: no field error under ${field} (${JSON.stringify(body.error.data.fieldErrors)})`);
				else if (!named || named[1] === field || !CJK.test(said)) failures.push(`${label}: the field is not named in Chinese: ${said}`);
			}
		};

		for (const m of mutations) {
			const base = BASES[m.path]?.(world);
			if (!base) continue; // the first test names it
			const fields = fieldsOf(m.schema);
			for (const f of fields) {
				for (const p of probesFor(f, base.input[f.name], base.stripped?.includes(f.name) ?? false)) {
					const input = { ...BASES[m.path]!(world).input };
					if (p.value === MISSING) delete input[f.name];
					else input[f.name] = p.value;
					await attempt(m.path, f.name, p.probe, input, p.verdict);
				}
			}
			const hasRequired = fields.some((f) => f.required);
			const extra = JSON.parse('{"isAdmin": true, "__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}');
			await attempt(m.path, null, 'extra fields', { ...BASES[m.path]!(world).input, ...extra }, 'any');
			await attempt(m.path, null, 'an array for the input', [base.input], hasRequired ? 'refused' : 'any');
			await attempt(m.path, null, 'deep nesting for the input', DEEP, hasRequired ? 'refused' : 'any');
		}
		console.info(`bad-input matrix: ${cases} cases over ${mutations.length} mutations in ${((Date.now() - started) / 1000).toFixed(1)} s`);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect(failures).toEqual([]);
	});
});
