// The world the access suite walks: department B owns one of every kind of thing, made through the real
// flows; department A, a district office and the top office's non-admin staff are the people who try to
// reach it. Everything B owns that must never show outside B's reach is collected in `secrets`.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role } from '../../src/lib/roles.ts';
import { runClock, startClocks } from '../../src/lib/server/clocks/flows.ts';
import { sql } from '../../src/lib/server/db.ts';
import { storeFile } from '../../src/lib/server/files/flows.ts';
import { localStore } from '../../src/lib/server/files/store.ts';
import { issueDeliveryToken } from '../../src/lib/server/notify/tokens.ts';
import { SoftAuthenticator } from '../../src/lib/server/passkeys/test-authenticator.ts';
import {
	logMajorIncident,
	makeCity,
	makePerson,
	makeUnit,
	signInAs,
	TEST_PASSWORD,
	type SignedIn
} from '../../src/lib/server/test-helpers.ts';
import { toIso } from '../../src/lib/time.ts';
import { createCaller } from '../../src/lib/server/trpc/root.ts';
import { samplePdf, samplePng } from '../support/sample-files.ts';
import { sessionHandle } from '../../src/lib/server/auth/session.ts';

export const ORIGIN = 'https://huiying.example.gov.cn';
/** In every title and name B owns, so a leak shows up in any answer however it is shaped. */
export const MARK = '乙机密';
export const CHANNEL_SECRET = 'yijimi-channel-secret-0001';
export const WECOM_ID = 'yijimi-wecom-0001';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const fromNow = (minutes: number) => toIso(new Date(Date.now() + minutes * MINUTE));

export type Caller = ReturnType<typeof createCaller>;

export interface Persona {
	key: string;
	/** what the report says about who this is */
	label: string;
	/** null: nobody signed in */
	who: SignedIn | null;
	caller: Caller;
	roles: Role[];
	unitKind: 'office' | 'department' | 'government' | 'region' | null;
	/** an office admin of the office at the top of the tree */
	topOffice: boolean;
	/** B's things are inside this person's reach (the top office's staff): only their roles may stop them */
	reachesB: boolean;
}

async function persona(key: string, label: string, username: string): Promise<Persona> {
	const who = await signInAs(username);
	return {
		key,
		label,
		who,
		caller: createCaller({ user: who.user, session: who.session, actor: who.actor, origin: ORIGIN }),
		roles: who.user.roles,
		unitKind: who.user.unitKind,
		topOffice: who.user.roles.includes('office_admin') && who.user.unitKind === 'office' && who.user.scopeIsRoot,
		reachesB: false
	};
}

export const DEPT_ROLES: Role[] = ['duty', 'press_officer', 'spokesperson', 'leader', 'principal'];

export async function buildWorld() {
	// Each persona makes a few hundred refused writes within a minute, all from the test address: far past the
	// write limits (auth/write-limits.ts), which have their own spec. The operator's knobs lift them for this file.
	process.env.WRITE_LIMIT_PERSON = '100000';
	process.env.WRITE_LIMIT_ADDRESS = '100000';
	const dir = mkdtempSync(join(tmpdir(), 'huiying-security-'));
	const store = localStore(dir);
	const city = await makeCity();
	const { government, office, deptA, deptB } = city;
	const district = await makeUnit('江城区人民政府', government.id, 'government');
	const districtOffice = await makeUnit('江城区人民政府办公室', district.id, 'office');
	const subA = await makeUnit('江城市应急管理局指挥中心', deptA.id);

	// The people who try: A's staff with every department role, A's office admin (with them too), a lower office's admin,
	// and the top office's staff holding one non-admin role each (B is in their reach, so only the role can stop them).
	await Promise.all([
		makePerson(deptA.id, DEPT_ROLES, { username: 'outsider-a', name: '甲全角色' }),
		makePerson(deptA.id, ['office_admin', ...DEPT_ROLES], { username: 'dept-admin-a', name: '甲管理员' }),
		makePerson(districtOffice.id, ['office_admin'], { username: 'district-admin', name: '区办管理员' }),
		...DEPT_ROLES.map((r) => makePerson(office.id, [r], { username: `office-${r.replace('_', '-')}`, name: `市办${r}` }))
	]);
	// B's own people.
	const [leaderB, spokesB, dutyB] = await Promise.all([
		makePerson(deptB.id, ['leader'], { username: 'leader-b', name: `${MARK}副主任` }),
		makePerson(deptB.id, ['spokesperson'], { username: 'spokes-b', name: `${MARK}发言人` }),
		makePerson(deptB.id, ['duty'], { username: 'duty-b', name: `${MARK}值班` })
	]);

	const anonymous: Persona = {
		key: 'anonymous',
		label: 'nobody signed in',
		who: null,
		caller: createCaller({ user: null, session: null, actor: { personId: null, ip: '203.0.113.9', userAgent: 'vitest' }, origin: ORIGIN }),
		roles: [],
		unitKind: null,
		topOffice: false,
		reachesB: false
	};
	const outsider = await persona('outsider', "department A's staff with every department role", 'outsider-a');
	const deptAdmin = await persona('deptAdmin', "department A's office admin (with every department role)", 'dept-admin-a');
	const districtAdmin = await persona('districtAdmin', "a district government office's admin", 'district-admin');
	const rolePersonas: Persona[] = [];
	for (const r of DEPT_ROLES) {
		const p = await persona(`office:${r}`, `the top office's ${r} (no admin role)`, `office-${r.replace('_', '-')}`);
		rolePersonas.push({ ...p, reachesB: true });
	}
	const [staffB, leaderBIn, spokesBIn, topAdmin, sysadmin] = await Promise.all([
		signInAs('staff-b'),
		signInAs('leader-b'),
		signInAs('spokes-b'),
		signInAs('office-admin'),
		signInAs('root-admin')
	]);
	const api = (s: SignedIn) => createCaller({ user: s.user, session: s.session, actor: s.actor, origin: ORIGIN });
	const b = api(staffB);
	const top = api(topAdmin);

	// Files B uploads: the document's text, its material's graphic, a withheld text, an earlier withheld version's
	// text, and a screenshot of a sighting.
	const upload = (name: string, bytes: Uint8Array) => storeFile(bytes, name, { personId: staffB.user.id, actor: staffB.actor }, store);
	const [fileDoc, fileMaterial, fileWithheld, fileEarlier, fileShot] = await Promise.all([
		upload(`${MARK}正文.pdf`, samplePdf()),
		upload(`${MARK}图解.png`, samplePng()),
		upload(`${MARK}不予公开.pdf`, samplePdf(400)),
		upload(`${MARK}初稿不予公开.pdf`, samplePdf(800)),
		upload(`${MARK}截图.png`, samplePng())
	]);

	// An incident in B whose 5-hour clock has told B's press office (an inbox notice, a delivery with its token).
	const now = new Date();
	const major = await logMajorIncident(staffB.user, deptB.id, new Date(now.getTime() - 30 * MINUTE), now, `${MARK}化工厂泄漏`);
	const incidentB = major.incident;
	const clockB = major.fiveHour!;
	await runClock(clockB.id, clockB.startedAt);
	const [deliveryB] = await sql<{ id: string }[]>`
		select id::text from deliveries where clock_id = ${clockB.id} and recipient_id = ${staffB.user.id} order by id limit 1`;
	if (!deliveryB) throw new Error('the clock told nobody in B');
	const deliveryToken = await issueDeliveryToken(sql, deliveryB.id);
	const notices = await sql<{ id: string }[]>`select id from notifications where person_id = any(${[staffB.user.id, spokesB.id]}::uuid[])`;

	// A missed deadline in B.
	const late = await logMajorIncident(dutyB, deptB.id, new Date(now.getTime() - 10 * HOUR), new Date(now.getTime() - 10 * HOUR), `${MARK}超时事件`);
	await runClock(late.fiveHour!.id, new Date(late.fiveHour!.dueAt.getTime() + MINUTE));
	const [breach] = await sql<{ id: string }[]>`select id from breaches where clock_id = ${late.fiveHour!.id}`;
	if (!breach) throw new Error('no breach in B');

	// A public-opinion item in B, with a screenshot.
	const opinionB = await b.opinion.create({
		clientKey: randomUUID(),
		source: 'weibo',
		url: 'https://weibo.com/7001/yijimi',
		summary: `${MARK}网传医院停诊`,
		firstSeenAt: fromNow(-60),
		type: 'rumour',
		unitId: deptB.id,
		screenshotIds: [fileShot.id]
	});

	// A conference in B, and one of A's planned by the top office about B's incident (A may see it, not the incident).
	const conferenceB = await b.conference.create({ kind: 'press_conference', title: `${MARK}发布会`, incidentId: incidentB.id, plannedAt: fromNow(180), place: '卫健委' });
	const conferenceX = await top.conference.create({ kind: 'briefing', title: '应急局吹风会', incidentId: incidentB.id, unitId: deptA.id, plannedAt: fromNow(240) });

	// A release in B awaiting its leader's sign-off.
	const releaseB = await b.release.create({ kind: 'follow_up', incidentId: incidentB.id, title: `${MARK}情况通报`, body: `${MARK}正文` });
	await b.release.submit({ id: releaseB.id });
	const releaseBShown = await b.release.byId({ id: releaseB.id });
	const releaseRequest = releaseBShown.requests[0];
	if (!releaseRequest) throw new Error('no sign-off request for the release');

	// A document in B with a material and files, submitted for sign-off; a withheld one A interprets; and one
	// whose first version was withheld with a file, now public without it and interpreted by A.
	const plan = { planInterpreter: `${MARK}解读人`, planApproach: '问答', planChannels: ['政府网站'], planTiming: '同步' };
	const documentB = await b.document.create({ title: `${MARK}实施意见`, disclosure: 'proactive', body: `${MARK}第一条`, fileIds: [fileDoc.id], ...plan });
	const materialB = await b.document.attachMaterial({ id: documentB.id, kind: 'graphic', title: `${MARK}图解`, fileIds: [fileMaterial.id] });
	await b.document.submit({ id: documentB.id });
	const documentBShown = await b.document.byId({ id: documentB.id });
	const documentRequest = documentBShown.requests[0];
	if (!documentRequest) throw new Error('no sign-off request for the document');
	const withheld = await b.document.create({
		title: `${MARK}不予公开文件`,
		disclosure: 'withheld',
		withheldReason: '涉及国家秘密',
		interpretingUnitId: deptA.id,
		fileIds: [fileWithheld.id],
		...plan
	});
	const laterPublic = await b.document.create({
		title: '卫健委关于义诊活动的通知',
		disclosure: 'withheld',
		withheldReason: '初稿涉及个人信息',
		interpretingUnitId: deptA.id,
		fileIds: [fileEarlier.id]
	});
	await b.document.update({ id: laterPublic.id, baseVersion: 1, title: '卫健委关于义诊活动的通知', disclosure: 'proactive', fileIds: [] });
	// The withheld document's interpretation clock, run by A as its interpreting unit: A must meet the deadline
	// without seeing the document (its clock is written the one way clocks are, whatever started it).
	const [interpretation] = await sql.begin((tx) =>
		startClocks(tx, { type: 'document', id: withheld.id }, { unitId: deptA.id, anchors: { published: now } }, now, null)
	);
	if (!interpretation) throw new Error('no interpretation clock for the withheld document');

	// B's press officer's phone and passkey, and a registration B started.
	// Registered through the test push origin (nothing listens there: nobody gets to send to it).
	process.env.HUIYING_TEST_PUSH_ORIGIN = 'https://127.0.0.1:9';
	const device = await b.device.register({
		endpoint: 'https://127.0.0.1:9/push/yijimi-device',
		keys: { p256dh: 'BAbcdefghijklmnopqrstuvwxyz0123456789_-ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrs', auth: 'abcdefghijklmnopqrstuv' },
		name: `${MARK}手机`,
		platform: 'iOS'
	});
	const phoneB = new SoftAuthenticator();
	const started = await b.passkey.registrationOptions();
	const passkey = await b.passkey.register({ challengeId: started.challengeId, name: `${MARK}通行密钥`, response: phoneB.create(started.options, ORIGIN) });
	const pendingRegistration = await b.passkey.registrationOptions();

	// The top office's organisation-wide things: an expert, WeCom with a secret, B's WeCom id, a calendar year.
	const expert = await top.expert.create({ name: '陈教授', field: '公共卫生', organisation: '江城大学' });
	await top.channel.updateSettings({ channel: 'wecom', enabled: true, config: { corpId: 'ww-yijimi', agentId: 1000002, secret: CHANNEL_SECRET } });
	await top.channel.setMapping({ personId: staffB.user.id, channel: 'wecom', externalId: WECOM_ID });
	// B's duty roster: tonight's shift, with B's duty officer and leader on it
	const shiftB = await top.duty.save({
		unitId: deptB.id,
		startsAt: new Date(Date.now() - 3_600_000).toISOString(),
		endsAt: new Date(Date.now() + 8 * 3_600_000).toISOString(),
		officerIds: [dutyB.id],
		leaderId: leaderBIn.user.id,
		phone: '0571-8888 0000'
	});
	await api(sysadmin).calendar.enterYear({ year: 2030, source: '国务院办公厅通知', holidays: [{ name: '元旦', from: '2030-01-01', to: '2030-01-01' }], workdays: [] });
	const [rule] = await sql<{ key: string; name: string; durationValue: number; active: boolean; ladder: unknown[] }[]>`
		select key, name, duration_value, active, ladder from clock_rules where key = 'incident.authoritative_release'`;
	if (!rule) throw new Error('no rule incident.authoritative_release');

	// A's own things, for calls that point from A's thing at B's.
	const a = outsider.caller;
	const incidentA = await a.incident.create({
		clientKey: randomUUID(),
		title: '应急局仓库火情',
		category: 'accident',
		level: 3,
		occurredAt: fromNow(-20),
		location: '',
		leadUnitId: deptA.id,
		description: ''
	});
	const opinionA = await a.opinion.create({ clientKey: randomUUID(), source: 'wechat', summary: '网传应急局仓库起火', firstSeenAt: fromNow(-30), type: 'rumour', unitId: deptA.id });
	const conferenceA = await a.conference.create({ kind: 'briefing', title: '应急局例行吹风会', plannedAt: fromNow(300), place: '应急局' });
	const releaseA = await a.release.create({ kind: 'follow_up', incidentId: incidentA.id, title: '应急局火情通报', body: '火情已控制' });
	const documentA = await a.document.create({ title: '应急局关于仓库管理的通知', disclosure: 'proactive', body: '第一条', ...plan, planInterpreter: '应急局' });
	// An item of A's that the top office put under B's incident: its 48-hour clock gave way to the incident's,
	// with B's title in the reason and in the item's timeline.
	const opinionX = await top.opinion.create({ clientKey: randomUUID(), source: 'weibo', summary: '网传应急局转运伤员', firstSeenAt: fromNow(-40), type: 'rumour', unitId: deptA.id });
	await top.opinion.assess({ id: opinionX.id, heat: 'significant', needsResponse: true });
	await top.opinion.linkIncident({ id: opinionX.id, incidentId: incidentB.id });
	// A release of A's that the top office wrote answering B's item at B's conference on B's incident: A sees the
	// release, and of each of the three only that there is one.
	const releaseX = await top.release.create({
		kind: 'response',
		unitId: deptA.id,
		incidentId: incidentB.id,
		conferenceId: conferenceB.id,
		opinionItemId: opinionB.id,
		title: '应急局回应',
		body: '回应正文'
	});

	const secrets: Record<string, string> = {
		'the mark in B titles and names': MARK,
		'the WeCom secret': CHANNEL_SECRET,
		"B's WeCom id": WECOM_ID,
		"B's unit": deptB.id,
		"B's incident": incidentB.id,
		"B's breached incident": late.incident.id,
		"B's 5-hour clock": clockB.id,
		"B's 24-hour clock": major.dayLong!.id,
		"B's breached clock": late.fiveHour!.id,
		"B's 5-hour deadline": toIso(clockB.dueAt),
		"B's 24-hour deadline": toIso(major.dayLong!.dueAt),
		"B's breach": breach.id,
		...Object.fromEntries(notices.map((n, i) => [`B's notice ${i + 1}`, n.id])),
		"B's opinion item": opinionB.id,
		"B's conference": conferenceB.id,
		"B's release": releaseB.id,
		"B's release sign-off request": releaseRequest.id,
		"B's document": documentB.id,
		"B's material": materialB.id,
		"B's document sign-off request": documentRequest.id,
		"B's withheld document": withheld.id,
		"B's phone": device.id,
		"B's phone's endpoint": device.endpoint,
		"B's passkey": passkey.id,
		"B's press officer": staffB.user.id,
		"B's leader": leaderB.id,
		"B's spokesperson": spokesB.id,
		"B's duty officer": dutyB.id,
		"B's document file": fileDoc.id,
		"B's material file": fileMaterial.id,
		"B's withheld file": fileWithheld.id,
		"B's earlier withheld file": fileEarlier.id,
		"B's screenshot": fileShot.id
	};

	return {
		/** where the uploaded bytes are kept, removed after the file */
		dir,
		city,
		units: { government, office, deptA, deptB, district, districtOffice, subA },
		personas: { anonymous, outsider, deptAdmin, districtAdmin, rolePersonas },
		people: { staffB: staffB.user, leaderB: leaderBIn.user, spokesB: spokesBIn.user, dutyB, topAdmin: topAdmin.user, sysadmin: sysadmin.user },
		phoneA: new SoftAuthenticator(),
		b: {
			incident: incidentB,
			lateIncident: late.incident,
			clock: clockB,
			breachId: breach.id,
			delivery: { id: deliveryB.id, token: deliveryToken },
			notices: notices.map((n) => n.id),
			opinion: opinionB,
			conference: conferenceB,
			release: releaseB,
			releaseRequest,
			document: documentB,
			material: materialB,
			documentRequest,
			bundleHash: documentBShown.bundleHash,
			withheld,
			laterPublic,
			device,
			passkey,
			/** B's leader's sign-in, as 登录设备 names it */
			session: sessionHandle(leaderBIn.session.id),
			pendingRegistration,
			shift: shiftB.id,
			files: { doc: fileDoc.id, material: fileMaterial.id, withheld: fileWithheld.id, earlier: fileEarlier.id, screenshot: fileShot.id }
		},
		a: { incident: incidentA, opinion: opinionA, conference: conferenceA, release: releaseA, document: documentA },
		conferenceX,
		opinionX,
		releaseX,
		interpretation,
		sysadminCaller: api(sysadmin),
		bCaller: b,
		expert,
		rule,
		secrets,
		password: TEST_PASSWORD
	};
}

export type World = Awaited<ReturnType<typeof buildWorld>>;
