import { beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../audit/log.ts';
import { sql } from '../db.ts';
import { makeCity, TEST_PASSWORD } from '../test-helpers.ts';
import { normaliseLogin, signIn } from './flows.ts';
import { validateSessionToken } from './session.ts';
import { ACCOUNT_MAX_FAILURES, ADDRESS_MAX_FAILURES } from './throttle.ts';

let city: Awaited<ReturnType<typeof makeCity>>;
beforeAll(async () => {
	city = await makeCity();
});

let lastOctet = 0;
// Each test signs in from its own address so the per-address limit never mixes into the account lock.
function fromNewAddress(): Actor {
	lastOctet += 1;
	return { personId: null, ip: `198.51.100.${lastOctet}`, userAgent: 'vitest' };
}

async function results(login: string, password: string, times: number, actor: Actor) {
	const out: string[] = [];
	for (let i = 0; i < times; i++) {
		const r = await signIn(login, password, actor);
		out.push(r.ok ? 'ok' : r.error);
	}
	return out;
}

const lockSequence = ['invalid', 'invalid', 'invalid', 'invalid', 'locked', 'locked'];

describe('normaliseLogin', () => {
	it('reduces a mainland mobile number, however it is typed, to its 11 digits', () => {
		expect(normaliseLogin('13800000001')).toBe('13800000001');
		expect(normaliseLogin(' 138 0000 0001 ')).toBe('13800000001');
		expect(normaliseLogin('138-0000-0001')).toBe('13800000001');
		expect(normaliseLogin('+86 138 0000 0001')).toBe('13800000001');
		expect(normaliseLogin('+8613800000001')).toBe('13800000001');
		expect(normaliseLogin('8613800000001')).toBe('13800000001');
	});

	it('lower-cases a username and trims the spaces around it', () => {
		expect(normaliseLogin('  Staff-A ')).toBe('staff-a');
		expect(normaliseLogin('ZHANG.SAN')).toBe('zhang.san');
	});

	it('leaves something that is not a mobile number alone apart from case', () => {
		expect(normaliseLogin('12345678901')).toBe('12345678901');
		expect(normaliseLogin('+1 415 555 0100')).toBe('+1 415 555 0100');
	});
});

describe('signing in', () => {
	it('accepts the username in any case and the phone number as people type it', async () => {
		for (const login of ['staff-a', 'STAFF-A', '13800000001', '+86 138 0000 0001', '138-0000-0001']) {
			const r = await signIn(login, TEST_PASSWORD, fromNewAddress());
			expect(r.ok, login).toBe(true);
			if (r.ok && 'token' in r) expect((await validateSessionToken(r.token)).user?.id).toBe(city.staffA.id);
		}
	});

	it('refuses a wrong password with the same answer as an unknown name', async () => {
		expect(await signIn('staff-b', 'not-the-password', fromNewAddress())).toEqual({ ok: false, error: 'invalid' });
		expect(await signIn('nobody-here', 'not-the-password', fromNewAddress())).toEqual({ ok: false, error: 'invalid' });
	});

	it('refuses a deactivated person even with the right password, without saying why', async () => {
		const addr = fromNewAddress();
		await sql`update people set active = false where id = ${city.staffB.id}`;
		try {
			expect(await signIn('staff-b', TEST_PASSWORD, addr)).toEqual({ ok: false, error: 'invalid' });
		} finally {
			await sql`update people set active = true where id = ${city.staffB.id}`;
		}
		await sql`delete from sign_in_throttle where key = 'login:staff-b'`;
	});
});

describe('account lock', () => {
	it(`locks a name after ${ACCOUNT_MAX_FAILURES} wrong passwords`, async () => {
		expect(await results('admin-a', 'wrong-password', 6, fromNewAddress())).toEqual(lockSequence);
	});

	it('locks a name that does not exist in exactly the same way', async () => {
		expect(await results('no-such-person', 'wrong-password', 6, fromNewAddress())).toEqual(lockSequence);
	});

	it('counts a name however it is typed as the same name', async () => {
		const addr = fromNewAddress();
		const r = [];
		for (const login of ['office-admin', 'OFFICE-ADMIN', ' Office-Admin', 'office-admin', 'Office-admin']) {
			const res = await signIn(login, 'wrong-password', addr);
			r.push(res.ok ? 'ok' : res.error);
		}
		expect(r).toEqual(lockSequence.slice(0, 5));
		expect(await signIn('office-admin', TEST_PASSWORD, fromNewAddress())).toEqual({ ok: false, error: 'locked' });
	});

	it('refuses the right password while the lock lasts, and accepts it once the lock has lifted', async () => {
		await results('staff-b', 'wrong-password', ACCOUNT_MAX_FAILURES, fromNewAddress());
		expect(await signIn('staff-b', TEST_PASSWORD, fromNewAddress())).toEqual({ ok: false, error: 'locked' });

		// Fifteen minutes later.
		await sql`
			update sign_in_throttle
			set locked_until = now() - interval '1 second', window_started_at = now() - interval '16 minutes'
			where key = 'login:staff-b'`;
		const r = await signIn('staff-b', TEST_PASSWORD, fromNewAddress());
		expect(r.ok).toBe(true);
	});

	it('gives a name a fresh count once the lock has lifted, rather than locking it again at once', async () => {
		await results('no-such-clerk', 'wrong-password', ACCOUNT_MAX_FAILURES, fromNewAddress());
		await sql`
			update sign_in_throttle
			set locked_until = now() - interval '1 second', window_started_at = now() - interval '16 minutes'
			where key = 'login:no-such-clerk'`;
		expect(await results('no-such-clerk', 'wrong-password', 6, fromNewAddress())).toEqual(lockSequence);
	});

	it('forgets failures once the person signs in successfully', async () => {
		const addr = fromNewAddress();
		expect(await results('root-admin', 'wrong-password', 4, addr)).toEqual(lockSequence.slice(0, 4));
		expect((await signIn('root-admin', TEST_PASSWORD, addr)).ok).toBe(true);
		const [row] = await sql`select 1 from sign_in_throttle where key = 'login:root-admin'`;
		expect(row).toBeUndefined();
		// Four more slips do not lock: the count started again.
		expect(await results('root-admin', 'wrong-password', 4, addr)).toEqual(lockSequence.slice(0, 4));
		expect((await signIn('root-admin', TEST_PASSWORD, addr)).ok).toBe(true);
	});

	it('forgets slips older than the window', async () => {
		const addr = fromNewAddress();
		await results('staff-a', 'wrong-password', 4, addr);
		await sql`update sign_in_throttle set window_started_at = now() - interval '16 minutes' where key = 'login:staff-a'`;
		expect(await results('staff-a', 'wrong-password', 4, addr)).toEqual(lockSequence.slice(0, 4));
		expect((await signIn('staff-a', TEST_PASSWORD, addr)).ok).toBe(true);
	});
});

describe('address limit', () => {
	it(`marks an address after ${ADDRESS_MAX_FAILURES} failures across different names, and only that address`, async () => {
		const attacker: Actor = { personId: null, ip: '192.0.2.66', userAgent: 'curl/8' };
		for (let i = 0; i < ADDRESS_MAX_FAILURES; i++) {
			// Few tries per name, so no account lock is reached.
			const r = await signIn(`guess${i % 10}`, `password-${i}`, attacker);
			expect(r).toEqual({ ok: false, error: 'invalid' });
		}
		expect(await signIn('guess-new', 'anything-at-all', attacker)).toEqual({ ok: false, error: 'address_limited' });
		const [failed] = await sql<{ after: { addressLimited: boolean } }[]>`
			select after from audit_log where action = 'sign_in.failed' and ip = '192.0.2.66' order by id desc limit 1`;
		expect(failed!.after.addressLimited).toBe(true);
		// Another address is not affected at all.
		expect(await signIn('guess-new', 'anything-at-all', fromNewAddress())).toEqual({ ok: false, error: 'invalid' });

		await sql`update sign_in_throttle set window_started_at = now() - interval '16 minutes' where key = 'ip:192.0.2.66'`;
		expect(await signIn('guess-new', 'anything-at-all', attacker)).toEqual({ ok: false, error: 'invalid' });
	});

	it('still signs in the right password from a limited address: one guesser behind an office NAT locks nobody else out', async () => {
		const office: Actor = { personId: null, ip: '192.0.2.77', userAgent: 'Mobile Safari' };
		for (let i = 0; i < ADDRESS_MAX_FAILURES; i++) await signIn(`nobody${i % 10}`, `password-${i}`, office);
		expect(await signIn('nobody-else', 'wrong-password', office)).toEqual({ ok: false, error: 'address_limited' });

		const colleague = await signIn('staff-a', TEST_PASSWORD, office);
		expect(colleague.ok).toBe(true);
		const [succeeded] = await sql<{ after: { addressLimited?: boolean } }[]>`
			select after from audit_log where action = 'sign_in.succeeded' and ip = '192.0.2.77' order by id desc limit 1`;
		expect(succeeded!.after.addressLimited).toBe(true);
		// Signing in clears nothing for the address: the guesser is still marked.
		expect(await signIn('nobody-else', 'wrong-password', office)).toEqual({ ok: false, error: 'address_limited' });
	});

	it('keeps the account lock from a limited address: a locked account refuses even its right password', async () => {
		const office: Actor = { personId: null, ip: '192.0.2.88', userAgent: 'curl/8' };
		for (let i = 0; i < ADDRESS_MAX_FAILURES; i++) await signIn(`someone${i % 10}`, `password-${i}`, office);
		// Guessing one account from the limited address still locks it after five failures.
		const guesses = await results('staff-b', 'not-the-password', ACCOUNT_MAX_FAILURES, office);
		expect(guesses.at(-1)).toBe('locked');
		expect(await signIn('staff-b', TEST_PASSWORD, office)).toEqual({ ok: false, error: 'locked' });
		expect(await signIn('staff-b', TEST_PASSWORD, fromNewAddress())).toEqual({ ok: false, error: 'locked' });
		await sql`delete from sign_in_throttle where key = 'login:staff-b'`;
	});
});
