// The server half of the subjects registry (src/lib/subjects.ts): for each kind of subject, the unit it belongs to
// and who may see one. What each kind lets a person see is its domain's rule; this asks them all at once, for a
// clock's subject, the subjects a timeline line names, or a cancel reason's. A subject's title is the SQL function
// `subject_title()` (db/migrations), so that lists of clocks read it in the same query; subjects.spec.ts checks it
// answers for every kind here.
import type { PendingQuery, Row } from 'postgres';
import { m } from '../paraglide/messages.js';
import { SUBJECT_TYPES, type Subject, type SubjectType } from '../subjects.ts';
import type { Actor } from './actor.ts';
import type { SessionUser } from './auth/session.ts';
import type { Tx } from './db.ts';
import { documentVisible } from './documents/queries.ts';
import { releaseVisible } from './releases/queries.ts';
import { inReach, scopeRoot } from './units/scope.ts';

/** Who is reading: their reach, and who they are (the people a document or release names see it too). An actor is one. */
export type Reader = Pick<Actor, 'scope' | 'personId'>;

/** The reader a signed-in person is, for the page loads and routers that do not hold an actor (tRPC's is `ctx.actor`). */
export const readerOf = (user: Pick<SessionUser, 'id' | 'roles' | 'scopeUnitId'>): Reader => ({ scope: scopeRoot(user), personId: user.id });

interface SubjectTable {
	/** the unit one belongs to, given its id: news of a change goes to the people who reach that unit */
	unitOf: (db: Tx, id: PendingQuery<Row[]>) => PendingQuery<Row[]>;
	/** a condition that the reader may see the one with this id */
	visible: (db: Tx, id: PendingQuery<Row[]>, reader: Reader) => PendingQuery<Row[]>;
}

export const SUBJECT_TABLES: Readonly<Record<SubjectType, SubjectTable>> = {
	incident: {
		unitOf: (db, id) => db`(select lead_unit_id from incidents where id = ${id})`,
		visible: (db, id, reader) => db`exists (select 1 from incidents i where i.id = ${id} and ${inReach(db, 'i.lead_unit_id', reader.scope)})`
	},
	opinion_item: {
		unitOf: (db, id) => db`(select unit_id from opinion_items where id = ${id})`,
		visible: (db, id, reader) => db`exists (select 1 from opinion_items o where o.id = ${id} and ${inReach(db, 'o.unit_id', reader.scope)})`
	},
	release: {
		unitOf: (db, id) => db`(select unit_id from releases where id = ${id})`,
		visible: (db, id, reader) => db`exists (select 1 from releases r where r.id = ${id} and ${releaseVisible(db, reader.scope, reader.personId)})`
	},
	document: {
		unitOf: (db, id) => db`(select unit_id from documents where id = ${id})`,
		visible: (db, id, reader) => db`exists (
			select 1 from documents d join document_versions v on v.document_id = d.id and v.number = d.current_version
			where d.id = ${id} and ${documentVisible(db, reader.scope, reader.personId)})`
	},
	conference: {
		unitOf: (db, id) => db`(select unit_id from conferences where id = ${id})`,
		visible: (db, id, reader) => db`exists (select 1 from conferences c where c.id = ${id} and ${inReach(db, 'c.unit_id', reader.scope)})`
	}
};

/** `case <type> when 'incident' then … end` over every kind of subject: `each` says what for one kind. */
function eachType(db: Tx, type: PendingQuery<Row[]>, each: (kind: SubjectTable) => PendingQuery<Row[]>) {
	return db`case ${type} ${SUBJECT_TYPES.map((k) => db`when ${k} then ${each(SUBJECT_TABLES[k])}`)} else null end`;
}

/** The unit a subject belongs to (null when it is gone). */
export async function unitOfSubject(db: Tx, subject: Subject): Promise<string | null> {
	const id = db`${subject.id}::uuid`;
	const [row] = await db<{ unitId: string | null }[]>`select ${eachType(db, db`${subject.type}::text`, (k) => k.unitOf(db, id))} as unit_id`;
	return row?.unitId ?? null;
}

/** A subject's title as lists show it (its current version's, a summary's first 60 characters), null when it is gone. */
export async function subjectTitle(db: Tx, subject: Subject): Promise<string | null> {
	const [row] = await db<{ title: string | null }[]>`select subject_title(${subject.type}, ${subject.id}) as title`;
	return row?.title ?? null;
}

/** Whether the reader may see a subject: answered for a batch of them in one query. */
export type CanSee = (s: Subject) => boolean;

const key = (s: Subject) => `${s.type}:${s.id}`;

export async function visibleSubjects(db: Tx, subjects: Subject[], reader: Reader): Promise<CanSee> {
	const asked = [...new Map(subjects.filter((s) => SUBJECT_TYPES.includes(s.type)).map((s) => [key(s), s])).values()];
	if (asked.length === 0) return () => false;
	const rows = await db<{ type: string; id: string }[]>`
		select s.type, s.id::text from unnest(${asked.map((s) => s.type)}::text[], ${asked.map((s) => s.id)}::uuid[]) as s(type, id)
		where coalesce(${eachType(db, db`s.type`, (k) => k.visible(db, db`s.id`, reader))}, false)`;
	const seen = new Set(rows.map((r) => `${r.type}:${r.id}`));
	return (s) => seen.has(key(s));
}

/** What stands in for anything of a subject out of the reader's reach. */
export const notVisible = () => m['common.not_visible']();

/** A written reason that quotes another subject (合并到“…”, 纳入“…”的时限), with the quotation not shown. */
export const withoutQuotes = (text: string) => text.replace(/“[^”]*”/g, `“${notVisible()}”`);
