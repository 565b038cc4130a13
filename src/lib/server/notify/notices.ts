// Notices that are not a clock's step: a sign-off request for a leader, an alert for the office. They go
// to the inbox and then out on each person's channels, like a clock's notices, in the caller's transaction.
import type { Urgency } from '../../clocks.ts';
import type { Subject } from '../clocks/queries.ts';
import type { Tx } from '../db.ts';
import { enqueueDelivery } from '../jobs/boss.ts';
import { announce } from '../live/bus.ts';

export interface NoticeInput {
	kind: 'signoff' | 'alert';
	urgency: Urgency;
	title: string;
	body: string;
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
				${notice.urgency}, ${notice.title}, ${notice.body}, ${notice.url}, ${now})
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

/** The notices about `subject` of `kind` are answered (a request decided): no channel tries them further. */
export async function settleNotices(tx: Tx, subject: Subject, kind: NoticeInput['kind'], url: string | null, at: Date): Promise<void> {
	await tx`
		update notifications set acknowledged_at = coalesce(acknowledged_at, ${at})
		where kind = ${kind} and subject = ${subject.type} and subject_id = ${subject.id}
			and (${url}::text is null or url = ${url})`;
}
