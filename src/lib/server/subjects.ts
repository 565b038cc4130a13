// Reach applied to a subject named elsewhere: a clock's subject, the incident a timeline line or a cancel reason
// names. What each kind of subject lets a person see is its domain's rule; this only asks them all at once.
import { t } from '../i18n/index.ts';
import type { SessionUser } from './auth/session.ts';
import type { Subject, SubjectType } from './clocks/queries.ts';
import type { Tx } from './db.ts';
import { documentVisible } from './documents/queries.ts';
import { releaseVisible } from './releases/queries.ts';
import { inReach, scopeRoot } from './units/scope.ts';

/** Who is reading: their reach, and who they are (the people a document or release names see it too). */
export interface Reader {
	scope: string | null;
	personId: string;
}

export const readerOf = (user: Pick<SessionUser, 'id' | 'roles' | 'scopeUnitId'>): Reader => ({ scope: scopeRoot(user), personId: user.id });

/** Whether the reader may see a subject: answered for a batch of them in one query. */
export type CanSee = (s: Subject) => boolean;

const SUBJECT_TYPES: readonly SubjectType[] = ['incident', 'opinion_item', 'document', 'release', 'conference'];
const key = (s: Subject) => `${s.type}:${s.id}`;

export async function visibleSubjects(db: Tx, subjects: Subject[], reader: Reader): Promise<CanSee> {
	const asked = [...new Map(subjects.filter((s) => SUBJECT_TYPES.includes(s.type)).map((s) => [key(s), s])).values()];
	if (asked.length === 0) return () => false;
	const { scope, personId } = reader;
	const rows = await db<{ type: string; id: string }[]>`
		select s.type, s.id::text from unnest(${asked.map((s) => s.type)}::text[], ${asked.map((s) => s.id)}::uuid[]) as s(type, id)
		where case s.type
			when 'incident' then exists (select 1 from incidents i where i.id = s.id and ${inReach(db, 'i.lead_unit_id', scope)})
			when 'opinion_item' then exists (select 1 from opinion_items o where o.id = s.id and ${inReach(db, 'o.unit_id', scope)})
			when 'conference' then exists (select 1 from conferences c where c.id = s.id and ${inReach(db, 'c.unit_id', scope)})
			when 'release' then exists (select 1 from releases r where r.id = s.id and ${releaseVisible(db, scope, personId)})
			when 'document' then exists (
				select 1 from documents d join document_versions v on v.document_id = d.id and v.number = d.current_version
				where d.id = s.id and ${documentVisible(db, scope, personId)})
			else false
		end`;
	const seen = new Set(rows.map((r) => `${r.type}:${r.id}`));
	return (s) => seen.has(key(s));
}

/** What stands in for anything of a subject out of the reader's reach. */
export const notVisible = () => t('common.not_visible');

/** A written reason that quotes another subject (合并到“…”, 纳入“…”的时限), with the quotation not shown. */
export const withoutQuotes = (text: string) => text.replace(/“[^”]*”/g, `“${notVisible()}”`);
