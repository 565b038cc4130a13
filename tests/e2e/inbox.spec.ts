// 消息 is a to-do list: a notice asks until its reason passes, then shows as done with what settled it, leaves
// the badge and offers nothing to answer. Seen on a phone by the bureau's press officer (a clock's notice, settled
// when the incident is closed) and by the vice-mayor (a sign-off request, settled when he declines it).
import { randomUUID } from 'node:crypto';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { freePort } from '../../scripts/lib/embedded-pg.ts';
import { serveApp, type AppServer } from '../../scripts/lib/serve.ts';
import { cleanupsAfterEach, logIncident, ownDemoDatabase, releaseAwaitingSignoff, signInApi } from './push-support.ts';
import { DEMO_PASSWORD, ready, shootPhone, signInDirectly } from './support.ts';

const cleanups = cleanupsAfterEach();
// A database of its own: notices in the shared one would show in others' inboxes.
const database = ownDemoDatabase('huiying_inbox');
const SHOTS = '/tmp/shots-inbox';
// Two app servers and a browser on two cores: signing in alone can take seconds.
test.setTimeout(90_000);

async function ownServer() {
	const server = await serveApp({ databaseUrl: database.url, port: await freePort(), buildDir: process.env.E2E_BUILD_DIR, quiet: true, env: { SHUTDOWN_TIMEOUT: '1' } });
	cleanups.push(() => server.stop());
	return server;
}

async function call<T>(api: APIRequestContext, server: AppServer, procedure: string, input?: unknown): Promise<T> {
	const res = input === undefined
		? await api.get(`${server.url}/api/trpc/${procedure}`)
		: await api.post(`${server.url}/api/trpc/${procedure}`, { data: input, headers: { origin: server.url, 'content-type': 'application/json' } });
	expect(res.status(), procedure).toBe(200);
	return ((await res.json()) as { result: { data: T } }).result.data;
}

test('a clock notice asks until the incident is closed, then shows what settled it and leaves the badge', async ({ page }) => {
	const server = await ownServer();
	const title = `化工园区爆燃-${randomUUID().slice(0, 8)}`;
	const incident = await logIncident(cleanups, server, title);
	const press = await signInApi(cleanups, server, 'em-press');
	// The first step of the 5-hour clock reaches the bureau's press office as soon as its job runs.
	await expect.poll(async () => (await call<{ items: { title: string; settledAt: string | null }[] }>(press, server, 'inbox.list')).items.filter((n) => n.title.includes(title)).length, { timeout: 20_000 }).toBeGreaterThan(0);
	const before = await call<number>(press, server, 'inbox.unreadCount');

	await signInDirectly(page, 'em-press', DEMO_PASSWORD, server.url, '/inbox');
	const open = page.getByTestId('inbox-open');
	const card = open.getByRole('article').filter({ hasText: title }).first();
	await expect(card).toBeVisible();
	// live countdown and 收到 while it asks
	await expect(card.getByRole('timer')).toContainText(/剩余 \d+小时\d+分/);
	await expect(card.getByRole('button', { name: '收到' })).toBeVisible();
	await shootPhone(page, SHOTS, 'press-open', { fullPage: true, wide: true });

	const count = await open.getByRole('article').filter({ hasText: title }).count();
	await call(press, server, 'incident.close', { id: incident.id, note: '经核实为误报' });

	// The screen follows by itself (the live channel), no reload.
	const done = page.getByTestId('inbox-done');
	const settled = done.getByRole('article').filter({ hasText: title });
	await expect(settled).toHaveCount(count, { timeout: 15_000 });
	await expect(settled.first()).toContainText(/时限已撤销：事件关闭：经核实为误报（\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}）/);
	await expect(settled.first().getByRole('button')).toHaveCount(0);
	await expect(settled.first().getByRole('timer')).toHaveCount(0);
	await expect(open.getByRole('article').filter({ hasText: title })).toHaveCount(0);
	expect(await call<number>(press, server, 'inbox.unreadCount')).toBe(before - count);
	await shootPhone(page, SHOTS, 'press-done', { fullPage: true, wide: true });
});

test('a sign-off request leaves the vice-mayor’s to-do list when he declines it, saying so', async ({ page }) => {
	const server = await ownServer();
	const title = `关于化工园区爆燃的情况通报-${randomUUID().slice(0, 8)}`;
	const incident = await logIncident(cleanups, server, `化工园区爆燃-${randomUUID().slice(0, 8)}`);
	const release = await releaseAwaitingSignoff(cleanups, server, { kind: 'authoritative', incidentId: incident.id, title });
	const vicemayor = await signInApi(cleanups, server, 'vicemayor');
	const [request] = (await call<{ href: string; title: string }[]>(vicemayor, server, 'signoff.mine')).filter((q) => q.title === title);
	const requestId = request!.href.split('/').pop()!;

	await signInDirectly(page, 'vicemayor', DEMO_PASSWORD, server.url, '/inbox');
	const card = page.getByTestId('inbox-open').getByRole('article').filter({ hasText: title });
	await expect(card).toHaveCount(1);
	// a sign-off is answered on its own screen: no 收到 here
	await expect(card.getByRole('button', { name: '收到' })).toHaveCount(0);

	await call(vicemayor, server, 'signoff.reject', { kind: 'release', id: release.id, requestId, reason: '数据来源需注明' });
	const settled = page.getByTestId('inbox-done').getByRole('article').filter({ hasText: title });
	await expect(settled).toHaveCount(1, { timeout: 15_000 });
	await expect(settled).toContainText('已驳回（刘志远：数据来源需注明）');
	await expect(page.getByTestId('inbox-open').getByRole('article').filter({ hasText: title })).toHaveCount(0);
	await shootPhone(page, SHOTS, 'vicemayor-done', { fullPage: true, wide: true });
});
