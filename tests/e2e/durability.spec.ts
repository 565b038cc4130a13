// The escalation outlives what happens to its processes: the server killed just before a step is
// due, two servers racing for the same steps, PostgreSQL away while a step falls due. Each time the
// step reaches every inbox exactly once. No browser: real server processes, the API, the database.
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { expect, test, type APIRequestContext, type PlaywrightWorkerArgs } from '@playwright/test';
import postgres from 'postgres';
import { ROOT, createDatabaseIfMissing } from '../../scripts/lib/database.ts';
import { readE2eState } from '../../scripts/lib/e2e-state.ts';
import { freePort, startEmbeddedPostgres, type RunningPostgres } from '../../scripts/lib/embedded-pg.ts';
import { run, serveApp, type AppServer } from '../../scripts/lib/serve.ts';
import { DEMO_PASSWORD, signInRequest } from './support.ts';

const HOUR = 3_600_000;
const RULE = 'incident.authoritative_release';
// The 5-hour clock's step "2 hours left" (due − 120 min) goes to the lead unit's press people.
const TWO_HOURS_LEFT = 1;
const PRESS = { 'em-press': 1, 'em-spokes': 1 };

const servers: AppServer[] = [];
const databases: RunningPostgres[] = [];
const clients: postgres.Sql[] = [];
const contexts: APIRequestContext[] = [];
test.afterEach(async () => {
	for (const c of contexts.splice(0)) await c.dispose();
	for (const s of servers.splice(0)) await s.stop();
	for (const c of clients.splice(0)) await c.end({ timeout: 1 });
	for (const d of databases.splice(0)) await d.stop();
});

const until = (t: number) => new Promise((ok) => setTimeout(ok, Math.max(0, t - Date.now())));
/** A whole second at least `ms` from now, for a step to fall due at. */
const secondsAhead = (ms: number) => Math.ceil((Date.now() + ms) / 1000) * 1000;

async function startServer(databaseUrl: string, port?: number): Promise<AppServer> {
	const server = await serveApp({ databaseUrl, port: port ?? (await freePort()), quiet: true, env: { SHUTDOWN_TIMEOUT: '1' } });
	servers.push(server);
	return server;
}

function openDb(url: string): postgres.Sql {
	const db = postgres(url, { max: 1, onnotice: () => {} });
	clients.push(db);
	return db;
}

/** Migrations and the demo organisation, in a child process: server modules read DATABASE_URL at import. */
async function prepare(maintenanceUrl: string, name: string): Promise<string> {
	await createDatabaseIfMissing(maintenanceUrl, name);
	const url = maintenanceUrl.replace(/\/postgres$/, `/${name}`);
	await run(process.execPath, [resolve(ROOT, 'scripts', 'demo-database.ts')], { ...process.env, DATABASE_URL: url });
	return url;
}

/** Signed in as a person would from a terminal; the session cookie works on every port of 127.0.0.1. */
async function signIn(playwright: PlaywrightWorkerArgs['playwright'], server: AppServer, login: string): Promise<APIRequestContext> {
	const api = await playwright.request.newContext();
	contexts.push(api);
	await signInRequest(api, server.url, login, DEMO_PASSWORD);
	return api;
}

async function trpc<T>(api: APIRequestContext, server: AppServer, path: string): Promise<T> {
	const res = await api.get(`${server.url}/api/trpc/${path}`);
	expect(res.status(), path).toBe(200);
	return ((await res.json()) as { result: { data: T } }).result.data;
}

/**
 * A level II accident led by 江城市应急管理局, occurred 3 hours before `stepAt`, so that its 5-hour
 * clock reaches "2 hours left" at `stepAt`. Returns that clock's id.
 */
async function logIncident(api: APIRequestContext, server: AppServer, title: string, stepAt: number): Promise<string> {
	const units = await trpc<{ id: string; name: string }[]>(api, server, 'unit.list');
	const lead = units.find((u) => u.name === '江城市应急管理局');
	const res = await api.post(`${server.url}/api/trpc/incident.create`, {
		data: {
			clientKey: randomUUID(),
			title,
			category: 'accident',
			level: 2,
			occurredAt: new Date(stepAt - 3 * HOUR).toISOString(),
			location: '江城市滨江区',
			leadUnitId: lead!.id,
			description: ''
		},
		headers: { origin: server.url, 'content-type': 'application/json' }
	});
	expect(res.status(), 'incident.create').toBe(200);
	const incident = ((await res.json()) as { result: { data: { clocks: { id: string; ruleKey: string }[] } } }).result.data;
	return incident.clocks.find((c) => c.ruleKey === RULE)!.id;
}

/** How many inbox notices of the clock's step each person has. */
async function told(db: postgres.Sql, clockId: string, step: number): Promise<Record<string, number>> {
	const rows = await db<{ username: string; n: number }[]>`
		select p.username, count(*)::int as n from notifications n join people p on p.id = n.person_id
		where n.clock_id = ${clockId} and n.step_index = ${step} group by p.username order by p.username`;
	return Object.fromEntries(rows.map((r) => [r.username, r.n]));
}

/** The same from the delivery records, and whether the step's first tier is on record as processed. */
async function delivered(db: postgres.Sql, clockId: string, step: number) {
	const rows = await db<{ username: string; n: number }[]>`
		select p.username, count(*)::int as n from deliveries d join people p on p.id = d.recipient_id
		where d.clock_id = ${clockId} and d.step_index = ${step} group by p.username order by p.username`;
	const notices = await db<{ recipient_count: number }[]>`
		select recipient_count from clock_notices where clock_id = ${clockId} and step_index = ${step} and tier = 0`;
	return { deliveries: Object.fromEntries(rows.map((r) => [r.username, r.n])), notices: notices.map((n) => n.recipient_count) };
}

/** Waits until the step reached the press people of each clock, lets a would-be duplicate arrive, then checks none did. */
async function expectToldOnce(db: postgres.Sql, clockIds: string[], step: number, timeout: number): Promise<void> {
	const all = () => Promise.all(clockIds.map((id) => told(db, id, step)));
	const once = clockIds.map(() => PRESS);
	// The catch: right after PostgreSQL comes back, the test's own connection may still be the broken one.
	await expect.poll(() => all().catch(() => []), { timeout, intervals: [250] }).toEqual(once);
	await new Promise((ok) => setTimeout(ok, 1_500));
	expect(await all()).toEqual(once);
	for (const id of clockIds) expect(await delivered(db, id, step)).toEqual({ deliveries: PRESS, notices: [2] });
}

/** What the press officer sees: the step's notice in the inbox, once. */
async function expectInInbox(api: APIRequestContext, server: AppServer, clockId: string, title: string): Promise<void> {
	const inbox = await trpc<{ items: { clockId: string | null; stepIndex: number | null; title: string }[] }>(api, server, 'inbox.list');
	const notices = inbox.items.filter((n) => n.clockId === clockId && n.stepIndex === TWO_HOURS_LEFT);
	expect(notices.map((n) => n.title)).toEqual([`【发布权威信息】${title}`]);
}

test.describe('on the end-to-end PostgreSQL', () => {
	// A database of its own: the e2e server runs job workers too, and on its database it would
	// deliver what these tests must see their own servers deliver.
	let databaseUrl = '';
	test.beforeAll(async () => {
		databaseUrl = await prepare(readE2eState().databaseUrl.replace(/\/[^/]+$/, '/postgres'), 'huiying_durability');
	});

	test('a server killed a second before a step is due delivers it once after the restart', async ({ playwright }) => {
		test.setTimeout(40_000);
		const db = openDb(databaseUrl);
		const server = await startServer(databaseUrl);
		const duty = await signIn(playwright, server, 'em-duty');
		const title = `危化品仓库火情-${randomUUID().slice(0, 8)}`;
		const stepAt = secondsAhead(5_000);
		const clockId = await logIncident(duty, server, title, stepAt);
		// The first step goes out at once; the "2 hours left" tick now waits in the queue.
		await expect.poll(() => told(db, clockId, 0), { timeout: 5_000, intervals: [250] }).toEqual(PRESS);

		await until(stepAt - 1_000);
		expect(await told(db, clockId, TWO_HOURS_LEFT)).toEqual({});
		server.child.kill('SIGKILL');
		await until(stepAt + 1_500);
		// Nothing else works this database: what arrives now is the restarted server's doing.
		expect(await told(db, clockId, TWO_HOURS_LEFT)).toEqual({});

		const restarted = await startServer(databaseUrl, Number(new URL(server.url).port));
		await expectToldOnce(db, [clockId], TWO_HOURS_LEFT, 10_000);
		await expectInInbox(await signIn(playwright, restarted, 'em-press'), restarted, clockId, title);
	});

	test('two servers on one database deliver each step once, for incidents falling due together', async ({ playwright }) => {
		test.setTimeout(40_000);
		const db = openDb(databaseUrl);
		const pair = await Promise.all([startServer(databaseUrl), startServer(databaseUrl)]);
		const duty = await signIn(playwright, pair[0], 'em-duty');
		const stepAt = secondsAhead(5_000);
		const batch = randomUUID().slice(0, 8);
		const clocks: string[] = [];
		// Logged through both servers, as phones behind a load balancer would.
		for (let i = 0; i < 4; i++) clocks.push(await logIncident(duty, pair[i % 2]!, `暴雨内涝-${batch}-${i + 1}`, stepAt));

		await expectToldOnce(db, clocks, TWO_HOURS_LEFT, 15_000);
		for (const clockId of clocks) expect(await told(db, clockId, 0)).toEqual(PRESS);
		expect(pair.map((s) => s.child.exitCode)).toEqual([null, null]);
	});
});

test('a step due while PostgreSQL is down is delivered once it is back', async ({ playwright }) => {
	test.setTimeout(40_000);
	// Its own PostgreSQL, since the test stops it.
	const dir = resolve(ROOT, '.data', 'pg-durability');
	const pg = await startEmbeddedPostgres({ dir, fresh: true, fast: true, quiet: true });
	databases.push(pg);
	const databaseUrl = await prepare(pg.url, 'huiying');
	const db = openDb(databaseUrl);
	const server = await startServer(databaseUrl);
	const duty = await signIn(playwright, server, 'em-duty');
	const title = `山体滑坡-${randomUUID().slice(0, 8)}`;
	const stepAt = secondsAhead(5_000);
	const clockId = await logIncident(duty, server, title, stepAt);
	await expect.poll(() => told(db, clockId, 0), { timeout: 5_000, intervals: [250] }).toEqual(PRESS);

	await until(stepAt - 1_000);
	expect(await told(db, clockId, TWO_HOURS_LEFT)).toEqual({});
	await pg.stop();
	const downAt = Date.now();
	await until(stepAt + 2_000);
	// Back where the server expects it: its pools must find it again by themselves.
	databases.push(await startEmbeddedPostgres({ dir, port: pg.port, fast: true, quiet: true }));

	await expectToldOnce(db, [clockId], TWO_HOURS_LEFT, 30_000);
	const [notice] = await db<{ processed_at: Date }[]>`
		select processed_at from clock_notices where clock_id = ${clockId} and step_index = ${TWO_HOURS_LEFT} and tier = 0`;
	expect(notice!.processed_at.getTime()).toBeGreaterThan(downAt);
	expect(server.child.exitCode).toBeNull();
	await expectInInbox(await signIn(playwright, server, 'em-press'), server, clockId, title);
});
