import type { Tx } from '../db.ts';
import type { Subject } from '../clocks/queries.ts';

export interface TimelineEvent {
	id: string;
	at: Date;
	kind: string;
	actorId: string | null;
	actorName: string | null;
	data: Record<string, unknown>;
}

/** One line in the subject's timeline: what happened, who did it, when. */
export async function addEvent(
	db: Tx,
	subject: Subject,
	kind: string,
	actorId: string | null,
	data: Record<string, unknown> = {},
	at?: Date
): Promise<void> {
	await db`
		insert into timeline_events (subject, subject_id, kind, actor_id, data, at)
		values (${subject.type}, ${subject.id}, ${kind}, ${actorId}, ${db.json(data as never)}, ${at ?? new Date()})`;
}

export async function timelineOf(db: Tx, subject: Subject): Promise<TimelineEvent[]> {
	return db<TimelineEvent[]>`
		select e.id::text, e.at, e.kind, e.actor_id, p.name as actor_name, e.data
		from timeline_events e left join people p on p.id = e.actor_id
		where e.subject = ${subject.type} and e.subject_id = ${subject.id}
		order by e.at, e.id`;
}
