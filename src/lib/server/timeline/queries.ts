import { text, type Text } from '../../i18n/index.ts';
import { describeLine, isText } from './lines.ts';
import type { Tx } from '../db.ts';
import { SUBJECT_TYPES, SUBJECTS, type Subject, type SubjectType } from '../../subjects.ts';
import { announce } from '../live/index.ts';
import { notVisible, unitOfSubject, visibleSubjects, withoutQuotes, type CanSee, type Reader } from '../subjects.ts';

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
	await announce(db, { kind: 'subject', subject: subject.type, id: subject.id, unitId: await unitOfSubject(db, subject) });
}

/**
 * The whole record, as written: for flows and their specs. A person reads it through `timelineFor`.
 * In the order things happened, to the minute: a time a person enters (发布于 14:05) has no seconds, so within
 * one minute the order they were recorded in decides, and 发布文件 at 14:05 never comes before the 送审签 at
 * 14:05:37 that preceded it.
 */
export async function timelineOf(db: Tx, subject: Subject): Promise<TimelineEvent[]> {
	return db<TimelineEvent[]>`
		select e.id::text, e.at, e.kind, e.actor_id, p.name as actor_name, e.data
		from timeline_events e left join people p on p.id = e.actor_id
		where e.subject = ${subject.type} and e.subject_id = ${subject.id}
		order by date_trunc('minute', e.at), e.id`;
}

/**
 * The subject's timeline as `reader` may read it. A line written about another subject (a merge, a link, a
 * release or conference on its incident) froze that subject's title into its data: when the reader cannot see
 * that subject, its id goes and everything said of it reads 不在您的查看范围内. Each line comes in words, in the
 * reader's language (the request's), so the browser carries no catalogue for it.
 */
export async function timelineFor(db: Tx, subject: Subject, reader: Reader): Promise<(TimelineEvent & { line: string })[]> {
	const events = await timelineOf(db, subject);
	const named = events.flatMap((e) => partsOf(e, subject).flatMap((part) => part.about));
	const canSee = await visibleSubjects(db, named, reader);
	return events.map((e) => {
		const seen = seenAs(e, subject, canSee);
		return { ...seen, line: describeLine(seen) };
	});
}

// The fields that name another subject by id, and which kind of subject each names ('same': the timeline's own kind).
const ID_FIELDS: Record<string, SubjectType | 'same'> = {
	...Object.fromEntries(SUBJECT_TYPES.map((type) => [SUBJECTS[type].idField, type])),
	intoId: 'same',
	fromId: 'same'
};
// What a line says of its own subject even when it names another one: its clock, and the sightings it took over.
const OWN_FIELDS = new Set(['clockId', 'rule', 'status', 'step', 'tier', 'audience', 'channel', 'people', 'dueAt', 'sightings']);

interface Part {
	/** the object within the line's data that speaks of `about` (the data itself, or its `evidence`) */
	path: 'data' | 'evidence';
	/** the other subjects it names: one, or none for a cancel reason written before reasons named theirs */
	about: Subject[];
	/** a cancel reason: only its quotation is the other subject's */
	reasonOnly: boolean;
}

function partsOf(e: TimelineEvent, own: Subject): Part[] {
	const parts: Part[] = [];
	const look = (path: Part['path'], o: unknown) => {
		if (!o || typeof o !== 'object' || Array.isArray(o)) return;
		const about = Object.entries(ID_FIELDS).flatMap(([field, type]) => {
			const id = (o as Record<string, unknown>)[field];
			const s = { type: type === 'same' ? own.type : type, id: String(id) };
			return typeof id === 'string' && !(s.type === own.type && s.id === own.id) ? [s] : [];
		});
		if (about.length) parts.push({ path, about, reasonOnly: false });
	};
	look('data', e.data);
	look('evidence', e.data.evidence);
	if (e.kind === 'clock.cancelled' && (typeof e.data.reason === 'string' || isText(e.data.reason))) {
		const a = e.data.about as Subject | undefined;
		if (a) parts.push({ path: 'data', about: [a], reasonOnly: true });
		else if (quotesAnother(e.data.reason)) parts.push({ path: 'data', about: [], reasonOnly: true });
	}
	return parts;
}

// The cancel reasons that quote another subject's title (clocks/flows.ts): a merge, or a clock taken over by an incident.
const QUOTING_REASONS = new Set(['clock.cancel.merged', 'clock.cancel.under_incident']);

/** A cancel reason quoting another subject: by its key, or, written in words before reasons were keys, by its words. */
function quotesAnother(reason: string | Text): boolean {
	return typeof reason === 'string' ? /^(合并到“.*”|纳入“.*”的时限)$/s.test(reason) : QUOTING_REASONS.has(reason.key);
}

/** The reason without what it quotes of a subject out of reach: its parameters read 不在您的查看范围内, in the reader's language. */
function reasonUnquoted(reason: unknown): string | Text {
	if (!isText(reason)) return withoutQuotes(String(reason));
	const hidden = Object.fromEntries(Object.keys(reason.params ?? {}).map((name) => [name, text('common.not_visible')]));
	return { ...reason, params: hidden };
}

function seenAs(e: TimelineEvent, own: Subject, canSee: CanSee): TimelineEvent {
	let data = e.data;
	for (const part of partsOf(e, own)) {
		if (part.about.length && part.about.every(canSee)) continue;
		if (part.reasonOnly) {
			const { about: _about, ...rest } = data;
			data = { ...rest, reason: reasonUnquoted(data.reason) };
			continue;
		}
		const hidden = (o: Record<string, unknown>) =>
			Object.fromEntries(
				Object.entries(o)
					.filter(([k]) => !(k in ID_FIELDS))
					.map(([k, v]) => [k, OWN_FIELDS.has(k) ? v : notVisible()])
			);
		data = part.path === 'data' ? { ...hidden(data), ...(data.evidence ? { evidence: data.evidence } : {}) } : { ...data, evidence: hidden(data.evidence as Record<string, unknown>) };
	}
	return data === e.data ? e : { ...e, data };
}
