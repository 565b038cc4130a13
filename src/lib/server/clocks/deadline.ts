// When a clock falls due. Clock hours run through nights and holidays; working days follow the
// calendar (the calendar issue supplies the State Council's data; until then Monday to Friday).

export type DurationUnit = 'hours' | 'working_days';

/** Is this China-time date (YYYY-MM-DD) a working day? */
export type WorkingDayTest = (isoDate: string) => boolean;

const CST_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

export const mondayToFriday: WorkingDayTest = (isoDate) => {
	const day = new Date(`${isoDate}T00:00:00Z`).getUTCDay();
	return day !== 0 && day !== 6;
};

function cstDate(ms: number): string {
	return new Date(ms + CST_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * The end (24:00 China time) of the n-th working day after the day of `start`: a document published
 * on Friday with 3 working days is due at the close of Wednesday.
 */
export function addWorkingDays(start: Date, n: number, isWorkingDay: WorkingDayTest = mondayToFriday): Date {
	let dayStart = Date.parse(`${cstDate(start.getTime())}T00:00:00+08:00`);
	let counted = 0;
	while (counted < n) {
		dayStart += DAY_MS;
		if (isWorkingDay(cstDate(dayStart))) counted++;
	}
	return new Date(dayStart + DAY_MS);
}

export function dueAt(start: Date, value: number, unit: DurationUnit, isWorkingDay?: WorkingDayTest): Date {
	return unit === 'hours' ? new Date(start.getTime() + value * 3_600_000) : addWorkingDays(start, value, isWorkingDay);
}
