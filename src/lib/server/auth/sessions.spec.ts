import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../db.ts';
import { makeCity, signInAs, type SignedIn } from '../test-helpers.ts';
import { sessionHandle } from './session.ts';
import { validateSessionToken } from './session.ts';

const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50';
const DESK = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36 Edg/130.0';

let city: Awaited<ReturnType<typeof makeCity>>;
beforeAll(async () => {
	city = await makeCity();
});

/** One person signed in on a phone, a desk and a tablet; another person on a phone of their own. */
async function devices() {
	const phone = await signInAs(city.staffA.username!, undefined, { personId: null, ip: '203.0.113.21', userAgent: IPHONE });
	const desk = await signInAs(city.staffA.username!, undefined, { personId: null, ip: '198.51.100.4', userAgent: DESK });
	const tablet = await signInAs(city.staffA.username!, undefined, { personId: null, ip: '203.0.113.22', userAgent: 'Mozilla/5.0 (iPad)' });
	const someoneElse = await signInAs(city.staffB.username!);
	return { phone, desk, tablet, someoneElse };
}
const stillSignedIn = async (s: SignedIn) => (await validateSessionToken(s.token)).session !== null;

describe('登录设备', () => {
	it("lists the person's own sign-ins, this one first, with device and address, and never another person's", async () => {
		const { phone, desk, someoneElse } = await devices();
		const mine = await desk.caller.session.mine();
		expect(mine[0]).toMatchObject({ current: true, userAgent: DESK, ip: '198.51.100.4', handle: sessionHandle(desk.session.id) });
		expect(mine.find((s) => s.handle === sessionHandle(phone.session.id))).toMatchObject({ current: false, userAgent: IPHONE, ip: '203.0.113.21' });
		expect(mine.some((s) => s.handle === sessionHandle(someoneElse.session.id))).toBe(false);
		// the handle names a session without giving away its id (the hash of the cookie's token)
		expect(JSON.stringify(mine)).not.toContain(desk.session.id);
	});

	it('ends one device at once, and only that one; a handle of someone else’s sign-in ends nothing', async () => {
		const { phone, desk, tablet, someoneElse } = await devices();
		expect(await desk.caller.session.end({ handle: sessionHandle(phone.session.id) })).toEqual({ ended: true });
		expect(await stillSignedIn(phone)).toBe(false);
		expect(await stillSignedIn(desk)).toBe(true);
		expect(await stillSignedIn(tablet)).toBe(true);
		expect(await desk.caller.session.end({ handle: sessionHandle(someoneElse.session.id) })).toEqual({ ended: false });
		expect(await stillSignedIn(someoneElse)).toBe(true);
		const [row] = await sql<{ after: { userAgent: string } }[]>`
			select after from audit_log where action = 'session.ended' and actor_id = ${desk.user.id} order by id desc limit 1`;
		expect(row!.after.userAgent).toBe(IPHONE);
	});

	it('ends every other device and keeps this one', async () => {
		const { phone, desk, tablet, someoneElse } = await devices();
		const { ended } = await tablet.caller.session.endOthers();
		expect(ended).toBeGreaterThanOrEqual(2);
		expect(await stillSignedIn(tablet)).toBe(true);
		expect(await stillSignedIn(phone)).toBe(false);
		expect(await stillSignedIn(desk)).toBe(false);
		expect(await stillSignedIn(someoneElse)).toBe(true);
		expect((await tablet.caller.session.mine()).map((s) => s.current)).toEqual([true]);
	});
});
