// The inbox as a to-do list: open notices (their reason not yet passed) first, then the recently settled.
import type { Urgency } from '../../clocks.ts';
import type { Text } from '../../i18n/index.ts';
import type { SettledAs } from '../../inbox.ts';
import type { Tx } from '../db.ts';
import { cursorTime } from '../pages.ts';
import { storedText } from '../notify/index.ts';

export interface NoticeRow {
	id: string;
	kind: 'clock' | 'signoff' | 'alert';
	clockId: string | null;
	stepIndex: number | null;
	urgency: Urgency;
	title: Text;
	body: Text;
	url: string;
	createdAt: Date;
	readAt: Date | null;
	acknowledgedAt: Date | null;
	/** the clock's deadline while the notice is open: the countdown is live, not the one in the text */
	dueAt: Date | null;
	settledAt: Date | null;
	settledAs: SettledAs | null;
	settledNote: Text | null;
}

type Stored<T> = Omit<T, 'title' | 'body' | 'settledNote'> & { title: unknown; body: unknown; settledNote?: unknown };

/** The stored texts (jsonb) as texts, legacy words kept as they were. */
function read<T extends { title: Text; body: Text }>(row: Stored<T>): T {
	const texts = { title: storedText(row.title), body: storedText(row.body) };
	if (!('settledNote' in row)) return { ...row, ...texts } as unknown as T;
	return { ...row, ...texts, settledNote: row.settledNote === null ? null : storedText(row.settledNote) } as unknown as T;
}

/** How many of a person's settled notices stay in view below the open ones. */
export const SETTLED_SHOWN = 30;

/** Where the next page of settled notices starts: when the last shown was settled, to the microsecond, and its id. */
export type SettledCursor = [settledAt: string, id: string];

/**
 * The person's open notices, newest first (`limit` of them; none when reading further down), and a page of the
 * settled ones, latest settled first, after the cursor: `settledLimit` rows are read, the page and one more.
 */
export async function listNotices(
	db: Tx,
	personId: string,
	f: { limit: number; settledLimit: number; after: SettledCursor | null }
): Promise<{ open: NoticeRow[]; settled: (NoticeRow & { sortAt: string })[] }> {
	const [open, settled] = await Promise.all([
		f.after
			? []
			: db<Stored<NoticeRow>[]>`
				select n.id, n.kind, n.clock_id, n.step_index, n.urgency, n.title, n.body, n.url, n.created_at, n.read_at,
					n.acknowledged_at, c.due_at, n.settled_at, n.settled_as, n.settled_note
				from notifications n left join clocks c on c.id = n.clock_id
				where n.person_id = ${personId} and n.settled_at is null
				order by n.created_at desc limit ${f.limit}`,
		db<Stored<NoticeRow & { sortAt: string }>[]>`
			select n.id, n.kind, n.clock_id, n.step_index, n.urgency, n.title, n.body, n.url, n.created_at, n.read_at,
				n.acknowledged_at, null::timestamptz as due_at, n.settled_at, n.settled_as, n.settled_note, ${cursorTime(db, 'n.settled_at')} as sort_at
			from notifications n
			where n.person_id = ${personId} and n.settled_at is not null
				${f.after ? db`and (n.settled_at, n.id) < (${f.after[0]}::timestamptz, ${f.after[1]}::uuid)` : db``}
			order by n.settled_at desc, n.id desc limit ${f.settledLimit}`
	]);
	return { open: open.map((row) => read<NoticeRow>(row)), settled: settled.map((row) => read<NoticeRow & { sortAt: string }>(row)) };
}

/** The badge: notices still asking something of the person and not yet seen. */
export async function countOpenUnread(db: Tx, personId: string): Promise<number> {
	const [row] = await db<{ n: number }[]>`
		select count(*)::int as n from notifications where person_id = ${personId} and read_at is null and settled_at is null`;
	return row?.n ?? 0;
}

export interface GapRow {
	id: string;
	title: Text;
	body: Text;
	url: string;
	createdAt: Date;
}

/**
 * The office's open alerts that a clock's step could tell nobody (the unit lacks the person the ladder
 * names): shown on its 工作台 until the clock ends.
 */
export async function listStaffingGaps(db: Tx, personId: string): Promise<GapRow[]> {
	const rows = await db<Stored<GapRow>[]>`
		select id, title, body, url, created_at from notifications
		where person_id = ${personId} and kind = 'alert' and clock_id is not null and settled_at is null
		order by created_at desc limit 20`;
	return rows.map((row) => read<GapRow>(row));
}
