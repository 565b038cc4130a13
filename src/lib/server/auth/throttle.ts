import type { Tx } from '../db.ts';

export const ACCOUNT_MAX_FAILURES = 5;
export const ACCOUNT_LOCK_MINUTES = 15;
// An address that fails this often in the window is told so on each further failure; the right password from it
// still signs in (behind a shared NAT that address is a whole office), so only each account's lock refuses outright.
export const ADDRESS_MAX_FAILURES = 30;
const WINDOW_MINUTES = 15;

export const loginKey = (login: string) => `login:${login}`;
export const addressKey = (ip: string) => `ip:${ip}`;

export async function isLocked(db: Tx, key: string): Promise<boolean> {
	const [row] = await db<{ locked: boolean }[]>`
		select locked_until is not null and locked_until > now() as locked from sign_in_throttle where key = ${key}`;
	return row?.locked ?? false;
}

export async function addressOverLimit(db: Tx, ip: string): Promise<boolean> {
	const [row] = await db<{ over: boolean }[]>`
		select failures >= ${ADDRESS_MAX_FAILURES}
			and window_started_at > now() - make_interval(mins => ${WINDOW_MINUTES}) as over
		from sign_in_throttle where key = ${addressKey(ip)}`;
	return row?.over ?? false;
}

/** Counts a failure; returns true when this failure locks the key (never, without a maximum). */
export async function recordFailure(db: Tx, key: string, maxFailures: number | null): Promise<boolean> {
	const [row] = await db<{ failures: number }[]>`
		insert into sign_in_throttle as t (key, failures, window_started_at)
		values (${key}, 1, now())
		on conflict (key) do update set
			failures = case when t.window_started_at <= now() - make_interval(mins => ${WINDOW_MINUTES})
				or (t.locked_until is not null and t.locked_until <= now()) then 1 else t.failures + 1 end,
			window_started_at = case when t.window_started_at <= now() - make_interval(mins => ${WINDOW_MINUTES})
				or (t.locked_until is not null and t.locked_until <= now()) then now() else t.window_started_at end,
			locked_until = case when t.locked_until is not null and t.locked_until <= now() then null else t.locked_until end
		returning failures`;
	const locks = maxFailures !== null && (row?.failures ?? 0) >= maxFailures;
	if (locks) {
		await db`update sign_in_throttle set locked_until = now() + make_interval(mins => ${ACCOUNT_LOCK_MINUTES}) where key = ${key}`;
	}
	return locks;
}

export async function clearFailures(db: Tx, key: string): Promise<void> {
	await db`delete from sign_in_throttle where key = ${key}`;
}
