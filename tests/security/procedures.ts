// What every tRPC procedure must refuse, and to whom: the access suite's expectation table. Each entry names
// who may call the procedure at all (its gate) and the calls that point at department B's things; the suite
// makes every persona outside B's reach, and every role the gate leaves out, try each call. A procedure of
// `appRouter` with no entry here fails the suite: add one when you add a procedure.
import { randomUUID } from 'node:crypto';
import { CONFERENCE_ROLES } from '../../src/lib/conferences.ts';
import { DRAFTER_ROLE_LIST } from '../../src/lib/releases.ts';
import type { Role } from '../../src/lib/roles.ts';
import { fromNow, MARK, ORIGIN, type Persona, type World } from './fixture.ts';

/**
 * public: anyone, signed in or not · authed: anyone signed in · office: an office admin working in an office
 * (政务公开办) or a sysadmin · topOffice: the office at the top of the tree or a sysadmin · a role list: anyone
 * holding one of them.
 */
export type Gate = 'public' | 'authed' | 'office' | 'topOffice' | readonly Role[];

export type Expectation =
	/** refused; BAD_REQUEST only as a field error on one of `fields` (an out-of-reach choice), never a schema error */
	| { refuse: true; fields?: string[] }
	/** may answer, but nothing of B's shows in the answer (`allow`: B's values this answer may carry, e.g. a bare id) */
	| { absent: true; allow?: string[] }
	/** may answer or refuse, as long as nothing changes (a filtered write such as "mark these read") */
	| { noop: true }
	/** the answer is checked by hand */
	| { check: (result: unknown, persona: Persona, w: World) => Promise<void> }
	/** the same for everyone (organisation-wide settings, the calendar) or only about the caller: no reach to test */
	| { global: string };

export interface Target {
	label: string;
	/** B's thing named under A's (a request id with A's release id): a pairing that exists for nobody */
	pairing?: true;
	input: unknown;
	expect: Expectation;
}

export interface Entry {
	gate: Gate;
	targets: (w: World) => Target[];
	/** calls only one persona makes: a department admin at its own unit, say */
	extra?: (w: World) => (Target & { persona: 'outsider' | 'deptAdmin' | 'districtAdmin' })[];
}

const refuse = (...fields: string[]): Expectation => ({ refuse: true, fields });
const absent: Expectation = { absent: true };
const admins: readonly Role[] = ['office_admin', 'sysadmin'];
const drafters: readonly Role[] = DRAFTER_ROLE_LIST;
const one = (label: string, input: unknown, expect: Expectation = refuse()): ((w: World) => Target[]) => () => [{ label, input, expect }];
const PASSWORD_PROOF = (w: World) => ({ kind: 'password' as const, password: w.password });
const NEW_PASSWORD = 'harbour-lantern-43-new';
/** a timeline cursor before which every line lies */
const EVERY_LINE = Buffer.from(JSON.stringify(['2100-01-01T00:00', '999999999999'])).toString('base64url');

const incidentFields = (w: World, leadUnitId: string) => ({
	title: `${MARK}改写`,
	category: 'accident' as const,
	occurredAt: fromNow(-25),
	location: '',
	leadUnitId,
	description: ''
});
const conferenceFields = (incidentId: string | null, unitId: string | null = null) => ({
	kind: 'press_conference' as const,
	title: `${MARK}改写发布会`,
	incidentId,
	unitId,
	plannedAt: fromNow(200),
	place: ''
});
const unitFields = (w: World, over: Record<string, unknown>) => ({
	name: w.units.deptB.name,
	parentId: w.units.government.id,
	kind: 'department',
	isKeyDepartment: false,
	principalId: null,
	leaderInChargeId: null,
	...over
});
const personFields = (p: { name: string; username?: string | null; unitId: string; roles: Role[] }, over: Record<string, unknown> = {}) => ({
	name: p.name,
	username: p.username ?? null,
	phone: null,
	unitId: p.unitId,
	roles: p.roles,
	...over
});
const docContent = { title: `${MARK}改写`, disclosure: 'proactive' as const };
const opinionCapture = (unitId: string, over: Record<string, unknown> = {}) => ({
	clientKey: randomUUID(),
	source: 'weibo' as const,
	summary: `${MARK}网传`,
	firstSeenAt: fromNow(-10),
	type: 'rumour' as const,
	unitId,
	...over
});
const release = (w: World) => w.b.release.id;
const releaseRef = (w: World) => ({ id: w.b.release.id, requestId: w.b.releaseRequest.id });
const releaseRefFromA = (w: World) => ({ id: w.a.release.id, requestId: w.b.releaseRequest.id });
const documentRef = (w: World) => ({ id: w.b.document.id, requestId: w.b.documentRequest.id });
const documentRefFromA = (w: World) => ({ id: w.a.document.id, requestId: w.b.documentRequest.id });
/** B's request, of B's release and of B's document, and each named under A's thing of the same kind. */
const signoffTargets = (w: World, extra: Record<string, unknown>): Target[] => [
	{ label: "B's release request", input: { kind: 'release', ...releaseRef(w), ...extra }, expect: refuse() },
	{ pairing: true, label: "B's request under A's release", input: { kind: 'release', ...releaseRefFromA(w), ...extra }, expect: refuse() },
	{ label: "B's document request", input: { kind: 'document', ...documentRef(w), ...extra }, expect: refuse() },
	{ pairing: true, label: "B's request under A's document", input: { kind: 'document', ...documentRefFromA(w), ...extra }, expect: refuse() }
];
const ladder = [{ anchor: 'start', offsetMinutes: 0, tiers: ['lead_unit_press'], urgency: 'normal', ackWithinMinutes: null }];

export const procedures: Record<string, Entry> = {
	me: { gate: 'authed', targets: one('who am I', undefined, absent) },

	'unit.list': { gate: 'authed', targets: one('every unit, inactive too', { includeInactive: true }, absent) },
	'unit.byId': { gate: 'authed', targets: (w) => [{ label: "B's unit", input: { id: w.units.deptB.id }, expect: refuse() }] },
	'unit.create': {
		gate: admins,
		targets: (w) => [{ label: 'a unit under B', input: unitFields(w, { name: `${MARK}下属中心`, parentId: w.units.deptB.id }), expect: refuse('parentId') }],
		extra: (w) => [
			{ persona: 'deptAdmin', label: 'an office under its own department', input: unitFields(w, { name: '应急局新闻办', parentId: w.units.deptA.id, kind: 'office' }), expect: refuse('kind') },
			{ persona: 'deptAdmin', label: 'a unit beside its own, under the government', input: unitFields(w, { name: '应急局平行单位', parentId: w.units.government.id }), expect: refuse('parentId') },
			{ persona: 'deptAdmin', label: 'a new root', input: unitFields(w, { name: '另起炉灶', parentId: null, kind: 'government' }), expect: refuse('parentId') }
		]
	},
	'unit.update': {
		gate: admins,
		targets: (w) => [{ label: "B's unit", input: { id: w.units.deptB.id, ...unitFields(w, { name: `${MARK}改名` }) }, expect: refuse() }],
		extra: (w) => {
			const own = (over: Record<string, unknown>) => ({ id: w.units.deptA.id, ...unitFields(w, { name: w.units.deptA.name, ...over }) });
			const sub = (over: Record<string, unknown>) => ({ id: w.units.subA.id, ...unitFields(w, { name: w.units.subA.name, parentId: w.units.deptA.id, ...over }) });
			const district = (over: Record<string, unknown>) => ({
				id: w.units.districtOffice.id,
				...unitFields(w, { name: w.units.districtOffice.name, parentId: w.units.district.id, kind: 'office', ...over })
			});
			return [
				{ persona: 'deptAdmin', label: "its own unit's kind to 'office'", input: own({ kind: 'office' }), expect: refuse('kind') },
				{ persona: 'deptAdmin', label: 'its own unit moved under B', input: own({ parentId: w.units.deptB.id }), expect: refuse('parentId') },
				{ persona: 'deptAdmin', label: 'its own unit moved under the district', input: own({ parentId: w.units.district.id }), expect: refuse('parentId') },
				{ persona: 'deptAdmin', label: 'its own unit made a root', input: own({ parentId: null, kind: 'government' }), expect: refuse('parentId', 'kind') },
				{ persona: 'deptAdmin', label: 'a unit of its own made an office', input: sub({ kind: 'office' }), expect: refuse('kind') },
				{ persona: 'deptAdmin', label: 'a unit of its own moved under B', input: sub({ parentId: w.units.deptB.id }), expect: refuse('parentId') },
				{ persona: 'districtAdmin', label: 'its own office moved under the city government', input: district({ parentId: w.units.government.id }), expect: refuse('parentId') },
				{ persona: 'districtAdmin', label: 'its district government made an office', input: { id: w.units.district.id, ...unitFields(w, { name: w.units.district.name, kind: 'office' }) }, expect: refuse('kind', 'parentId') }
			];
		}
	},
	'unit.phones': {
		gate: 'authed',
		targets: (w) => [{ label: "B's people", input: { personIds: [w.people.staffB.id, w.people.leaderB.id, w.people.spokesB.id, w.people.dutyB.id] }, expect: absent }]
	},
	'unit.setActive': { gate: admins, targets: (w) => [{ label: "B's unit", input: { id: w.units.deptB.id, active: false }, expect: refuse() }] },

	'person.list': {
		gate: 'authed',
		targets: (w) => [
			{ label: 'everyone in reach', input: { unitId: null, limit: 100 }, expect: absent },
			{ label: "B's people", input: { unitId: w.units.deptB.id, limit: 100 }, expect: absent },
			{ label: "B's people by name", input: { q: MARK, limit: 100 }, expect: absent },
			{ label: "B's leaders and spokespersons by role", input: { role: 'leader', active: true, limit: 100 }, expect: absent }
		]
	},
	'person.byId': { gate: 'authed', targets: (w) => [{ label: "B's press officer", input: { id: w.people.staffB.id }, expect: refuse() }] },
	'person.create': {
		gate: admins,
		targets: (w) => [
			{ label: 'a person in B', input: { ...personFields({ name: `${MARK}新人`, username: 'yijimi-new', unitId: w.units.deptB.id, roles: ['leader'] }), password: NEW_PASSWORD }, expect: refuse('unitId') }
		],
		extra: (w) => [
			{ persona: 'deptAdmin', label: 'a sysadmin in its own department', input: { ...personFields({ name: '甲超管', username: 'a-root', unitId: w.units.deptA.id, roles: ['sysadmin'] }), password: NEW_PASSWORD }, expect: refuse('roles') },
			{ persona: 'deptAdmin', label: 'an office admin in the top office', input: { ...personFields({ name: '甲市办', username: 'a-office', unitId: w.units.office.id, roles: ['office_admin'] }), password: NEW_PASSWORD }, expect: refuse('unitId') }
		]
	},
	'person.update': {
		gate: admins,
		targets: (w) => [
			{ label: "B's leader", input: { id: w.people.leaderB.id, ...personFields({ name: `${MARK}副主任`, username: 'leader-b', unitId: w.units.deptB.id, roles: ['leader', 'principal'] }) }, expect: refuse() },
			{ label: 'the top office admin', input: { id: w.people.topAdmin.id, ...personFields({ name: '改名', username: 'office-admin', unitId: w.units.office.id, roles: ['office_admin'] }) }, expect: refuse() }
		],
		extra: (w) => {
			const self = w.personas.deptAdmin.who!.user;
			return [
				{ persona: 'deptAdmin', label: 'itself moved into the top office', input: { id: self.id, ...personFields({ name: self.name, username: 'dept-admin-a', unitId: w.units.office.id, roles: self.roles }) }, expect: refuse('unitId') },
				{ persona: 'deptAdmin', label: 'itself made a sysadmin', input: { id: self.id, ...personFields({ name: self.name, username: 'dept-admin-a', unitId: w.units.deptA.id, roles: [...self.roles, 'sysadmin'] }) }, expect: refuse('roles') },
				{ persona: 'deptAdmin', label: 'a colleague moved into B', input: { id: w.personas.outsider.who!.user.id, ...personFields({ name: '甲全角色', username: 'outsider-a', unitId: w.units.deptB.id, roles: w.personas.outsider.roles }) }, expect: refuse('unitId') }
			];
		}
	},
	'person.setActive': { gate: admins, targets: (w) => [{ label: "B's press officer", input: { id: w.people.staffB.id, active: false }, expect: refuse() }] },
	'person.resetSecondFactor': {
		gate: admins,
		targets: (w) => [
			{ label: "B's leader", input: { id: w.people.leaderB.id }, expect: refuse() },
			{ label: 'the top office admin', input: { id: w.people.topAdmin.id }, expect: refuse() },
			{ label: 'the sysadmin', input: { id: w.people.sysadmin.id }, expect: refuse() }
		]
	},
	'person.resetPassword': {
		gate: admins,
		targets: (w) => [
			{ label: "B's leader", input: { id: w.people.leaderB.id, password: NEW_PASSWORD }, expect: refuse() },
			{ label: 'the top office admin', input: { id: w.people.topAdmin.id, password: NEW_PASSWORD }, expect: refuse() },
			{ label: 'the sysadmin', input: { id: w.people.sysadmin.id, password: NEW_PASSWORD }, expect: refuse() }
		]
	},
	'person.setOwnLocale': { gate: 'authed', targets: one('own language', { locale: 'en' }, { global: 'own account' }) },
	'person.changeOwnPassword': { gate: 'authed', targets: one('own password', { currentPassword: 'not-the-password', newPassword: NEW_PASSWORD }, { global: 'own account' }) },

	'settings.fallbackSeconds': { gate: 'authed', targets: one('the fallback window', undefined, { global: 'organisation-wide' }) },
	'settings.updateFallback': { gate: 'topOffice', targets: one('the fallback window', { fallbackSeconds: 900 }, { global: 'organisation-wide' }) },
	'settings.session': { gate: 'authed', targets: one('session lengths', undefined, { global: 'organisation-wide' }) },
	'settings.updateSession': { gate: 'topOffice', targets: one('session lengths', { idleHours: 72, absoluteDays: 90 }, { global: 'organisation-wide' }) },
	'audit.chain': { gate: 'topOffice', targets: one('the audit chain', undefined, { global: 'organisation-wide' }) },
	'audit.verify': { gate: 'topOffice', targets: one('the audit chain', undefined, { global: 'organisation-wide' }) },
	'audit.records': { gate: 'topOffice', targets: one('the audit log', {}, { global: 'organisation-wide' }) },
	'session.mine': { gate: 'authed', targets: one('own sign-ins', undefined, { global: 'own account' }) },
	'session.end': { gate: 'authed', targets: (w) => [{ label: "B's leader's sign-in", input: { handle: w.b.session }, expect: { noop: true } }] },
	'session.endOthers': { gate: 'authed', targets: one('own other sign-ins', undefined, { global: 'own account' }) },
	'session.stepUpOptions': { gate: 'authed', targets: one('own step-up challenge', undefined, { global: 'own account' }) },
	'session.stepUp': { gate: 'authed', targets: one('own password again', { proof: { kind: 'password', password: 'not-the-password' } }, { global: 'own account' }) },

	'incident.create': {
		gate: 'authed',
		targets: (w) => [{ label: 'led by B', input: { clientKey: randomUUID(), level: 2, ...incidentFields(w, w.units.deptB.id) }, expect: refuse('leadUnitId') }]
	},
	'incident.byId': {
		gate: 'authed',
		targets: (w) => [
			{ label: "B's incident", input: { id: w.b.incident.id }, expect: refuse() },
			{ label: "B's breached incident", input: { id: w.b.lateIncident.id }, expect: refuse() }
		]
	},
	'incident.list': {
		gate: 'authed',
		targets: (w) => [
			{ label: 'all statuses', input: { status: null, limit: 100 }, expect: absent },
			{ label: "B's unit", input: { unitId: w.units.deptB.id, limit: 100 }, expect: absent }
		]
	},
	'incident.update': {
		gate: 'authed',
		targets: (w) => [
			{ label: "B's incident", input: { id: w.b.incident.id, ...incidentFields(w, w.units.deptB.id) }, expect: refuse() },
			{ label: "A's incident handed to B", input: { id: w.a.incident.id, ...incidentFields(w, w.units.deptB.id), title: '应急局仓库火情' }, expect: refuse('leadUnitId') }
		]
	},
	'incident.setLevel': { gate: 'authed', targets: (w) => [{ label: "B's incident", input: { id: w.b.incident.id, level: 4, reason: '降级' }, expect: refuse() }] },
	'incident.merge': {
		gate: 'authed',
		targets: (w) => [
			{ label: "B's into A's", input: { id: w.b.incident.id, intoId: w.a.incident.id }, expect: refuse() },
			{ label: "A's into B's", input: { id: w.a.incident.id, intoId: w.b.incident.id }, expect: refuse('intoId') }
		]
	},
	'incident.close': { gate: 'authed', targets: (w) => [{ label: "B's incident", input: { id: w.b.incident.id, note: '误报' }, expect: refuse() }] },

	'conference.create': {
		gate: CONFERENCE_ROLES,
		targets: (w) => [
			{ label: "about B's incident", input: conferenceFields(w.b.incident.id), expect: refuse('incidentId') },
			{ label: "in B's name", input: conferenceFields(null, w.units.deptB.id), expect: refuse('unitId') },
			{ label: "with B's spokesperson speaking", input: { ...conferenceFields(null), speakerIds: [w.people.spokesB.id] }, expect: refuse('speakerIds') }
		]
	},
	'conference.update': {
		gate: CONFERENCE_ROLES,
		targets: (w) => [
			{ label: "B's conference", input: { id: w.b.conference.id, ...conferenceFields(w.b.incident.id) }, expect: refuse() },
			{ label: "A's conference about B's incident", input: { id: w.a.conference.id, ...conferenceFields(w.b.incident.id) }, expect: refuse('incidentId') }
		]
	},
	'conference.markHeld': { gate: CONFERENCE_ROLES, targets: (w) => [{ label: "B's conference", input: { id: w.b.conference.id, heldAt: fromNow(0) }, expect: refuse() }] },
	'conference.postpone': { gate: CONFERENCE_ROLES, targets: (w) => [{ label: "B's conference", input: { id: w.b.conference.id, plannedAt: fromNow(600), reason: '改期' }, expect: refuse() }] },
	'conference.cancel': { gate: CONFERENCE_ROLES, targets: (w) => [{ label: "B's conference", input: { id: w.b.conference.id, reason: '取消' }, expect: refuse() }] },
	'conference.byId': {
		gate: 'authed',
		targets: (w) => [
			{ label: "B's conference", input: { id: w.b.conference.id }, expect: refuse() },
			// The conference is A's; its incident is B's: the incident shows as "not visible", not even its id.
			{ label: "A's conference about B's incident", input: { id: w.conferenceX.id }, expect: absent }
		]
	},
	'conference.list': { gate: 'authed', targets: one('upcoming and every past one', { limit: 100, recentDays: null }, absent) },
	'conference.spokespersons': {
		gate: 'authed',
		targets: (w) => [
			{ label: 'every unit in reach', input: { unitId: null }, expect: absent },
			{ label: "B's spokespersons", input: { unitId: w.units.deptB.id }, expect: absent }
		]
	},
	'conference.setPublicPhone': {
		gate: 'office',
		targets: (w) => [{ label: "B's spokesperson", input: { personId: w.people.spokesB.id, publicPhone: '0710-1234567' }, expect: refuse() }]
	},

	'expert.list': { gate: 'authed', targets: one('the experts', { includeInactive: true }, { global: 'one list for the organisation' }) },
	'expert.create': { gate: 'office', targets: one('an expert', { name: '新专家', field: '法律' }, { global: 'one list for the organisation' }) },
	'expert.update': { gate: 'office', targets: (w) => [{ label: 'an expert', input: { id: w.expert.id, name: '改名', field: '法律' }, expect: { global: 'one list for the organisation' } }] },
	'expert.setActive': { gate: 'office', targets: (w) => [{ label: 'an expert', input: { id: w.expert.id, active: false }, expect: { global: 'one list for the organisation' } }] },

	'clock.mine': { gate: 'authed', targets: one('open clocks', { limit: 100 }, absent) },
	'clock.deliveries': {
		gate: 'authed',
		targets: (w) => [
			{ label: "B's clocks", input: { clockIds: [w.b.clock.id, w.secrets["B's 24-hour clock"], w.secrets["B's breached clock"]] }, expect: absent },
			{ label: "B's clocks, names not yet acknowledged", input: { clockIds: [w.b.clock.id, w.secrets["B's 24-hour clock"], w.secrets["B's breached clock"]], show: 'unacknowledged', limit: 100 }, expect: absent }
		]
	},
	// A cursor before every name reads a whole step: it must read none of B's.
	'clock.stepDeliveries': {
		gate: 'authed',
		targets: (w) =>
			(
				[
					["B's clock", w.b.clock.id],
					["B's 24-hour clock", w.secrets["B's 24-hour clock"]!],
					["B's breached clock", w.secrets["B's breached clock"]!]
				] as const
			).flatMap(([label, clockId]) => [
				{ label: `${label}, step 0`, input: { clockId, stepIndex: 0 }, expect: refuse() },
				{
					label: `${label}, step 0, failed only, after a cursor before every name`,
					input: { clockId, stepIndex: 0, show: 'failed', cursor: Buffer.from(JSON.stringify([0, '', '00000000-0000-0000-0000-000000000000', 'inbox'])).toString('base64url') },
					expect: refuse()
				}
			])
	},
	'clock.toAcknowledge': { gate: 'authed', targets: (w) => [{ label: "B's clock", input: { clockIds: [w.b.clock.id] }, expect: absent }] },
	'clock.acknowledge': {
		gate: 'authed',
		targets: (w) => [
			{ label: "B's clock, step 0", input: { clockId: w.b.clock.id, stepIndex: 0 }, expect: refuse() },
			{ label: "B's clock, any step", input: { clockId: w.b.clock.id }, expect: refuse() }
		]
	},

	'inbox.list': { gate: 'authed', targets: one('my notices', { limit: 200 }, absent) },
	'inbox.unreadCount': {
		gate: 'authed',
		targets: one('my unread count', undefined, {
			async check(result, p) {
				const { sql } = await import('../../src/lib/server/db.ts');
				const [row] = await sql<{ n: number }[]>`select count(*)::int as n from notifications where person_id = ${p.who!.user.id} and read_at is null and settled_at is null`;
				if (result !== row!.n) throw new Error(`unread count ${String(result)}, own notices ${row!.n}`);
			}
		})
	},
	'inbox.gaps': { gate: 'authed', targets: one('my open staffing alerts', undefined, absent) },
	'inbox.markRead': { gate: 'authed', targets: (w) => [{ label: "B's notices", input: { ids: w.b.notices }, expect: { noop: true } }] },

	'rule.list': { gate: 'office', targets: one('the rules', undefined, { global: 'rules apply to every unit' }) },
	'rule.active': { gate: 'authed', targets: one('the incident rules in force', { subject: 'incident' }, { global: 'rules apply to every unit' }) },
	'rule.update': {
		gate: 'topOffice',
		targets: (w) => [{ label: 'the 5-hour rule', input: { key: w.rule.key, name: '改写', durationValue: 48, active: false, ladder }, expect: { global: 'rules apply to every unit' } }]
	},

	'breach.list': {
		gate: 'office',
		targets: (w) => [
			{ label: 'missed deadlines', input: undefined, expect: absent },
			{ label: "B's missed deadlines", input: { unitId: w.units.deptB.id, from: '2000-01-01' }, expect: absent }
		]
	},
	'breach.addAction': { gate: 'office', targets: (w) => [{ label: "B's breach", input: { breachId: w.b.breachId, kind: 'summons', note: '约谈' }, expect: refuse() }] },

	// Walked by its own runner in the spec: a change in B, then a fence in the persona's reach.
	'live.changes': { gate: 'authed', targets: one("news of B's incident and B's inbox", undefined, absent) },

	'device.vapidPublicKey': { gate: 'authed', targets: one('the server key', undefined, { global: 'one key for the organisation' }) },
	'device.list': { gate: 'authed', targets: one('my devices', undefined, absent) },
	'device.register': {
		gate: 'authed',
		targets: one('a new phone of my own', { endpoint: 'https://push.example.com/send/new-phone', keys: { p256dh: 'BAbc', auth: 'abcd' }, name: '新手机' }, { global: 'own account' })
	},
	'device.rename': { gate: 'authed', targets: (w) => [{ label: "B's phone", input: { id: w.b.device.id, name: '改名' }, expect: refuse() }] },
	'device.test': { gate: 'authed', targets: (w) => [{ label: "B's phone", input: { id: w.b.device.id }, expect: refuse() }] },
	'device.remove': { gate: 'authed', targets: (w) => [{ label: "B's phone", input: { id: w.b.device.id }, expect: refuse() }] },

	'delivery.receipt': {
		gate: 'public',
		targets: (w) => [{ label: "B's delivery with a made-up token", input: { deliveryId: w.b.delivery.id, token: 'a'.repeat(32), event: 'opened' }, expect: refuse() }]
	},
	'delivery.acknowledge': {
		gate: 'authed',
		targets: (w) => [
			{ label: "B's delivery with its own token", input: { deliveryId: w.b.delivery.id, token: w.b.delivery.token }, expect: refuse() },
			{ label: "B's delivery with a made-up token", input: { deliveryId: w.b.delivery.id, token: 'b'.repeat(32) }, expect: refuse() }
		]
	},

	'passkey.list': { gate: 'authed', targets: one('my passkeys', undefined, absent) },
	'passkey.registrationOptions': { gate: 'authed', targets: one('start registering my phone', undefined, { global: 'own account' }) },
	'passkey.register': {
		gate: 'authed',
		targets: (w) => [
			{
				label: "a passkey answered to B's registration",
				input: { challengeId: w.b.pendingRegistration.challengeId, name: '借用', response: w.phoneA.create(w.b.pendingRegistration.options, ORIGIN) },
				expect: refuse('response')
			}
		]
	},
	'passkey.remove': { gate: 'authed', targets: (w) => [{ label: "B's passkey", input: { id: w.b.passkey.id }, expect: refuse() }] },

	'release.create': {
		gate: drafters,
		targets: (w) => [
			{ label: "on B's incident", input: { kind: 'follow_up', incidentId: w.b.incident.id, title: `${MARK}`, body: '正文' }, expect: refuse('incidentId') },
			{ label: "in B's name", input: { kind: 'follow_up', unitId: w.units.deptB.id, title: `${MARK}`, body: '正文' }, expect: refuse('unitId') },
			{ label: "for B's conference", input: { kind: 'opening_statement', conferenceId: w.b.conference.id, title: `${MARK}`, body: '正文' }, expect: refuse('conferenceId') },
			{ label: "answering B's opinion item", input: { kind: 'clarification', opinionItemId: w.b.opinion.id, title: `${MARK}`, body: '正文' }, expect: refuse('opinionItemId') }
		]
	},
	'release.update': { gate: drafters, targets: (w) => [{ label: "B's release", input: { id: release(w), baseVersion: 1, title: `${MARK}改写`, body: '改写' }, expect: refuse() }] },
	'release.submit': { gate: drafters, targets: (w) => [{ label: "B's release", input: { id: release(w) }, expect: refuse() }] },
	'release.withdraw': { gate: drafters, targets: (w) => [{ label: "B's release", input: { id: release(w), reason: '撤回' }, expect: refuse() }] },
	'release.publish': {
		gate: drafters,
		targets: (w) => [{ label: "B's release", input: { id: release(w), publications: [{ channel: 'gov_website', url: null, publishedAt: fromNow(0) }] }, expect: refuse() }]
	},
	'release.byId': {
		gate: 'authed',
		targets: (w) => [
			{ label: "B's release", input: { id: release(w) }, expect: refuse() },
			// A's release about B's incident, conference and item: each only "not visible", not even its id.
			{ label: "A's release about B's incident, conference and item", input: { id: w.releaseX.id }, expect: absent }
		]
	},
	'release.signoffView': {
		gate: 'authed',
		targets: (w) => [
			{ label: "B's request", input: releaseRef(w), expect: refuse() },
			{ pairing: true, label: "B's request under A's release", input: releaseRefFromA(w), expect: refuse() }
		]
	},
	'release.list': {
		gate: 'authed',
		targets: (w) => [
			{ label: 'every release', input: { status: null, incidentId: null, conferenceId: null, q: '', cursor: null, limit: 100 }, expect: absent },
			{ label: "B's releases by words of their title", input: { q: MARK, limit: 100 }, expect: absent }
		]
	},

	// Sign-off, for each kind of thing signed: B's release and B's document, and B's request named under A's.
	'signoff.review': {
		gate: 'authed',
		targets: (w) => [
			{ label: "B's release", input: { kind: 'release', id: release(w), version: 1, decision: 'passed' }, expect: refuse() },
			{ label: "B's document", input: { kind: 'document', id: w.b.document.id, version: 1, versionHash: w.b.bundleHash, decision: 'passed' }, expect: refuse() }
		]
	},
	'signoff.stepUp': { gate: 'authed', targets: (w) => signoffTargets(w, {}) },
	'signoff.approve': {
		gate: 'authed',
		targets: (w) => [
			...signoffTargets(w, { versionHash: w.b.releaseRequest.versionHash, proof: PASSWORD_PROOF(w) }).filter((x) => (x.input as { kind: string }).kind === 'release'),
			...signoffTargets(w, { versionHash: w.b.documentRequest.versionHash, proof: PASSWORD_PROOF(w) }).filter((x) => (x.input as { kind: string }).kind === 'document')
		]
	},
	'signoff.reject': { gate: 'authed', targets: (w) => signoffTargets(w, { reason: '不同意' }) },
	'signoff.flag': { gate: 'authed', targets: (w) => signoffTargets(w, { note: '有疑问' }) },
	'signoff.renew': {
		gate: drafters,
		targets: (w) => [
			{ label: "B's release", input: { kind: 'release', id: release(w) }, expect: refuse() },
			{ label: "B's document", input: { kind: 'document', id: w.b.document.id }, expect: refuse() }
		]
	},
	'signoff.mine': { gate: 'authed', targets: one('requests awaiting me', undefined, absent) },
	'signoff.chain': { gate: 'authed', targets: (w) => [{ label: "B's review chain", input: { unitId: w.units.deptB.id }, expect: refuse() }] },
	'signoff.chains': { gate: 'office', targets: one("every chain in reach", undefined, absent) },
	'signoff.setChain': {
		gate: 'office',
		targets: (w) => [
			{
				label: "B's review chain",
				input: { unitId: w.units.deptB.id, confidentialityReviewerIds: [], countersignUnitIds: [w.units.deptA.id], signoffHours: 1 },
				expect: refuse()
			}
		]
	},

	'document.create': {
		gate: drafters,
		targets: (w) => [
			{ label: "in B's name", input: { ...docContent, unitId: w.units.deptB.id }, expect: refuse('unitId') },
			{ label: "drafted by B's press officer", input: { ...docContent, drafterId: w.people.staffB.id }, expect: refuse('drafterId') }
		]
	},
	'document.update': {
		gate: drafters,
		targets: (w) => [
			{ label: "B's document", input: { id: w.b.document.id, baseVersion: 1, ...docContent }, expect: refuse() },
			{ label: "B's withheld document A interprets", input: { id: w.b.withheld.id, baseVersion: 1, ...docContent }, expect: refuse() },
		]
	},
	'document.attachMaterial': {
		gate: drafters,
		targets: (w) => [
			{ label: "B's document", input: { id: w.b.document.id, kind: 'qa', title: `${MARK}问答`, body: '问答' }, expect: refuse() },
		]
	},
	'document.updateMaterial': {
		gate: drafters,
		targets: (w) => [
			{ label: "B's material", input: { id: w.b.document.id, materialId: w.b.material.id, baseVersion: 1, title: `${MARK}改写` }, expect: refuse() },
			{ pairing: true, label: "B's material under A's document", input: { id: w.a.document.id, materialId: w.b.material.id, baseVersion: 1, title: `${MARK}改写` }, expect: refuse('materialId') }
		]
	},
	'document.removeMaterial': {
		gate: drafters,
		targets: (w) => [
			{ label: "B's material", input: { id: w.b.document.id, materialId: w.b.material.id }, expect: refuse() },
			{ pairing: true, label: "B's material under A's document", input: { id: w.a.document.id, materialId: w.b.material.id }, expect: refuse('materialId') }
		]
	},
	'document.submit': { gate: drafters, targets: (w) => [{ label: "B's document", input: { id: w.b.document.id }, expect: refuse() }] },
	'document.publish': {
		gate: drafters,
		targets: (w) => [{ label: "B's document", input: { id: w.b.document.id, publishedAt: fromNow(0), url: null, withMaterials: true }, expect: refuse() }]
	},
	'document.publishMaterials': {
		gate: drafters,
		targets: (w) => [
			{ label: "B's material", input: { id: w.b.document.id, materialIds: [w.b.material.id], publishedAt: fromNow(0), url: null }, expect: refuse() },
			{ pairing: true, label: "B's material under A's document", input: { id: w.a.document.id, materialIds: [w.b.material.id], publishedAt: fromNow(0), url: null }, expect: refuse('materialIds', 'id') }
		]
	},
	'document.abolish': {
		gate: drafters,
		targets: (w) => [
			{ label: "B's document", input: { id: w.b.document.id, kind: 'abolished', at: fromNow(0), reason: '废止' }, expect: refuse() },
		]
	},
	'document.markEnded': {
		gate: drafters,
		targets: (w) => [
			{ label: "B's document", input: { id: w.b.document.id, markedAt: fromNow(0), url: null }, expect: refuse() },
		]
	},
	'document.byId': {
		gate: 'authed',
		targets: (w) => [
			{ label: "B's document", input: { id: w.b.document.id }, expect: refuse() },
			{ label: "B's withheld document A interprets", input: { id: w.b.withheld.id }, expect: refuse() }
		]
	},
	'document.signoffView': {
		gate: 'authed',
		targets: (w) => [
			{ label: "B's request", input: documentRef(w), expect: refuse() },
			{ pairing: true, label: "B's request under A's document", input: documentRefFromA(w), expect: refuse() },
			{ pairing: true, label: "B's request under B's public document A interprets", input: { id: w.b.laterPublic.id, requestId: w.b.documentRequest.id }, expect: refuse() }
		]
	},
	// B's public document that A interprets is A's to see, with B's unit and drafter on it.
	'document.list': {
		gate: 'authed',
		targets: (w) => [
			{ label: 'every document', input: { status: null, unitId: null, q: '', cursor: null, limit: 100 }, expect: { absent: true, allow: [w.units.deptB.id, w.people.staffB.id] } },
			{ label: "B's unit's documents", input: { unitId: w.units.deptB.id, limit: 100 }, expect: { absent: true, allow: [w.units.deptB.id, w.people.staffB.id] } },
			{ label: "B's documents by words of their title", input: { q: MARK, limit: 100 }, expect: { absent: true, allow: [w.units.deptB.id, w.people.staffB.id] } }
		]
	},

	'duty.roster': { gate: 'authed', targets: (w) => [{ label: "B's roster", input: { unitId: w.units.deptB.id, from: '2026-01-01', to: '2026-02-28' }, expect: refuse() }] },
	'duty.now': { gate: 'authed', targets: (w) => [{ label: "B's duty now", input: { unitId: w.units.deptB.id }, expect: refuse() }] },
	'duty.candidates': { gate: 'authed', targets: (w) => [{ label: "B's people for a shift", input: { unitId: w.units.deptB.id }, expect: refuse() }] },
	'duty.save': {
		gate: admins,
		targets: (w) => [
			{ label: 'a shift of B', input: { unitId: w.units.deptB.id, startsAt: fromNow(48 * 60), endsAt: fromNow(56 * 60), officerIds: [w.people.dutyB.id], leaderId: null, phone: null }, expect: refuse() },
			{ label: "B's shift, changed", input: { id: w.b.shift, unitId: w.units.deptB.id, startsAt: fromNow(-60), endsAt: fromNow(480), officerIds: [], leaderId: w.people.leaderB.id, phone: null }, expect: refuse() }
		],
		extra: (w) => [
			{ persona: 'deptAdmin', label: "B's duty officer on its own roster", input: { unitId: w.units.deptA.id, startsAt: fromNow(72 * 60), endsAt: fromNow(80 * 60), officerIds: [w.people.dutyB.id], leaderId: null, phone: null }, expect: refuse('officerIds') }
		]
	},
	'duty.import': { gate: admins, targets: (w) => [{ label: "B's roster from a sheet", input: { unitId: w.units.deptB.id, file: 'UEsDBA==' }, expect: refuse() }] },
	'duty.gaps': { gate: 'office', targets: one('rosters with gaps ahead', undefined, absent) },
	'duty.remove': { gate: admins, targets: (w) => [{ label: "B's shift", input: { id: w.b.shift }, expect: refuse() }] },
	'obligation.ofUnit': { gate: 'authed', targets: (w) => [{ label: "B's year", input: { unitId: w.units.deptB.id, year: null }, expect: refuse() }] },
	'obligation.shortfalls': { gate: 'office', targets: one('units that still owe', undefined, absent) },
	'obligation.remind': {
		gate: 'office',
		targets: (w) => [{ label: 'B about its conferences', input: { unitId: w.units.deptB.id, obligation: 'conferences' }, expect: refuse() }]
	},

	'opinion.create': {
		gate: 'authed',
		targets: (w) => [
			{ label: "in B's name", input: opinionCapture(w.units.deptB.id), expect: refuse('unitId') },
			// The district admin cannot name A either: its refusal may come on the unit first.
			{ label: "with B's screenshot", input: opinionCapture(w.units.deptA.id, { screenshotIds: [w.b.files.screenshot] }), expect: refuse('screenshotIds', 'unitId') }
		]
	},
	'opinion.assess': {
		gate: 'authed',
		targets: (w) => [
			{ label: "B's item", input: { id: w.b.opinion.id, heat: 'major', needsResponse: true }, expect: refuse() },
			{ label: "A's item under B's incident", input: { id: w.a.opinion.id, heat: 'major', needsResponse: true, incidentId: w.b.incident.id }, expect: refuse('incidentId') },
			{ label: "A's item placed in B", input: { id: w.a.opinion.id, heat: 'major', needsResponse: true, localityUnitIds: [w.units.deptB.id] }, expect: refuse('localityUnitIds') }
		]
	},
	'opinion.linkIncident': {
		gate: 'authed',
		targets: (w) => [
			{ label: "B's item to A's incident", input: { id: w.b.opinion.id, incidentId: w.a.incident.id }, expect: refuse() },
			{ label: "A's item to B's incident", input: { id: w.a.opinion.id, incidentId: w.b.incident.id }, expect: refuse('incidentId') }
		]
	},
	'opinion.linkConference': {
		gate: 'authed',
		targets: (w) => [
			{ label: "B's item to A's conference", input: { id: w.b.opinion.id, conferenceId: w.a.conference.id }, expect: refuse() },
			{ label: "A's item to B's conference", input: { id: w.a.opinion.id, conferenceId: w.b.conference.id }, expect: refuse('conferenceId') }
		]
	},
	'opinion.merge': {
		gate: 'authed',
		targets: (w) => [
			{ label: "B's into A's", input: { id: w.b.opinion.id, intoId: w.a.opinion.id }, expect: refuse() },
			{ label: "A's into B's", input: { id: w.a.opinion.id, intoId: w.b.opinion.id }, expect: refuse('intoId') }
		]
	},
	'opinion.consult': { gate: 'authed', targets: (w) => [{ label: "B's item", input: { id: w.b.opinion.id, note: '会商' }, expect: refuse() }] },
	'opinion.recordResponse': {
		gate: 'authed',
		targets: (w) => [{ label: "B's item", input: { id: w.b.opinion.id, kind: 'interview', outlet: '江城日报', at: fromNow(0) }, expect: refuse() }]
	},
	'opinion.evaluate': { gate: 'authed', targets: (w) => [{ label: "B's item", input: { id: w.b.opinion.id, attentionFell: true }, expect: refuse() }] },
	'opinion.byId': {
		gate: 'authed',
		targets: (w) => [
			{ label: "B's item", input: { id: w.b.opinion.id }, expect: refuse() },
			// A's item under B's incident: no title of it in the timeline or the cancelled clock's reason, none of its clocks,
			// not even its id.
			{ label: "A's item under B's incident", input: { id: w.opinionX.id }, expect: absent }
		]
	},
	// The board's next deadline of A's item under B's incident is not B's (B's deadlines are among the secrets).
	'opinion.list': {
		gate: 'authed',
		targets: (w) => [
			{ label: 'every item', input: { status: null, limit: 100 }, expect: absent },
			{ label: "B's items", input: { status: null, unitId: w.units.deptB.id }, expect: absent },
			{ label: "B's items by words of their summary", input: { status: null, q: MARK }, expect: absent }
		]
	},
	'opinion.awaitingCount': {
		gate: 'authed',
		targets: one('items awaiting assessment', undefined, {
			async check(result, p) {
				const { sql } = await import('../../src/lib/server/db.ts');
				const [row] = await sql<{ n: number }[]>`
					select count(*)::int as n from opinion_items
					where status = 'awaiting_assessment' and unit_id in (select unit_subtree(${p.who!.user.scopeUnitId}))`;
				if (result !== row!.n) throw new Error(`awaiting count ${String(result)}, in reach ${row!.n}`);
			}
		})
	},

	'channel.settings': { gate: 'office', targets: one('WeCom and DingTalk', undefined, absent) },
	'channel.updateSettings': {
		gate: 'topOffice',
		targets: one('WeCom', { channel: 'wecom', enabled: false, config: { corpId: 'ww-hijack', agentId: 1, secret: 'hijack' } }, { global: 'organisation-wide' })
	},
	'channel.mappings': { gate: admins, targets: one("people's WeCom and DingTalk ids", undefined, absent) },
	'channel.setMapping': {
		gate: admins,
		targets: (w) => [{ label: "B's press officer's WeCom id", input: { personId: w.people.staffB.id, channel: 'wecom', externalId: 'hijacked' }, expect: refuse() }]
	},
	'channel.myOrder': { gate: 'authed', targets: one('my channel order', undefined, absent) },
	'channel.setMyOrder': { gate: 'authed', targets: one('my channel order', { order: ['wecom', 'web_push'] }, { global: 'own account' }) },

	// A cursor from the far future reads every line of a subject: it must read none of B's.
	'timeline.older': {
		gate: 'authed',
		targets: (w) =>
			(
				[
					['incident', w.b.incident.id],
					['opinion_item', w.b.opinion.id],
					['release', w.b.release.id],
					['document', w.b.document.id],
					['conference', w.b.conference.id]
				] as const
			).map(([subject, id]) => ({ label: `B's ${subject}'s timeline`, input: { subject, id, cursor: EVERY_LINE }, expect: refuse() }))
	},

	'calendar.addWorkingDays': { gate: 'authed', targets: one('three working days on', { date: '2030-01-01', days: 3 }, { global: 'one calendar' }) },
	'calendar.years': { gate: 'authed', targets: one('the years entered', undefined, { global: 'one calendar' }) },
	'calendar.year': { gate: 'authed', targets: one('2030', { year: 2030 }, { global: 'one calendar' }) },
	'calendar.enterYear': {
		gate: 'topOffice',
		targets: one('2031', { year: 2031, source: '伪造', holidays: [{ name: '元旦', from: '2031-01-01', to: '2031-01-01' }], workdays: [] }, { global: 'one calendar' })
	}
};
