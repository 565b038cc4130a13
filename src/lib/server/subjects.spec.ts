import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { SUBJECT_TYPES, type SubjectType } from '../subjects.ts';
import { toIso } from '../time.ts';
import { sql } from './db.ts';
import { SUBJECT_TABLES, subjectTitle, unitOfSubject, visibleSubjects, type Reader } from './subjects.ts';
import { makeCity, signInAs } from './test-helpers.ts';

// One subject of every kind in the registry, all department B's, made through the real procedures. A kind added
// to the registry fails to compile here until it has a row, and then fails below until the server and the SQL
// `subject_title()` know it too.
let city: Awaited<ReturnType<typeof makeCity>>;
let made: Record<SubjectType, { id: string; title: string }>;

beforeAll(async () => {
	city = await makeCity();
	const b = (await signInAs('staff-b')).caller;
	const soon = (minutes: number) => toIso(new Date(Date.now() + minutes * 60_000));
	const incident = await b.incident.create({
		clientKey: randomUUID(),
		title: '卫健委辖区医院停电',
		category: 'accident',
		level: 3,
		occurredAt: soon(-20),
		location: '',
		leadUnitId: city.deptB.id,
		description: ''
	});
	const summary = `网传市第一人民医院停诊，${'患者无法就医'.repeat(12)}`;
	const item = await b.opinion.create({ clientKey: randomUUID(), source: 'weibo', summary, firstSeenAt: soon(-30), type: 'rumour', unitId: city.deptB.id });
	const release = await b.release.create({ kind: 'follow_up', incidentId: incident.id, title: '关于医院停电的情况通报', body: '已恢复供电' });
	const document = await b.document.create({
		title: '卫健委关于加强医院供电保障的通知',
		disclosure: 'proactive',
		body: '第一条',
		planInterpreter: '卫健委',
		planApproach: '问答',
		planChannels: ['政府网站'],
		planTiming: '同步'
	});
	const conference = await b.conference.create({ kind: 'briefing', title: '医院停电情况吹风会', plannedAt: soon(120), place: '卫健委' });
	made = {
		incident: { id: incident.id, title: '卫健委辖区医院停电' },
		// A summary is titled by its first 60 characters.
		opinion_item: { id: item.id, title: summary.slice(0, 60) },
		release: { id: release.id, title: '关于医院停电的情况通报' },
		document: { id: document.id, title: '卫健委关于加强医院供电保障的通知' },
		conference: { id: conference.id, title: '医院停电情况吹风会' }
	};
});

const subjectOf = (type: SubjectType) => ({ type, id: made[type].id });

describe('every kind of subject in the registry', () => {
	for (const type of SUBJECT_TYPES) {
		describe(type, () => {
			it('has its place on the server', () => {
				expect(SUBJECT_TABLES[type]).toBeDefined();
			});

			it('has a title, as subject_title() reads it in SQL', async () => {
				expect(await subjectTitle(sql, subjectOf(type))).toBe(made[type].title);
				const [row] = await sql<{ title: string }[]>`select subject_title(${type}, ${made[type].id}) as title`;
				expect(row!.title).toBe(made[type].title);
			});

			it('belongs to its unit, whose reach hears of its changes', async () => {
				expect(await unitOfSubject(sql, subjectOf(type))).toBe(city.deptB.id);
			});

			it('is seen within its unit\'s reach, and not from another department', async () => {
				const inB: Reader = { scope: city.deptB.id, personId: city.staffB.id };
				const office: Reader = { scope: city.government.id, personId: city.officeAdmin.id };
				const sysadmin: Reader = { scope: null, personId: city.sysadmin.id };
				const inA: Reader = { scope: city.deptA.id, personId: city.staffA.id };
				for (const reader of [inB, office, sysadmin]) expect((await visibleSubjects(sql, [subjectOf(type)], reader))(subjectOf(type))).toBe(true);
				expect((await visibleSubjects(sql, [subjectOf(type)], inA))(subjectOf(type))).toBe(false);
			});
		});
	}

	it('answers for all of them at once, and for none that is gone', async () => {
		const gone = { type: 'incident' as const, id: randomUUID() };
		const all = SUBJECT_TYPES.map(subjectOf);
		const canSee = await visibleSubjects(sql, [...all, gone], { scope: city.deptB.id, personId: city.staffB.id });
		expect(all.every(canSee)).toBe(true);
		expect(canSee(gone)).toBe(false);
		expect(await unitOfSubject(sql, gone)).toBeNull();
		expect(await subjectTitle(sql, gone)).toBeNull();
	});
});
