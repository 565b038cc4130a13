import { text, type Text } from '../../i18n/index.ts';
import { describeLine, isText } from './lines.ts';
import type { Tx } from '../db.ts';
import { encodeCursor } from '../pages.ts';
import { toIso } from '../../time.ts';
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
		order by ${minuteOf(db)}, e.id`;
}

/**
 * The minute of a line, as the timeline orders them and `timeline_subject_minute` (0022) holds them: taken in UTC,
 * which an index can hold (a time zone's minute may not be), and whose minutes are Beijing's too (8 whole hours).
 */
const minuteOf = (db: Tx) => db`date_trunc('minute', e.at at time zone 'UTC')`;

/** Where a page of older lines starts: the minute and id of the oldest line shown. */
export type TimelineCursor = [minute: string, id: string];

/** How many of the latest lines a subject's page shows; the older ones come a page at a time (`timeline.older`). */
export const TIMELINE_PAGE = 100;

/**
 * A page of the subject's timeline as `reader` may read it, newest first, from before `before` (the latest when
 * null): a major incident's record grows by a line per escalation step for days, and its page shows the latest.
 */
export async function timelinePage(db: Tx, subject: Subject, reader: Reader, before: TimelineCursor | null, limit = TIMELINE_PAGE) {
	const rows = await db<(TimelineEvent & { minute: string })[]>`
		select e.id::text, e.at, e.kind, e.actor_id, p.name as actor_name, e.data,
			to_char(${minuteOf(db)}, 'YYYY-MM-DD"T"HH24:MI') as minute
		from timeline_events e left join people p on p.id = e.actor_id
		where e.subject = ${subject.type} and e.subject_id = ${subject.id}
			${before ? db`and (${minuteOf(db)}, e.id) < (${before[0]}::timestamp, ${before[1]}::bigint)` : db``}
		order by ${minuteOf(db)} desc, e.id desc
		limit ${limit + 1}`;
	const kept = rows.slice(0, limit);
	const last = kept.at(-1);
	const items = await described(db, kept, subject, reader);
	return {
		items: items.map(({ minute: _m, ...e }) => ({ ...e, at: toIso(e.at) })),
		nextCursor: rows.length > limit && last ? encodeCursor([last.minute, last.id] satisfies TimelineCursor) : null
	};
}

/**
 * What a subject's page carries of its timeline: the latest lines in the order they happened, and where the older
 * ones start (null: this is all of it).
 */
export async function timelineOut(db: Tx, subject: Subject, reader: Reader) {
	const page = await timelinePage(db, subject, reader, null);
	return { timeline: page.items.reverse(), timelineOlder: page.nextCursor };
}

/**
 * The subject's timeline as `reader` may read it. A line written about another subject (a merge, a link, a
 * release or conference on its incident) froze that subject's title into its data: when the reader cannot see
 * that subject, its id goes and everything said of it reads 不在您的查看范围内. Each line comes in words, in the
 * reader's language (the request's), so the browser carries no catalogue for it.
 */
export async function timelineFor(db: Tx, subject: Subject, reader: Reader): Promise<(TimelineEvent & { line: string })[]> {
	return described(db, await timelineOf(db, subject), subject, reader);
}

async function described<E extends TimelineEvent>(db: Tx, events: E[], subject: Subject, reader: Reader): Promise<(E & { line: string })[]> {
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

function seenAs<E extends TimelineEvent>(e: E, own: Subject, canSee: CanSee): E {
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
