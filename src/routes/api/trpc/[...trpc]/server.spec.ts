// What support needs when a call fails inside the server: one JSON line with the id the person was shown,
// and nothing of what they typed.
import { randomUUID } from 'node:crypto';
import type { RequestEvent } from '@sveltejs/kit';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from '$lib/server/db.ts';
import { logTo } from '$lib/server/log.ts';
import { makeCity, signInAs, type SignedIn } from '$lib/server/test-helpers.ts';
import { POST } from './+server.ts';

const ORIGIN = 'https://huiying.example.gov.cn';
const MARKER = '机密线索-ZX81';

let city: Awaited<ReturnType<typeof makeCity>>;
let staff: SignedIn;
beforeAll(async () => {
	city = await makeCity();
	staff = await signInAs('staff-a');
	// A fault the code cannot foresee, whose PostgreSQL error carries the row ("Failing row contains (…)") in its detail.
	await sql.unsafe(`alter table incidents add constraint spec_fault check (position('${MARKER}' in title) = 0) not valid`);
});

let lines: string[] = [];
let restore = () => {};
beforeEach(() => {
	lines = [];
	restore = logTo({ write: (line: string) => void lines.push(line) });
});
afterEach(() => restore());

/** The endpoint as SvelteKit calls it, after the hooks gave the request its id. */
async function post(path: string, input: unknown, requestId: string) {
	const url = `${ORIGIN}/api/trpc/${path}`;
	const event = {
		locals: { user: staff.user, session: staff.session, requestId },
		request: new Request(url, { method: 'POST', headers: { origin: ORIGIN, 'content-type': 'application/json', 'user-agent': 'vitest' }, body: JSON.stringify(input) }),
		url: new URL(url),
		getClientAddress: () => '203.0.113.7'
	} as unknown as RequestEvent;
	const res = await (POST as (e: RequestEvent) => Promise<Response>)(event);
	const body = (await res.json()) as { error: { message: string; data: { code: string; requestId?: string } } };
	return { status: res.status, body };
}

const incident = (title: string) => ({
	clientKey: randomUUID(),
	title,
	category: 'accident',
	level: 2,
	occurredAt: new Date(Date.now() - 60_000).toISOString(),
	location: `滨江区 ${MARKER}`,
	leadUnitId: city.deptA.id,
	description: `举报人电话 13912345678，${MARKER}`
});

describe('a server error inside a tRPC call', () => {
	it('is logged once as a JSON line with the request id, without the request body', async () => {
		const { status, body } = await post('incident.create', incident(`仓库火情 ${MARKER}`), 'K7TQ2M4Z');

		expect(status).toBe(500);
		expect(lines).toHaveLength(1);
		const line = JSON.parse(lines[0]!) as Record<string, unknown> & { err: { cause?: { code?: string; message: string } } };
		expect(line).toMatchObject({ level: 'error', requestId: 'K7TQ2M4Z', where: 'incident.create', msg: 'server error' });
		// What support needs to find the cause: the database's code and message (the constraint), not the row.
		expect(line.err.cause).toMatchObject({ code: '23514', message: expect.stringContaining('spec_fault') });
		expect(lines[0]).not.toContain(MARKER);
		expect(lines[0]).not.toContain('13912345678');
		expect(lines[0]).not.toContain(staff.token);
	});

	it('shows the person the same id with the Chinese message, so support can find the line', async () => {
		const { body } = await post('incident.create', incident(`仓库火情 ${MARKER}`), 'P3WX5C6N');

		expect(body.error.message).toMatch(/^服务器出错了（编号 P3WX5C6N）/);
		expect(body.error.data).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', requestId: 'P3WX5C6N' });
		expect(JSON.stringify(body)).not.toContain('spec_fault');
	});

	it('logs nothing for a rejected input, which is an answer, not a server error', async () => {
		const { status, body } = await post('incident.create', { ...incident('仓库火情'), title: '' }, 'R2DJC3PQ');

		expect(status).toBe(400);
		expect(body.error.data.requestId).toBeUndefined();
		expect(lines).toEqual([]);
	});
});
