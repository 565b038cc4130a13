// A signed-in admin's browser can be made to send requests by another site: only JSON from this
// origin may change anything. Each refused request names a unit that must never appear.
import { expect, test, type APIRequestContext } from '@playwright/test';
import { DEMO_PASSWORD, signInRequest } from './support.ts';

const suffix = Date.now().toString(36).slice(-5);

interface Unit {
	id: string;
	name: string;
	parentId: string | null;
}

async function listUnits(request: APIRequestContext): Promise<Unit[]> {
	const res = await request.get('/api/trpc/unit.list');
	expect(res.status()).toBe(200);
	return ((await res.json()) as { result: { data: Unit[] } }).result.data;
}

test('unit.create accepts same-origin JSON only', async ({ request, baseURL }) => {
	const origin = new URL(baseURL!).origin;
	// The sign-in form posted as a browser posts it.
	await signInRequest(request, origin, 'admin', DEMO_PASSWORD, { origin, accept: 'text/html' });

	const root = (await listUnits(request)).find((u) => u.parentId === null);
	expect(root?.name).toBe('江城市人民政府');
	const body = (name: string) => JSON.stringify({ name, parentId: root!.id });
	const create = (name: string, headers: Record<string, string>) =>
		request.post('/api/trpc/unit.create', { data: body(name), headers, maxRedirects: 0 });

	const refused: [string, Record<string, string>, number][] = [
		['纯文本', { 'content-type': 'text/plain', origin }, 415],
		['大小写纯文本', { 'content-type': 'Text/Plain', origin }, 415],
		['表单', { 'content-type': 'application/x-www-form-urlencoded', origin }, 415],
		['外站', { 'content-type': 'application/json', origin: 'https://evil.example' }, 403],
		['无来源', { 'content-type': 'application/json' }, 403]
	];
	for (const [label, headers, status] of refused) {
		const res = await create(`拒绝-${label}-${suffix}`, headers);
		expect(res.status(), label).toBe(status);
		const error = ((await res.json()) as { error: { message: string } }).error;
		expect(error.message, label).toBe(status === 415 ? '请求格式不被接受：仅接受 application/json' : '请求来源不被接受');
	}

	const accepted = await create(`测试单位-${suffix}`, { 'content-type': 'application/json', origin });
	expect(accepted.status()).toBe(200);

	const names = (await listUnits(request)).map((u) => u.name);
	expect(names).toContain(`测试单位-${suffix}`);
	expect(names.filter((n) => n.startsWith('拒绝-'))).toEqual([]);
});

test('the sign-in form works from a terminal but not from another site', async ({ playwright, baseURL }) => {
	const terminal = await playwright.request.newContext({ baseURL });
	try {
		// curl sends no Origin: it carries no victim's cookies, so it may sign in.
		const res = await terminal.post('/login', { form: { login: 'em-duty', password: DEMO_PASSWORD }, maxRedirects: 0 });
		expect(res.status()).toBeLessThan(400);
		expect(res.headers()['set-cookie']).toMatch(/huiying_session=[a-z2-7]{32};.*HttpOnly/i);
		expect(res.headers()['set-cookie']).toMatch(/SameSite=Lax/i);
		expect((await terminal.get('/api/trpc/me')).status()).toBe(200);
	} finally {
		await terminal.dispose();
	}

	const forged = await playwright.request.newContext({ baseURL });
	try {
		const res = await forged.post('/login', {
			form: { login: 'em-duty', password: DEMO_PASSWORD },
			headers: { origin: 'https://evil.example' },
			maxRedirects: 0
		});
		expect(res.status()).toBe(403);
		expect(await res.text()).toBe('请求来源不被接受');
		expect(res.headers()['set-cookie']).toBeUndefined();
	} finally {
		await forged.dispose();
	}
});
