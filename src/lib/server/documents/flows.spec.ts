// Policy documents at injected times, against the working-day calendar seeded from the chinese-days package:
// publication alone starts the 3-working-day interpretation clock (counted across National Day and the Spring
// Festival with their adjusted working days), publishing with the materials meets it at once, the materials
// published later meet it or meet it late, an exempt document starts none, and abolition starts the
// 10-working-day marking clock that the marking meets.
import { beforeAll, describe, expect, it } from 'vitest';
import { runClock } from '../clocks/flows.ts';
import { clocksOf, type ClockRow } from '../clocks/queries.ts';
import { RULE } from '../clocks/rules.ts';
import { sql } from '../db.ts';
import { FieldError } from '../errors.ts';
import type { PersonRow } from '../people/queries.ts';
import { requestsOf } from '../signoff/queries.ts';
import { getDocumentUnscoped } from './queries.ts';
import { approveStep } from '../signoff/steps.ts';
import { makeProvince, TEST_ACTOR, TEST_PASSWORD } from '../test-helpers.ts';
import { timelineOf } from '../timeline/queries.ts';
import {
	attachMaterial,
	createDocument,
	endDocument,
	markEnded,
	publishDocument,
	publishMaterials,
	submitDocument,
	type CreateInput,
	type DocumentAuthor
} from './flows.ts';

let city: Awaited<ReturnType<typeof makeProvince>>;
beforeAll(async () => {
	city = await makeProvince();
});

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const cst = (local: string) => new Date(`${local}:00+08:00`);
const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);

function as(p: PersonRow, scope: string | null = p.unitId): DocumentAuthor {
	return { personId: p.id, name: p.name, roles: p.roles, scope, actor: { ...TEST_ACTOR, personId: p.id } };
}
const press = () => as(city.people.press);
// The vice-mayor, the bureau's named leader in charge, sits in the city government and reaches the bureau.
const viceMayor = () => as(city.people.viceMayor, city.government.id);

let serial = 0;
function draft(overrides: Partial<CreateInput> = {}): CreateInput {
	serial += 1;
	return {
		clientKey: null,
		unitId: null,
		interpretingUnitId: null,
		drafterId: null,
		title: `江城市关于加强安全生产工作的实施意见（${serial}）`,
		docNumber: `江应急发〔2026〕${serial}号`,
		body: '第一条 为加强安全生产工作……',
		disclosure: 'proactive',
		withheldReason: '',
		planInterpreter: '市应急管理局 周局长',
		planApproach: '图解、问答',
		planChannels: ['政府网站', '政务微博'],
		planTiming: '与文件同步发布',
		exemptionReason: '',
		fileIds: [],
		...overrides
	};
}

const textMaterial = (title: string) => ({ kind: 'qa' as const, expertId: null, interpreterId: null, title, body: `问：${title}？答：详见文件。`, fileIds: [] });

/**
 * Drafted an hour before `signedAt` with `materials` interpretation materials, submitted, and approved by the
 * leader in charge with a password at `signedAt`: the document as it stands then, and its materials.
 */
async function signed(signedAt: Date, materials = 1, overrides: Partial<CreateInput> = {}) {
	const start = plus(signedAt, -HOUR);
	const d = await createDocument(draft(overrides), press(), start);
	const attached = [];
	for (let i = 1; i <= materials; i++) attached.push(await attachMaterial(d.id, textMaterial(`政策问答${i}`), press(), plus(start, i * MINUTE)));
	await submitDocument(d.id, press(), plus(start, 10 * MINUTE));
	const [request] = (await requestsOf(sql, { kind: 'document', id: d.id })).filter((q) => q.status === 'open');
	const approved = await approveStep('document', d.id, { requestId: request!.id, versionHash: request!.versionHash, proof: { kind: 'password', password: TEST_PASSWORD } }, viceMayor(), signedAt);
	expect(approved.status).toBe('signed');
	return { document: (await getDocumentUnscoped(sql, d.id))!, materials: attached };
}

const clocksOfDocument = (id: string) => clocksOf(sql, { type: 'document', id });

async function onlyClock(documentId: string, ruleKey: string): Promise<ClockRow> {
	const clocks = (await clocksOfDocument(documentId)).filter((c) => c.ruleKey === ruleKey);
	expect(clocks).toHaveLength(1);
	return clocks[0]!;
}

async function fieldError(p: Promise<unknown>): Promise<FieldError> {
	const e = await p.then(
		() => null,
		(e: unknown) => e
	);
	expect(e).toBeInstanceOf(FieldError);
	return e as FieldError;
}

describe('publication alone starts the 3-working-day interpretation clock', () => {
	it('counts across National Day 2026 and its adjusted Saturday: published 30 September, due at the end of 10 October', async () => {
		// 1–7 October off; 8 and 9 October (Thursday, Friday) and Saturday 10 October (调休上班) are the three working days.
		const publishedAt = cst('2026-09-30T10:00');
		const { document: d, materials } = await signed(cst('2026-09-30T09:30'));
		const { document, clocks } = await publishDocument(d.id, { publishedAt, url: 'https://www.jiangcheng.gov.cn/zcwj/1.html', withMaterials: false }, press(), publishedAt);
		expect(document).toMatchObject({ status: 'published', publishedAt, publishedUrl: 'https://www.jiangcheng.gov.cn/zcwj/1.html' });
		expect(clocks).toEqual([{ id: expect.any(String), ruleName: '发布政策解读材料', status: 'running', dueAt: cst('2026-10-11T00:00') }]);

		const clock = await onlyClock(d.id, RULE.interpretation);
		expect(clock).toMatchObject({
			id: clocks[0]!.id,
			status: 'running',
			satisfiedBy: 'document.interpretation_published',
			unitId: city.deptA.id,
			startsAt: publishedAt,
			dueAt: cst('2026-10-11T00:00'),
			startedAt: publishedAt,
			satisfiedAt: null,
			calendarWarning: false
		});
		// The ladder is frozen onto the clock when it starts.
		expect(clock.ladder.length).toBeGreaterThan(0);
		expect((await clocksOfDocument(d.id)).map((c) => c.ruleKey)).toEqual([RULE.interpretation]);
		const [material] = await sql<{ publishedAt: Date | null }[]>`select published_at from materials where id = ${materials[0]!.id}`;
		expect(material!.publishedAt).toBeNull();
		const started = (await timelineOf(sql, { type: 'document', id: d.id })).filter((e) => e.kind === 'clock.started');
		expect(started).toMatchObject([{ at: publishedAt, data: { clockId: clock.id, rule: '发布政策解读材料' } }]);
	});

	it('counts across National Day 2025: published 30 September, due at 2025-10-12 00:00', async () => {
		// 1–8 October off; Thursday 9, Friday 10 and Saturday 11 October (调休上班) are the three working days.
		const publishedAt = cst('2025-09-30T10:00');
		const { document: d } = await signed(cst('2025-09-30T09:00'));
		const { clocks } = await publishDocument(d.id, { publishedAt, url: null, withMaterials: false }, press(), plus(publishedAt, 5 * MINUTE));
		expect(clocks.map((c) => c.dueAt)).toEqual([cst('2025-10-12T00:00')]);
		expect(await onlyClock(d.id, RULE.interpretation)).toMatchObject({ dueAt: cst('2025-10-12T00:00'), startsAt: publishedAt, calendarWarning: false });
	});

	it('counts the Saturday worked before the Spring Festival 2026 and skips the nine days off', async () => {
		// Friday 13 February; Saturday 14 February is worked, 15–23 February are off, then Tuesday 24 and Wednesday 25.
		const publishedAt = cst('2026-02-13T10:00');
		const { document: d } = await signed(cst('2026-02-13T09:00'));
		await publishDocument(d.id, { publishedAt, url: null, withMaterials: false }, press(), publishedAt);
		expect(await onlyClock(d.id, RULE.interpretation)).toMatchObject({ dueAt: cst('2026-02-26T00:00'), calendarWarning: false });
	});

	it('counts an ordinary week Monday to Friday: published on a Friday, due at the end of Wednesday', async () => {
		const publishedAt = cst('2026-11-06T17:30');
		const { document: d } = await signed(cst('2026-11-06T16:00'));
		await publishDocument(d.id, { publishedAt, url: null, withMaterials: false }, press(), publishedAt);
		expect(await onlyClock(d.id, RULE.interpretation)).toMatchObject({ dueAt: cst('2026-11-12T00:00'), calendarWarning: false });
	});

	it('says so when the deadline reaches a year the calendar does not know, counted Monday to Friday', async () => {
		// 2027 is not in the seeded data: 1 January 2027, a Friday, counts as a working day until the year is entered.
		const publishedAt = cst('2026-12-29T10:00');
		const { document: d } = await signed(cst('2026-12-29T09:00'));
		await publishDocument(d.id, { publishedAt, url: null, withMaterials: false }, press(), publishedAt);
		expect(await onlyClock(d.id, RULE.interpretation)).toMatchObject({ dueAt: cst('2027-01-02T00:00'), calendarWarning: true });
	});

	it('is met when the materials follow before the deadline, at their publication time', async () => {
		const publishedAt = cst('2026-09-30T10:00');
		const { document: d, materials } = await signed(cst('2026-09-30T09:30'));
		await publishDocument(d.id, { publishedAt, url: null, withMaterials: false }, press(), publishedAt);
		const clock = await onlyClock(d.id, RULE.interpretation);

		// Late on the adjusted Saturday, the last working day.
		const at = cst('2026-10-10T21:00');
		const { document, satisfied } = await publishMaterials(d.id, { materialIds: [materials[0]!.id], publishedAt: at, url: 'https://www.jiangcheng.gov.cn/zcjd/1.html' }, press(), at);
		expect(document.status).toBe('published');
		expect(satisfied).toEqual([{ id: clock.id, ruleName: '发布政策解读材料', status: 'satisfied' }]);
		expect(await onlyClock(d.id, RULE.interpretation)).toMatchObject({ status: 'satisfied', satisfiedAt: at, evidence: { documentId: d.id, title: d.title } });
		const [material] = await sql<{ publishedAt: Date; publishedUrl: string }[]>`select published_at, published_url from materials where id = ${materials[0]!.id}`;
		expect(material).toEqual({ publishedAt: at, publishedUrl: 'https://www.jiangcheng.gov.cn/zcjd/1.html' });
	});

	it('waits for the last material of the package, and is met late after the deadline passed and was breached', async () => {
		const publishedAt = cst('2026-09-30T10:00');
		const { document: d, materials } = await signed(cst('2026-09-30T09:30'), 2);
		await publishDocument(d.id, { publishedAt, url: null, withMaterials: false }, press(), publishedAt);
		const clock = await onlyClock(d.id, RULE.interpretation);

		// One of two out in time: the package is not out, the clock keeps running.
		const first = await publishMaterials(d.id, { materialIds: [materials[0]!.id], publishedAt: cst('2026-10-09T10:00'), url: null }, press(), cst('2026-10-09T10:00'));
		expect(first.satisfied).toEqual([]);
		expect((await onlyClock(d.id, RULE.interpretation)).status).toBe('running');

		// The deadline passes; the engine records the breach.
		await runClock(clock.id, cst('2026-10-11T00:05'));
		expect(await onlyClock(d.id, RULE.interpretation)).toMatchObject({ status: 'breached', breachedAt: cst('2026-10-11T00:00') });

		const at = cst('2026-10-12T09:00');
		const second = await publishMaterials(d.id, { materialIds: [materials[1]!.id], publishedAt: at, url: null }, press(), at);
		expect(second.satisfied).toEqual([{ id: clock.id, ruleName: '发布政策解读材料', status: 'satisfied_late' }]);
		expect(await onlyClock(d.id, RULE.interpretation)).toMatchObject({ status: 'satisfied_late', satisfiedAt: at });
		// The breach stays on record.
		expect(await sql`select 1 from breaches where clock_id = ${clock.id}`).toHaveLength(1);
	});

	it('is met late without a breach run too, when the materials come after the deadline', async () => {
		const publishedAt = cst('2025-09-30T10:00');
		const { document: d, materials } = await signed(cst('2025-09-30T09:30'));
		await publishDocument(d.id, { publishedAt, url: null, withMaterials: false }, press(), publishedAt);
		const at = cst('2025-10-12T00:01');
		const { satisfied } = await publishMaterials(d.id, { materialIds: materials.map((m) => m.id), publishedAt: at, url: null }, press(), at);
		expect(satisfied).toMatchObject([{ status: 'satisfied_late' }]);
		expect(await onlyClock(d.id, RULE.interpretation)).toMatchObject({ status: 'satisfied_late', satisfiedAt: at, dueAt: cst('2025-10-12T00:00') });
	});

	it('refuses materials dated before the document, or published twice', async () => {
		const publishedAt = cst('2026-09-30T10:00');
		const { document: d, materials } = await signed(cst('2026-09-30T09:30'));
		await publishDocument(d.id, { publishedAt, url: null, withMaterials: false }, press(), publishedAt);
		const early = await fieldError(publishMaterials(d.id, { materialIds: [materials[0]!.id], publishedAt: cst('2026-09-30T09:59'), url: null }, press(), publishedAt));
		expect(early.field).toBe('publishedAt');
		await publishMaterials(d.id, { materialIds: [materials[0]!.id], publishedAt, url: null }, press(), publishedAt);
		const again = await fieldError(publishMaterials(d.id, { materialIds: [materials[0]!.id], publishedAt, url: null }, press(), publishedAt));
		expect(again.field).toBe('materialIds');
	});
});

describe('publication with the materials', () => {
	it('starts the rule and meets it at once, at the publication time', async () => {
		const publishedAt = cst('2026-09-30T10:00');
		const { document: d, materials } = await signed(cst('2026-09-30T09:30'), 2);
		const { document, clocks } = await publishDocument(d.id, { publishedAt, url: 'https://www.jiangcheng.gov.cn/zcwj/2.html', withMaterials: true }, press(), plus(publishedAt, 2 * MINUTE));
		expect(document.status).toBe('published');
		expect(clocks).toHaveLength(1);
		expect(await onlyClock(d.id, RULE.interpretation)).toMatchObject({
			id: clocks[0]!.id,
			status: 'satisfied',
			startsAt: publishedAt,
			satisfiedAt: publishedAt,
			dueAt: cst('2026-10-11T00:00')
		});
		const out = await sql<{ id: string; publishedAt: Date; publishedUrl: string }[]>`
			select id, published_at, published_url from materials where document_id = ${d.id} order by created_at`;
		expect(out).toEqual(materials.map((m) => ({ id: m.id, publishedAt, publishedUrl: 'https://www.jiangcheng.gov.cn/zcwj/2.html' })));
		const kinds = (await timelineOf(sql, { type: 'document', id: d.id })).map((e) => e.kind);
		expect(kinds).toEqual(expect.arrayContaining(['document.published', 'clock.started', 'clock.satisfied']));
	});

	it('refuses a publication time in the future or before the sign-off, and publishes nothing', async () => {
		const { document: d } = await signed(cst('2026-09-30T09:30'));
		const future = await fieldError(publishDocument(d.id, { publishedAt: cst('2026-09-30T10:10'), url: null, withMaterials: true }, press(), cst('2026-09-30T10:00')));
		expect(future.field).toBe('publishedAt');
		const early = await fieldError(publishDocument(d.id, { publishedAt: cst('2026-09-30T09:00'), url: null, withMaterials: true }, press(), cst('2026-09-30T10:00')));
		expect(early.field).toBe('publishedAt');
		expect(early.message).toBe('「发布时间」不能早于签发时间');
		expect(await clocksOfDocument(d.id)).toEqual([]);
		const [row] = await sql<{ status: string }[]>`select status from documents where id = ${d.id}`;
		expect(row!.status).toBe('signed');
	});
});

describe('an exempt document', () => {
	it('passes the gate with its reason and starts no clock when published', async () => {
		const exempt = { planInterpreter: '', planApproach: '', planChannels: [], planTiming: '', exemptionReason: '仅涉及机关内部管理事项，不需要解读' };
		for (const withMaterials of [false, true]) {
			const publishedAt = cst('2026-09-30T10:00');
			const { document: d } = await signed(cst('2026-09-30T09:30'), 0, exempt);
			expect(d.exemptionReason).toBe(exempt.exemptionReason);
			const { document, clocks } = await publishDocument(d.id, { publishedAt, url: null, withMaterials }, press(), publishedAt);
			expect(document.status).toBe('published');
			expect(clocks).toEqual([]);
			expect(await clocksOfDocument(d.id)).toEqual([]);
		}
	});

	it('starts no clock either when it carries a material of its own accord', async () => {
		// The exemption is what is on record: a voluntary material does not put the document under the 3-day rule.
		const exempt = { planInterpreter: '', planApproach: '', planChannels: [], planTiming: '', exemptionReason: '仅涉及机关内部管理事项，不需要解读' };
		const publishedAt = cst('2026-09-30T10:00');
		const { document: d } = await signed(cst('2026-09-30T09:30'), 1, exempt);
		const { clocks } = await publishDocument(d.id, { publishedAt, url: null, withMaterials: false }, press(), publishedAt);
		expect(clocks).toEqual([]);
		expect(await clocksOfDocument(d.id)).toEqual([]);
	});
});

describe('abolition starts the 10-working-day marking clock', () => {
	async function published(at: Date) {
		const { document: d } = await signed(plus(at, -HOUR));
		await publishDocument(d.id, { publishedAt: plus(at, -30 * MINUTE), url: null, withMaterials: true }, press(), at);
		return d;
	}

	it('counts across National Day 2026, and the marking meets it', async () => {
		const d = await published(cst('2026-09-01T10:00'));
		// 8, 9, 10 (调休上班), 12–16 and 19–20 October are the ten working days.
		const at = cst('2026-09-30T10:00');
		const { document, clocks } = await endDocument(d.id, { kind: 'abolished', at, reason: '已被新的实施意见取代' }, press(), plus(at, MINUTE));
		expect(document).toMatchObject({ status: 'abolished', endedAt: at, statusReason: '已被新的实施意见取代', markedAt: null });
		expect(clocks).toEqual([{ id: expect.any(String), ruleName: '在网站标注废止或失效', status: 'running', dueAt: cst('2026-10-21T00:00') }]);
		const clock = await onlyClock(d.id, RULE.abolitionMarking);
		expect(clock).toMatchObject({ status: 'running', startsAt: at, dueAt: cst('2026-10-21T00:00'), unitId: city.deptA.id, satisfiedBy: 'document.abolition_marked', calendarWarning: false });

		const markedAt = cst('2026-10-20T16:00');
		const marked = await markEnded(d.id, { markedAt, url: 'https://www.jiangcheng.gov.cn/zcwj/fz/1.html' }, press(), markedAt);
		expect(marked.document).toMatchObject({ markedAt, markedUrl: 'https://www.jiangcheng.gov.cn/zcwj/fz/1.html' });
		expect(marked.satisfied).toEqual([{ id: clock.id, ruleName: '在网站标注废止或失效', status: 'satisfied' }]);
		expect(await onlyClock(d.id, RULE.abolitionMarking)).toMatchObject({ status: 'satisfied', satisfiedAt: markedAt });
		// The interpretation clock, met at publication, is untouched.
		expect((await onlyClock(d.id, RULE.interpretation)).status).toBe('satisfied');
	});

	it('counts two ordinary weeks, and is met late after them', async () => {
		const d = await published(cst('2026-10-20T10:00'));
		const at = cst('2026-11-02T09:00');
		const { clocks } = await endDocument(d.id, { kind: 'abolished', at, reason: '已废止' }, press(), at);
		expect(clocks.map((c) => c.dueAt)).toEqual([cst('2026-11-17T00:00')]);
		const markedAt = cst('2026-11-17T08:00');
		const { satisfied } = await markEnded(d.id, { markedAt, url: null }, press(), markedAt);
		expect(satisfied).toMatchObject([{ status: 'satisfied_late' }]);
	});

	it('starts for an expired document too, but not for an amended one', async () => {
		const expired = await published(cst('2026-09-01T10:00'));
		const e = await endDocument(expired.id, { kind: 'expired', at: cst('2026-11-02T09:00'), reason: '有效期届满' }, press(), cst('2026-11-02T09:00'));
		expect(e.document.status).toBe('expired');
		expect(e.clocks).toMatchObject([{ ruleName: '在网站标注废止或失效', dueAt: cst('2026-11-17T00:00') }]);

		const amended = await published(cst('2026-09-01T10:00'));
		const a = await endDocument(amended.id, { kind: 'amended', at: cst('2026-11-02T09:00'), reason: '已修订' }, press(), cst('2026-11-02T09:00'));
		expect(a.document.status).toBe('amended');
		expect(a.clocks).toEqual([]);
		expect((await clocksOfDocument(amended.id)).map((c) => c.ruleKey)).toEqual([RULE.interpretation]);
	});

	it('needs a reason and a published document, and marks only an ended one', async () => {
		const d = await published(cst('2026-09-01T10:00'));
		const noReason = await fieldError(endDocument(d.id, { kind: 'abolished', at: cst('2026-09-30T10:00'), reason: '  ' }, press(), cst('2026-09-30T10:00')));
		expect(noReason.field).toBe('reason');
		const notEnded = await fieldError(markEnded(d.id, { markedAt: cst('2026-09-30T10:00'), url: null }, press(), cst('2026-09-30T10:00')));
		expect(notEnded.message).toBe('只有已废止或已失效的文件需要在网站标注');
		const { document: draftOnly } = await signed(cst('2026-09-30T09:00'));
		const unpublished = await fieldError(endDocument(draftOnly.id, { kind: 'abolished', at: cst('2026-09-30T10:00'), reason: '废止' }, press(), cst('2026-09-30T10:00')));
		expect(unpublished.message).toBe('文件尚未发布');
		expect(await clocksOfDocument(draftOnly.id)).toEqual([]);
	});
});
