import type { Tx } from '../db.ts';

export interface SessionSettings {
	idleHours: number;
	absoluteDays: number;
}

export async function getSessionSettings(db: Tx): Promise<SessionSettings> {
	const rows = await db<{ key: string; value: number }[]>`
		select key, value from settings where key in ('session.idle_hours', 'session.absolute_days')`;
	const v = Object.fromEntries(rows.map((r) => [r.key, Number(r.value)]));
	return { idleHours: v['session.idle_hours'] ?? 12, absoluteDays: v['session.absolute_days'] ?? 30 };
}

export async function putSetting(db: Tx, key: string, value: unknown, by: string | null): Promise<void> {
	await db`
		insert into settings (key, value, updated_by) values (${key}, ${db.json(value as never)}, ${by})
		on conflict (key) do update set value = excluded.value, updated_by = excluded.updated_by, updated_at = now()`;
}
