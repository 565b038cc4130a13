import { randomUUID } from 'node:crypto';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeCity, signInAs, TEST_ACTOR, type SignedIn } from '../test-helpers.ts';
import type { Context } from './context.ts';
import { appRouter } from './root.ts';

interface ErrorBody {
	error: { message: string; data: { code: string; httpStatus: number; fieldErrors: Record<string, string> } & Record<string, unknown> };
}

let city: Awaited<ReturnType<typeof makeCity>>;
let admin: SignedIn;
beforeAll(async () => {
	city = await makeCity();
	admin = await signInAs('office-admin');
});

const contextOf = (s: SignedIn | null): Context =>
	s ? { user: s.user, session: s.session, actor: s.actor } : { user: null, session: null, actor: TEST_ACTOR };

/** What the browser receives: the request goes through the same fetch adapter as /api/trpc. */
async function call(ctx: Context, path: string, input: unknown, method: 'GET' | 'POST' = 'POST') {
	const base = `https://huiying.example.gov.cn/api/trpc/${path}`;
	const req =
		method === 'POST'
			? new Request(base, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) })
			: new Request(`${base}?input=${encodeURIComponent(JSON.stringify(input))}`);
	const res = await fetchRequestHandler({ endpoint: '/api/trpc', req, router: appRouter, createContext: () => ctx });
	return { status: res.status, text: await res.clone().text(), body: (await res.json()) as ErrorBody };
}

describe('errors as the browser sees them', () => {
	it('names the field of an invalid input in Chinese, and puts the message next to that field', async () => {
		const { status, body } = await call(contextOf(admin), 'unit.create', { name: '  ', parentId: city.government.id });
		expect(status).toBe(400);
		expect(body.error.message).toBe('「名称」必须填写');
		expect(body.error.data.code).toBe('BAD_REQUEST');
		expect(body.error.data.fieldErrors).toEqual({ name: '「名称」必须填写' });
	});

	it('reports every invalid field at once, each under its own name', async () => {
		const { body } = await call(contextOf(admin), 'person.create', {
			name: '',
			username: '1abc',
			phone: '12345',
			unitId: 'not-a-unit',
			roles: [],
			password: 'spring-tide-9173'
		});
		expect(body.error.data.fieldErrors).toEqual({
			name: '「姓名」必须填写',
			username: '「用户名」格式不正确',
			phone: '「手机号」格式不正确',
			unitId: '「所属单位」格式不正确',
			roles: '「角色」必须填写'
		});
	});

	it('puts a rule the server checks itself under its field too', async () => {
		const { status, body } = await call(contextOf(admin), 'person.create', {
			name: '新同事',
			username: 'newcomer',
			unitId: city.deptA.id,
			roles: ['duty'],
			password: 'iloveyou'
		});
		expect(status).toBe(400);
		expect(body.error.message).toBe('「密码」过于常见，容易被猜到，请换一个');
		expect(body.error.data.fieldErrors).toEqual({ password: '「密码」过于常见，容易被猜到，请换一个' });

		const taken = await call(contextOf(admin), 'person.create', {
			name: '重名',
			username: 'staff-b',
			unitId: city.deptA.id,
			roles: ['duty'],
			password: 'spring-tide-9173'
		});
		expect(taken.body.error.data.fieldErrors).toEqual({ username: '「用户名」已被使用' });
	});

	it('answers a record out of reach with 404 and a plain sentence', async () => {
		const staff = await signInAs('staff-a');
		const { status, body } = await call(contextOf(staff), 'unit.byId', { id: city.deptB.id }, 'GET');
		expect(status).toBe(404);
		expect(body.error.message).toBe('未找到该记录，或您无权查看');
		expect(body.error.data.fieldErrors).toEqual({});
	});

	it('asks a visitor to sign in', async () => {
		const { status, body } = await call(contextOf(null), 'me', undefined, 'GET');
		expect(status).toBe(401);
		expect(body.error.message).toBe('请先登录');
	});

	it('never shows a stack trace or the database error, only a calm message', async () => {
		// A session for someone who is no longer in the people table makes the settings write fail in SQL.
		const ghost: Context = {
			...contextOf(admin),
			user: { ...admin.user, id: randomUUID() }
		};
		const { status, text, body } = await call(ghost, 'settings.updateSession', { idleHours: 8, absoluteDays: 14 });
		expect(status).toBe(500);
		expect(body.error.message).toBe('服务器出错了，请稍后再试。您填写的内容仍保留在页面上。');
		expect(body.error.data).not.toHaveProperty('stack');
		expect(text).not.toMatch(/foreign key|settings_updated_by|at .*\.ts/);
	});
});
