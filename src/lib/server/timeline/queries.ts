import type { Tx } from '../db.ts';
import type { Subject } from '../clocks/queries.ts';
import { announce } from '../live/bus.ts';

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
	// Whatever reaches a timeline is news for the screens showing that subject, on every instance.
	const [unit] = await db<{ unitId: string | null }[]>`
		select case ${subject.type}
			when 'incident' then (select lead_unit_id from incidents where id = ${subject.id})
			when 'opinion_item' then (select unit_id from opinion_items where id = ${subject.id})
			when 'document' then (select unit_id from documents where id = ${subject.id})
			when 'release' then (select unit_id from releases where id = ${subject.id})
			when 'conference' then (select unit_id from conferences where id = ${subject.id})
		end as unit_id`;
	await announce(db, { kind: 'subject', subject: subject.type, id: subject.id, unitId: unit?.unitId ?? null });
}

export async function timelineOf(db: Tx, subject: Subject): Promise<TimelineEvent[]> {
	return db<TimelineEvent[]>`
		select e.id::text, e.at, e.kind, e.actor_id, p.name as actor_name, e.data
		from timeline_events e left join people p on p.id = e.actor_id
		where e.subject = ${subject.type} and e.subject_id = ${subject.id}
		order by e.at, e.id`;
}
