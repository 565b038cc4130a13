// A chat platform's pace per person (WeCom: 30 a minute, 1,000 an hour, the rest dropped without a word),
// counted in PostgreSQL so that it holds however many app instances send. Windows are fixed (whole UTC
// minutes, hours): one counter per channel, person and window, counted by one upsert that locks the person's
// rows until its short transaction has given a slot back that a full window refused.
import { sql, type Tx } from '../db.ts';
import type { MessageKey } from '../../i18n/index.ts';
import type { ChannelName } from './channel.ts';

export interface PaceLimit {
	windowMs: number;
	max: number;
	/** the window as the office admin reads it (一分钟, 一小时): a catalogue key */
	label: MessageKey;
}

/** A slot taken (`release` gives it back when the message never reached the platform), or how long until one frees. */
export type Reservation = { ok: true; release: () => Promise<void> } | { ok: false; heldMs: number; limit: PaceLimit };

export interface Pace {
	/** Claims a slot in every window at `at` (ms), or says how long until one frees. */
	reserve(recipient: string, at: number): Promise<Reservation>;
}

interface Counted {
	windowSeconds: number;
	sent: number;
}

export function databasePace(channel: Exclude<ChannelName, 'inbox' | 'web_push'>, limits: readonly PaceLimit[], db: typeof sql = sql): Pace {
	// The longest window first: every reservation for a person takes the same row first, so two never
	// hold one row each while waiting for the other's.
	const ordered = [...limits].sort((a, b) => b.windowMs - a.windowMs);
	const seconds = ordered.map((limit) => Math.round(limit.windowMs / 1_000));
	const startsAt = (at: number) => ordered.map((limit) => new Date(at - (at % limit.windowMs)).toISOString());

	/** Adds `by` to the person's counter in each window of `at`, in window order, and answers the new counts. */
	const count = (tx: Tx, recipient: string, at: number, by: 1 | -1) => tx<Counted[]>`
		insert into channel_pace (channel, recipient, window_seconds, window_start, sent)
		select ${channel}, ${recipient}, w.seconds, w.start, ${Math.max(by, 0)}
		from unnest(${seconds}::int[], ${startsAt(at)}::timestamptz[]) with ordinality as w (seconds, start, n)
		order by w.n
		on conflict (channel, recipient, window_seconds, window_start)
			do update set sent = greatest(channel_pace.sent + ${by}, 0)
		returning window_seconds, sent`;

	/** The person's ended windows count for nothing now; rows another sender is already clearing are left to it. */
	const clearEnded = (recipient: string, at: number) => db`
		delete from channel_pace where (channel, recipient, window_seconds, window_start) in (
			select channel, recipient, window_seconds, window_start from channel_pace
			where channel = ${channel} and recipient = ${recipient}
				and window_start + make_interval(secs => window_seconds) <= ${new Date(at).toISOString()}::timestamptz
			for update skip locked)`;

	return {
		async reserve(recipient, at) {
			const { over, opened } = await db.begin(async (tx) => {
				const counted = await count(tx, recipient, at, 1);
				const full = ordered
					.filter((limit, i) => (counted.find((c) => c.windowSeconds === seconds[i])?.sent ?? 0) > limit.max)
					.map((limit) => ({ limit, heldMs: limit.windowMs - (at % limit.windowMs) }))
					.sort((a, b) => b.heldMs - a.heldMs);
				// Over in one window: the slots taken go back before anyone else can read the counts.
				if (full[0]) await count(tx, recipient, at, -1);
				return { over: full[0] ?? null, opened: counted.some((c) => c.sent === 1) };
			});
			if (over) return { ok: false, ...over };
			// The first message of a new window: at most a row per window stays per person.
			if (opened) await clearEnded(recipient, at);
			return { ok: true, release: async () => void (await count(db, recipient, at, -1)) };
		}
	};
}
