// The front door of each instance: compressed answers, live streams left alone, and beyond the bound a quick 503
// in the reader's language while sign-in and files still answer. A real HTTP server on 127.0.0.1, no database.
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { frontDoor } from './front-door.ts';

const servers: Server[] = [];
afterEach(async () => {
	await Promise.all(servers.splice(0).map((s) => new Promise((ok) => (s.closeAllConnections(), s.close(ok)))));
});

/** An app that answers after `hold` resolves (each request its own), with a body of `size` characters. */
async function start(opts: { maxInFlight: number; maxQueued?: number; maxWaitMs?: number }) {
	const waiting: (() => void)[] = [];
	/** the paths the app began to work on, in order */
	const begun: string[] = [];
	const app = (req: IncomingMessage, res: ServerResponse) => {
		begun.push(req.url ?? '');
		const answer = () => {
			if ((req.headers.accept ?? '').includes('text/event-stream')) {
				res.setHeader('Content-Type', 'text/event-stream');
				res.write('data: 1\n\n');
				return;
			}
			res.setHeader('Content-Type', req.url?.startsWith('/api/') ? 'application/json' : 'text/html; charset=utf-8');
			res.end(req.url?.startsWith('/api/') ? JSON.stringify({ rows: '事件'.repeat(5000) }) : `<p>${'工作台'.repeat(2000)}</p>`);
		};
		if (req.url?.includes('slow')) waiting.push(answer);
		else answer();
	};
	const door = frontDoor(app, { maxInFlight: opts.maxInFlight, maxQueued: opts.maxQueued ?? 0, maxWaitMs: opts.maxWaitMs ?? 3000, retryAfterSeconds: 3 });
	const server = createServer(door);
	servers.push(server);
	await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
	const port = (server.address() as AddressInfo).port;
	return { port, door, begun, releaseAll: () => waiting.splice(0).forEach((f) => f()), releaseOne: () => waiting.shift()?.(), waiting };
}

interface Answer {
	status: number;
	headers: IncomingMessage['headers'];
	body: Buffer;
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Answer> {
	return new Promise((ok, fail) => {
		const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => ok({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
		});
		req.on('error', fail);
		req.end();
	});
}

/** Starts a request and leaves it open; `abort` hangs up. */
function hold(port: number, path: string) {
	const req = request({ host: '127.0.0.1', port, path });
	req.on('error', () => {});
	req.end();
	return { abort: () => req.destroy() };
}

const until = async (check: () => boolean) => {
	for (let i = 0; i < 200 && !check(); i++) await new Promise((ok) => setTimeout(ok, 10));
	expect(check()).toBe(true);
};

describe('the front door', () => {
	it('compresses pages and data for a client that accepts it, and leaves live streams alone', async () => {
		const { port } = await start({ maxInFlight: 10 });
		const page = await get(port, '/incidents', { 'accept-encoding': 'gzip' });
		expect(page.headers['content-encoding']).toBe('gzip');
		expect(gunzipSync(page.body).toString()).toContain('工作台');
		expect(page.body.length).toBeLessThan(1000);
		const data = await get(port, '/api/trpc/incident.list', { 'accept-encoding': 'br, gzip' });
		expect(data.headers['content-encoding']).toBe('br');
		expect((await get(port, '/incidents')).headers['content-encoding']).toBeUndefined();

		const stream = await new Promise<IncomingMessage>((ok) => {
			const req = request({ host: '127.0.0.1', port, path: '/api/trpc/live.changes', headers: { accept: 'text/event-stream', 'accept-encoding': 'gzip' } }, ok);
			req.end();
		});
		expect(stream.headers['content-encoding']).toBeUndefined();
		const first = await new Promise<string>((ok) => stream.once('data', (c: Buffer) => ok(c.toString())));
		expect(first).toBe('data: 1\n\n');
		stream.destroy();
	});

	it('beyond the bound answers 503 at once with Retry-After, in the reader’s language, and keeps sign-in and files open', async () => {
		const { port, door, releaseAll } = await start({ maxInFlight: 2 });
		hold(port, '/slow-1');
		hold(port, '/slow-2');
		await until(() => door.inFlight() === 2);

		const started = Date.now();
		const page = await get(port, '/incidents');
		expect(Date.now() - started).toBeLessThan(500);
		expect(page.status).toBe(503);
		expect(page.headers['retry-after']).toBe('3');
		expect(page.body.toString()).toContain('系统繁忙，请 3 秒后再试');

		const data = await get(port, '/api/trpc/incident.list', { cookie: 'PARAGLIDE_LOCALE=en' });
		expect(data.status).toBe(503);
		expect(JSON.parse(data.body.toString())).toMatchObject({ error: { message: expect.stringContaining('The system is busy'), data: { httpStatus: 503 } } });

		for (const path of ['/login', '/_app/immutable/entry/app.js', '/service-worker.js', '/manifest.webmanifest']) expect((await get(port, path)).status).toBe(200);
		const stream = await new Promise<IncomingMessage>((ok) => request({ host: '127.0.0.1', port, path: '/api/trpc/live.changes', headers: { accept: 'text/event-stream' } }, ok).end());
		expect(stream.statusCode).toBe(200);
		stream.destroy();

		releaseAll();
		await until(() => door.inFlight() === 0);
		expect((await get(port, '/incidents')).status).toBe(200);
	});

	it('frees the place of a client that hung up', async () => {
		const { port, door } = await start({ maxInFlight: 1 });
		const held = hold(port, '/slow');
		await until(() => door.inFlight() === 1);
		expect((await get(port, '/incidents')).status).toBe(503);
		held.abort();
		await until(() => door.inFlight() === 0);
		expect((await get(port, '/incidents')).status).toBe(200);
	});

	it('lets the next requests wait their turn in a short queue, oldest first, and turns away the rest at once', async () => {
		const { port, door, begun, releaseOne } = await start({ maxInFlight: 1, maxQueued: 2 });
		hold(port, '/slow-1');
		await until(() => door.inFlight() === 1);
		const second = get(port, '/slow-2');
		await until(() => door.queued() === 1);
		const third = get(port, '/incidents');
		await until(() => door.queued() === 2);
		// The queue is full: the fourth is told at once, and sign-in walks past the queue.
		const started = Date.now();
		expect((await get(port, '/opinions')).status).toBe(503);
		expect(Date.now() - started).toBeLessThan(500);
		expect((await get(port, '/login')).status).toBe(200);
		expect(begun).toEqual(['/slow-1', '/login']);

		releaseOne();
		await until(() => begun.includes('/slow-2'));
		expect(door.queued()).toBe(1);
		releaseOne();
		expect((await second).status).toBe(200);
		expect((await third).status).toBe(200);
		expect(begun.slice(2)).toEqual(['/slow-2', '/incidents']);
		await until(() => door.inFlight() === 0 && door.queued() === 0);
	});

	it('answers 503 to a request that waited too long, and forgets one whose client hung up while waiting', async () => {
		const { port, door, begun, releaseAll } = await start({ maxInFlight: 1, maxQueued: 5, maxWaitMs: 200 });
		hold(port, '/slow-1');
		await until(() => door.inFlight() === 1);
		const started = Date.now();
		const late = await get(port, '/incidents');
		expect(late.status).toBe(503);
		expect(late.headers['retry-after']).toBe('3');
		expect(Date.now() - started).toBeGreaterThanOrEqual(190);
		expect(Date.now() - started).toBeLessThan(1500);

		const gone = hold(port, '/opinions');
		await until(() => door.queued() === 1);
		gone.abort();
		await until(() => door.queued() === 0);
		releaseAll();
		await until(() => door.inFlight() === 0);
		expect(begun).toEqual(['/slow-1']);
		expect((await get(port, '/incidents')).status).toBe(200);
	});
});
