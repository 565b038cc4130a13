// Shared by server and browser: the shifts a duty roster is filled with (值班表), in China time.
export const SHIFT_KINDS = ['day', 'night', 'full'] as const;
export type ShiftKind = (typeof SHIFT_KINDS)[number];

/** The China calendar day after `day` (2026-12-31 → 2027-01-01). */
export function nextDay(day: string): string {
	const d = new Date(`${day}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + 1);
	return d.toISOString().slice(0, 10);
}

/** Start and end of a shift of `kind` on `day`: 白班 08:30–17:30, 夜班 17:30–next 08:30, 全天 08:30–next 08:30. */
export function shiftTimes(day: string, kind: ShiftKind): { startsAt: string; endsAt: string } {
	const at = (d: string, time: string) => `${d}T${time}:00+08:00`;
	if (kind === 'day') return { startsAt: at(day, '08:30'), endsAt: at(day, '17:30') };
	if (kind === 'night') return { startsAt: at(day, '17:30'), endsAt: at(nextDay(day), '08:30') };
	return { startsAt: at(day, '08:30'), endsAt: at(nextDay(day), '08:30') };
}

/** The China days of a month (`2026-12`), first to last. */
export function daysOf(month: string): string[] {
	const days: string[] = [];
	for (let d = `${month}-01`; d.startsWith(month); d = nextDay(d)) days.push(d);
	return days;
}

/** The China day a moment falls on. */
export const chinaDay = (iso: string | Date): string =>
	new Date(new Date(iso).getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
