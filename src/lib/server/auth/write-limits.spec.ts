import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../db.ts';
import { makeCity, postAs, refusal, signInAs, TEST_ACTOR, type SignedIn } from '../test-helpers.ts';
import { createCaller } from '../trpc/root.ts';
import { createWriteLimiter, writeLimits } from './write-limits.ts';

const limits = writeLimits();
const personBudget = limits.person.perMinute + limits.person.burst;
const addressBudget = limits.address.perMinute + limits.address.burst;

let serial = 0;
/** An address of the test's own, so no other test's writes count against it. */
const address = () => `198.18.0.${++serial}`;

let city: Awaited<ReturnType<typeof makeCity>>;
beforeAll(async () => {
	city = await makeCity();
});

/** A write that changes nothing and is cheap: renaming a device that is not there still counts. */
const write = (s: SignedIn) => s.caller.device.rename({ id: randomUUID(), name: '值班手机' });

describe('writes per person', () => {
	it(`lets a person make ${personBudget} writes at once (an outbox flushing), then refuses with 429 and how long to wait`, async () => {
		const staff = await signInAs('staff-a', undefined, { ...TEST_ACTOR, ip: address() });
		for (let i = 0; i < personBudget; i++) expect((await refusal(write(staff))).code).toBe('NOT_FOUND');

		const e = await refusal(write(staff));
		expect(e.code).toBe('TOO_MANY_REQUESTS');
		expect(e.message).toMatch(/^操作太频繁，请稍后再试（约 \d+ 秒）/);
		const seconds = Number(/约 (\d+) 秒/.exec(e.message)![1]);
		expect(seconds).toBeGreaterThan(0);
		expect(seconds).toBeLessThanOrEqual(60);

		// What the browser gets: HTTP 429 with the message, to show beside the form it keeps.
		const http = await postAs(staff, 'device.rename', { id: randomUUID(), name: '值班手机' });
		expect(http.status).toBe(429);
		expect(http.body.error.message).toMatch(/^操作太频繁/);

		// Reading is not limited, and a colleague behind the same address still writes.
		await expect(staff.caller.device.list()).resolves.toEqual([]);
		const colleague = await signInAs('staff-b', undefined, staff.actor);
		expect((await refusal(write(colleague))).code).toBe('NOT_FOUND');
	});

	it('holds across instances: another server with its own memory refuses the same person, from the shared table', async () => {
		const admin = await signInAs('admin-a', undefined, { ...TEST_ACTOR, ip: address() });
		const elsewhere = createWriteLimiter();
		for (let i = 0; i < personBudget; i++) await elsewhere.consume({ personId: admin.user.id, ip: null });
		// This instance never saw those writes, yet refuses the next one.
		expect((await refusal(write(admin))).code).toBe('TOO_MANY_REQUESTS');
		const [row] = await sql<{ points: number }[]>`select points from rate_limit.counters where key = ${`write-person:${admin.user.id}`}`;
		expect(row!.points).toBeGreaterThanOrEqual(limits.person.perMinute);
	});

	it('lets the person write again once the window has passed', async () => {
		const person = city.sysadmin;
		const limiter = createWriteLimiter();
		for (let i = 0; i < personBudget; i++) await limiter.consume({ personId: person.id, ip: null });
		await expect(limiter.consume({ personId: person.id, ip: null })).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
		await sql`update rate_limit.counters set expire = ${Date.now() - 1} where key like ${`%:${person.id}`}`;
		// A fresh instance (this one keeps the block in memory until its minute is over, as it should).
		await expect(createWriteLimiter().consume({ personId: person.id, ip: null })).resolves.toBeUndefined();
	});
});

describe('writes per address', () => {
	it(`refuses an address after ${addressBudget} writes, whoever makes them, and only that address`, async () => {
		const ip = address();
		const limiter = createWriteLimiter();
		// Many people (or none: receipts from the service worker) behind one address share its budget.
		for (let i = 0; i < addressBudget; i++) await limiter.consume({ personId: null, ip });
		const anonymous = createCaller({ user: null, session: null, actor: { personId: null, ip, userAgent: 'curl/8' } });
		const e = await refusal(anonymous.delivery.receipt({ deliveryId: '1', token: 'a'.repeat(32), event: 'received' }));
		expect(e.code).toBe('TOO_MANY_REQUESTS');

		const other = createCaller({ user: null, session: null, actor: { personId: null, ip: address(), userAgent: 'curl/8' } });
		const fine = await refusal(other.delivery.receipt({ deliveryId: '1', token: 'a'.repeat(32), event: 'received' }));
		expect(fine.code).toBe('NOT_FOUND');
	});
});

describe('the limits', () => {
	it('are high enough for a person at work and take an operator setting for larger offices behind one address', () => {
		expect(writeLimits({})).toEqual({
			person: { perMinute: 60, burst: 120, burstMinutes: 10 },
			address: { perMinute: 300, burst: 600, burstMinutes: 10 }
		});
		expect(writeLimits({ WRITE_LIMIT_ADDRESS: '1000' }).address.perMinute).toBe(1000);
		expect(writeLimits({ WRITE_LIMIT_PERSON: 'lots' }).person.perMinute).toBe(60);
	});
});
