import type { Tx } from '../db.ts';

export interface SessionSettings {
	idleHours: number;
	absoluteDays: number;
	/** leaders and principals sign in with two factors too, as administrators always do (auth/second-factor.ts) */
	secondFactorForLeaders: boolean;
}

export async function getSessionSettings(db: Tx): Promise<SessionSettings> {
	const rows = await db<{ key: string; value: unknown }[]>`
		select key, value from settings where key in ('session.idle_hours', 'session.absolute_days', 'session.second_factor_leaders')`;
	const v = Object.fromEntries(rows.map((r) => [r.key, r.value]));
	return {
		idleHours: Number(v['session.idle_hours'] ?? 12),
		absoluteDays: Number(v['session.absolute_days'] ?? 30),
		secondFactorForLeaders: v['session.second_factor_leaders'] === true
	};
}

export async function putSetting(db: Tx, key: string, value: unknown, by: string | null): Promise<void> {
	await db`
		insert into settings (key, value, updated_by) values (${key}, ${db.json(value as never)}, ${by})
		on conflict (key) do update set value = excluded.value, updated_by = excluded.updated_by, updated_at = now()`;
}
