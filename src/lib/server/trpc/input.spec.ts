// What a person or a client can type, and what must never break a screen: dates far outside any real
// incident, control characters, and a request body that is not JSON. Each is refused as the browser sees
// it (a 4xx naming the field in Chinese), nothing is stored half-way, and the lists stay readable.
import { randomUUID } from 'node:crypto';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { beforeAll, describe, expect, it } from 'vitest';
import { toIso } from '../../time.ts';
import { sql } from '../db.ts';
import { signIn } from '../auth/flows.ts';
import { makeProvince, postAs, signInAs, TEST_ACTOR, type HttpErrorBody, type SignedIn } from '../test-helpers.ts';
import type { Context } from './context.ts';
import { appRouter } from './root.ts';

let city: Awaited<ReturnType<typeof makeProvince>>;
let duty: SignedIn, press: SignedIn, officeAdmin: SignedIn;
beforeAll(async () => {
	city = await makeProvince();
	[duty, press, officeAdmin] = await Promise.all([signInAs('duty-a'), signInAs('press-a'), signInAs('office-admin')]);
});

const ago = (minutes: number) => toIso(new Date(Date.now() - minutes * 60_000));
const count = async (table: string) => (await sql<{ n: number }[]>`select count(*)::int as n from ${sql(table)}`)[0]!.n;

const report = (overrides: Record<string, unknown> = {}) => ({
	clientKey: randomUUID(),
	title: '江城化工园区储罐爆炸',
	category: 'accident' as const,
	level: 2,
	occurredAt: ago(20),
	location: '江城化工园区',
	leadUnitId: city.deptA.id,
	description: '现场有浓烟',
	...overrides
});

/** A request body exactly as sent, JSON or not. */
async function postRaw(s: SignedIn, path: string, body: string) {
	const ctx: Context = { user: s.user, session: s.session, actor: s.actor };
	const req = new Request(`https://huiying.example.gov.cn/api/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
	const res = await fetchRequestHandler({ endpoint: '/api/trpc', req, router: appRouter, createContext: () => ctx });
	return { status: res.status, body: (await res.json()) as HttpErrorBody };
}

describe('dates outside any real incident', () => {
	it.each([
		['deviceRecordedAt', '1900-01-01T00:00:00Z', {}],
		['occurredAt', '1000-01-01T00:00:00Z', { confirmOld: true }],
		['occurredAt', '0000-01-01T00:00:00Z', { confirmOld: true }],
		['occurredAt', '1999-12-31T23:59:59+08:00', { confirmOld: true }],
		['deviceRecordedAt', '9999-12-31T23:59:59Z', {}]
	])('refuses incident %s %s as a field error, and stores nothing', async (field, value, extra) => {
		const before = await count('incidents');
		const { status, body } = await postAs(duty, 'incident.create', report({ [field]: value, ...extra }));
		expect(status).toBe(400);
		expect(body.error.data.fieldErrors[field]).toMatch(/^「(发生时间|设备记录时间)」/);
		expect(await count('incidents')).toBe(before);
	});

	it('accepts an old incident from this century once confirmed', async () => {
		const { status } = await postAs(duty, 'incident.create', report({ occurredAt: '2001-06-01T08:00:00+08:00', confirmOld: true }));
		expect(status).toBe(200);
	});

	it('refuses an ancient first sighting, and a conference planned in 1900 or in 2100', async () => {
		const items = await count('opinion_items');
		const opinion = await postAs(press, 'opinion.create', {
			clientKey: randomUUID(),
			source: 'weibo',
			summary: '网传江城大桥封闭',
			firstSeenAt: '0001-01-01T00:00:00Z',
			type: 'rumour',
			unitId: city.deptA.id
		});
		expect(opinion.status).toBe(400);
		expect(opinion.body.error.data.fieldErrors.firstSeenAt).toMatch(/^「首次发现时间」/);
		expect(await count('opinion_items')).toBe(items);

		const conferences = await count('conferences');
		for (const plannedAt of ['1900-01-01T00:00:00Z', '2100-01-01T00:00:00Z']) {
			const c = await postAs(officeAdmin, 'conference.create', { kind: 'press_conference', title: '新闻发布会', unitId: city.deptA.id, plannedAt });
			expect(c.status).toBe(400);
			expect(c.body.error.data.fieldErrors.plannedAt).toMatch(/^「(计划时间|召开时间)」/);
		}
		expect(await count('conferences')).toBe(conferences);
	});

	it('keeps the lists readable whatever time is on record', async () => {
		const created = await duty.caller.incident.create(report());
		// A row written before the bounds existed: reading it back must not depend on the session's time zone.
		await sql`update incidents set occurred_at = '1900-01-01T00:00:00Z', device_recorded_at = '1000-01-01T00:00:00Z' where id = ${created.id}`;
		// Every page, through the cursors: the row's time is in one of them.
		const list = [];
		let cursor: string | null = null;
		do {
			const page: Awaited<ReturnType<typeof duty.caller.incident.list>> = await duty.caller.incident.list({ cursor, limit: 100 });
			list.push(...page.items);
			cursor = page.nextCursor;
		} while (cursor && list.length < 10_000);
		expect(list.find((i) => i.id === created.id)?.occurredAt).toMatch(/^1900-01-01T08:/);
		await expect(duty.caller.incident.byId({ id: created.id })).resolves.toMatchObject({ id: created.id });
	});
});

describe('control characters in free text', () => {
	it.each([
		['title', '爆炸\u0000'],
		['location', '化工园区\u0000'],
		['description', '浓烟\u0000'],
		['title', '爆炸\u0007'],
		['title', '爆炸\u001b[31m']
	])('refuses incident %s with %j as a field error', async (field, value) => {
		const before = await count('incidents');
		const { status, body } = await postAs(duty, 'incident.create', report({ [field]: value }));
		expect(status).toBe(400);
		expect(body.error.data.fieldErrors[field]).toMatch(/^「[^」]+」.*控制字符/);
		expect(await count('incidents')).toBe(before);
	});

	it('keeps line breaks and tabs in a description', async () => {
		const { status } = await postAs(duty, 'incident.create', report({ description: '第一行\n\t第二行\r\n第三行' }));
		expect(status).toBe(200);
	});

	it('refuses a NUL in an opinion summary, a unit name and a person name', async () => {
		const opinion = await postAs(press, 'opinion.create', {
			clientKey: randomUUID(),
			source: 'weibo',
			summary: '网传\u0000封闭',
			firstSeenAt: ago(30),
			type: 'rumour',
			unitId: city.deptA.id
		});
		expect(opinion.status).toBe(400);
		expect(opinion.body.error.data.fieldErrors.summary).toMatch(/控制字符/);
		const unit = await postAs(officeAdmin, 'unit.create', { name: '江城\u0000局', parentId: city.government.id });
		expect(unit.status).toBe(400);
		expect(unit.body.error.data.fieldErrors.name).toMatch(/^「名称」.*控制字符/);
		const person = await postAs(officeAdmin, 'person.create', { name: '张\u0000三', unitId: city.deptA.id, roles: ['duty'], password: 'spring-tide-9173' });
		expect(person.status).toBe(400);
		expect(person.body.error.data.fieldErrors.name).toMatch(/^「姓名」.*控制字符/);
	});
});

describe('signing in', () => {
	it('treats a login with a NUL byte as any unknown login, not a server error', async () => {
		await expect(signIn('duty-a\u0000', 'wrong-password-1', TEST_ACTOR)).resolves.toEqual({ ok: false, error: 'invalid' });
	});
});

describe('a body that is not JSON', () => {
	it.each([['{"title":"爆炸'], ['not json'], ['{"a":1,}']])('answers 400 in Chinese for %j', async (raw) => {
		const { status, body } = await postRaw(duty, 'incident.create', raw);
		expect(status).toBe(400);
		expect(body.error.message).toMatch(/[\u4e00-\u9fff]/);
		expect(body.error.message).not.toMatch(/JSON|Unexpected|position/i);
	});
});
