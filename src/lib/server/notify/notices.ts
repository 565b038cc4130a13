// Notices that are not a clock's step: a sign-off request for a leader, an alert for the office. They go
// to the inbox and then out on each person's channels, like a clock's notices, in the caller's transaction.
// Title and body are stored as texts (key and parameters): each person reads them in their own language.
import type { Urgency } from '../../clocks.ts';
import type { Text, TextParam } from '../../i18n/index.ts';
import type { SettledAs } from '../../inbox.ts';
import type { Subject } from '../clocks/index.ts';
import type { Tx } from '../db.ts';
import { enqueueDelivery, enqueueWithdrawal } from '../jobs/index.ts';
import { announce } from '../live/index.ts';
import { verbatim } from './text.ts';

export interface NoticeInput {
	kind: 'signoff' | 'alert';
	urgency: Urgency;
	title: Text;
	body: Text;
	/** where one tap lands, inside the app */
	url: string;
	subject: Subject | null;
}

/** Tells each person once (duplicates dropped); returns the inbox rows by person. */
export async function sendNotice(tx: Tx, personIds: string[], notice: NoticeInput, now: Date = new Date()): Promise<Map<string, string>> {
	const sent = new Map<string, string>();
	for (const personId of new Set(personIds)) {
		const [note] = await tx<{ id: string }[]>`
			insert into notifications (person_id, kind, subject, subject_id, urgency, title, body, url, created_at)
			values (${personId}, ${notice.kind}, ${notice.subject?.type ?? null}, ${notice.subject?.id ?? null},
				${notice.urgency}, ${tx.json(notice.title as never)}, ${tx.json(notice.body as never)}, ${notice.url}, ${now})
			returning id`;
		await tx`
			insert into deliveries (notification_id, tier, recipient_id, channel, status, due_at, created_at, updated_at, sent_at)
			values (${note!.id}, 0, ${personId}, 'inbox', 'sent', ${now}, ${now}, ${now}, ${now})`;
		await announce(tx, { kind: 'inbox', personId });
		await enqueueDelivery(tx, { notificationId: note!.id, recipientId: personId });
		sent.set(personId, note!.id);
	}
	return sent;
}

/** Which notices a change settles: a clock's, or those of one kind about a subject (only those pointing at `url`, when given). */
export type NoticeScope = { clockIds: string[] } | { subject: Subject; kind: NoticeInput['kind']; url: string | null };

// A settlement's note is a line in a list: what a person typed is cut to this many characters.
const NOTE_MAX = 200;
const cut = (value: TextParam): TextParam =>
	typeof value === 'string' ? value.slice(0, NOTE_MAX) : typeof value === 'number' ? value : shortNote(value);
const shortNote = (note: Text): Text =>
	note.params ? { key: note.key, params: Object.fromEntries(Object.entries(note.params).map(([k, v]) => [k, cut(v)])) } : note;

/**
 * The notices' reason has passed: each shows as done with what settled it, leaves the badge and asks for
 * nothing more; no channel tries them further, and their pushes are replaced or recalled after commit.
 * The one place a notice becomes done. Already settled notices keep their first settlement. The note is a
 * catalogue text, or words a person gave (a name, a reason), kept as they are.
 */
export async function settleNotices(tx: Tx, scope: NoticeScope, as: SettledAs, note: Text | string | null, at: Date): Promise<number> {
	const stored = note === null || note === '' ? null : shortNote(typeof note === 'string' ? verbatim(note) : note);
	const settled = await tx<{ id: string; personId: string }[]>`
		update notifications set settled_at = ${at}, settled_as = ${as}, settled_note = ${stored ? tx.json(stored as never) : null},
			acknowledged_at = case when kind = 'clock' then acknowledged_at else coalesce(acknowledged_at, ${at}) end
		where settled_at is null and ${
			'clockIds' in scope
				? tx`clock_id = any(${scope.clockIds}::uuid[])`
				: tx`kind = ${scope.kind} and subject = ${scope.subject.type} and subject_id = ${scope.subject.id}
					and (${scope.url}::text is null or url = ${scope.url})`
		}
		returning id, person_id`;
	if (!settled.length) return 0;
	for (const personId of new Set(settled.map((n) => n.personId))) await announce(tx, { kind: 'inbox', personId });
	await enqueueWithdrawal(tx, settled.map((n) => n.id));
	return settled.length;
}
