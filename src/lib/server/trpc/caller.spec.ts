import { isHttpError, type RequestEvent } from '@sveltejs/kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeCity, signInAs, type SignedIn } from '../test-helpers.ts';
import { callerFor } from './caller.ts';

let city: Awaited<ReturnType<typeof makeCity>>;
let staffA: SignedIn;
beforeAll(async () => {
	city = await makeCity();
	staffA = await signInAs('staff-a');
});

// Just what createContext reads from a SvelteKit request event.
const eventFor = (s: SignedIn) =>
	({
		locals: { user: s.user, session: s.session },
		request: new Request('https://huiying.example.gov.cn/admin/units/x', { headers: { 'user-agent': 'vitest' } }),
		getClientAddress: () => '203.0.113.7'
	}) as unknown as RequestEvent;

async function pageError(p: Promise<unknown>) {
	const e = await p.then(
		() => null,
		(e: unknown) => e
	);
	expect(isHttpError(e)).toBe(true);
	return e as { status: number; body: { message: string } };
}

describe('callerFor, as the page loads use it', () => {
	it("shows the not-found page for another department's record instead of a server error", async () => {
		const e = await pageError(callerFor(eventFor(staffA)).unit.byId({ id: city.deptB.id }));
		expect(e.status).toBe(404);
		expect(e.body.message).toBe('未找到该记录，或您无权查看');
		expect((await pageError(callerFor(eventFor(staffA)).person.byId({ id: city.staffB.id }))).status).toBe(404);
	});

	it('shows the not-found page for a malformed id in the address', async () => {
		expect((await pageError(callerFor(eventFor(staffA)).unit.byId({ id: 'not-an-id' }))).status).toBe(404);
	});

	it('shows the forbidden page to someone who may not manage settings', async () => {
		const e = await pageError(callerFor(eventFor(staffA)).settings.updateSession({ idleHours: 8, absoluteDays: 14 }));
		expect(e.status).toBe(403);
	});

	it('returns the record when it is in reach', async () => {
		expect((await callerFor(eventFor(staffA)).unit.byId({ id: city.deptA.id })).name).toBe('江城市应急管理局');
	});
});
