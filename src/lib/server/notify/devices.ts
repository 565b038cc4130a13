import type { Text } from '../../i18n/index.ts';
import type { Tx } from '../db.ts';
import { storedText } from './text.ts';

export interface DeviceRow {
	id: string;
	personId: string;
	endpoint: string;
	p256dh: string;
	auth: string;
	vapidPublicKey: string;
	name: string;
	platform: string;
	createdAt: Date;
	lastSuccessAt: Date | null;
	lastFailureAt: Date | null;
	/** why the last push to it failed, as stored (rendered for whoever reads it) */
	lastFailure: Text | null;
}

const columns = (db: Tx) =>
	db`id, person_id, endpoint, p256dh, auth, vapid_public_key, name, platform, created_at, last_success_at, last_failure_at, last_failure`;

type Stored = Omit<DeviceRow, 'lastFailure'> & { lastFailure: unknown };
const read = (d: Stored): DeviceRow => ({ ...d, lastFailure: d.lastFailure === null ? null : storedText(d.lastFailure) });

export async function devicesOf(db: Tx, personId: string): Promise<DeviceRow[]> {
	return (await db<Stored[]>`select ${columns(db)} from push_devices where person_id = ${personId} order by created_at`).map(read);
}

/** The phones of several people at once, by person. */
export async function devicesOfPeople(db: Tx, personIds: string[]): Promise<Map<string, DeviceRow[]>> {
	const byPerson = new Map<string, DeviceRow[]>();
	if (!personIds.length) return byPerson;
	const rows = (await db<Stored[]>`
		select ${columns(db)} from push_devices where person_id = any(${[...new Set(personIds)]}::uuid[]) order by created_at`).map(read);
	for (const d of rows) byPerson.set(d.personId, [...(byPerson.get(d.personId) ?? []), d]);
	return byPerson;
}

export async function getDevice(db: Tx, id: string, personId: string): Promise<DeviceRow | undefined> {
	const [row] = await db<Stored[]>`select ${columns(db)} from push_devices where id = ${id} and person_id = ${personId}`;
	return row && read(row);
}

/** One row per browser subscription; a shared phone that signs in as someone else moves to them. */
export async function upsertDevice(
	db: Tx,
	d: { personId: string; endpoint: string; p256dh: string; auth: string; vapidPublicKey: string; name: string; platform: string; userAgent: string | null }
): Promise<DeviceRow> {
	const [row] = await db<Stored[]>`
		insert into push_devices (person_id, endpoint, p256dh, auth, vapid_public_key, name, platform, user_agent)
		values (${d.personId}, ${d.endpoint}, ${d.p256dh}, ${d.auth}, ${d.vapidPublicKey}, ${d.name}, ${d.platform}, ${d.userAgent})
		on conflict (endpoint) do update set person_id = excluded.person_id, p256dh = excluded.p256dh, auth = excluded.auth,
			vapid_public_key = excluded.vapid_public_key, user_agent = excluded.user_agent,
			last_failure = null, last_failure_at = null
		returning ${columns(db)}`;
	return read(row!);
}

export async function renameDevice(db: Tx, id: string, personId: string, name: string): Promise<boolean> {
	const rows = await db`update push_devices set name = ${name} where id = ${id} and person_id = ${personId} returning 1`;
	return rows.length > 0;
}

export async function removeDevice(db: Tx, id: string, personId: string): Promise<boolean> {
	const rows = await db`delete from push_devices where id = ${id} and person_id = ${personId} returning 1`;
	return rows.length > 0;
}

/** The push service said the subscription is gone (404/410): forget it. */
export async function forgetEndpoint(db: Tx, endpoint: string): Promise<void> {
	await db`delete from push_devices where endpoint = ${endpoint}`;
}

export async function markDevicesReached(db: Tx, ids: string[]): Promise<void> {
	if (ids.length) await db`update push_devices set last_success_at = now() where id = any(${ids}::uuid[])`;
}

export async function markDeviceResult(db: Tx, id: string, failure: Text | null): Promise<void> {
	if (failure === null) await db`update push_devices set last_success_at = now() where id = ${id}`;
	else await db`update push_devices set last_failure_at = now(), last_failure = ${db.json(failure as never)} where id = ${id}`;
}
