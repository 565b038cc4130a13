// Shared by server and browser: every kind of thing clocks, timelines and notices are about, in one list. A new
// kind is added here, then in server/subjects.ts (who may see one, the unit it belongs to) and in the SQL
// `subject_title()` (its title); subjects.spec.ts fails until all three agree.
import type { MessageKey } from './i18n/index.ts';
import * as labels from './paraglide/families.js';

export const SUBJECT_TYPES = ['incident', 'opinion_item', 'release', 'document', 'conference'] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

/** One incident, opinion item, release, document or conference. */
export interface Subject {
	type: SubjectType;
	id: string;
}

export interface SubjectKind {
	/** where the list of them is shown; one of them is at `${path}/${id}` */
	path: string;
	/** what one of them is called (突发事件, 政务舆情…) */
	label: MessageKey;
	/** the field by which a line of another subject's timeline names one of them (合并到, 关联事件…) */
	idField: string;
	/** what its page's load depends on: news of a change to one refreshes it */
	dependency: `app:${string}`;
}

export const SUBJECTS: Readonly<Record<SubjectType, SubjectKind>> = {
	incident: { path: '/incidents', label: 'subject.incident', idField: 'incidentId', dependency: 'app:incident' },
	opinion_item: { path: '/opinions', label: 'subject.opinion_item', idField: 'itemId', dependency: 'app:opinion_item' },
	release: { path: '/releases', label: 'subject.release', idField: 'releaseId', dependency: 'app:release' },
	document: { path: '/documents', label: 'subject.document', idField: 'documentId', dependency: 'app:document' },
	conference: { path: '/conferences', label: 'subject.conference', idField: 'conferenceId', dependency: 'app:conference' }
};

export function isSubjectType(type: string): type is SubjectType {
	return (SUBJECT_TYPES as readonly string[]).includes(type);
}

/** Where one subject is shown; nothing for a type that is not a subject. */
export function subjectHref(type: string, id: string): string | undefined {
	return isSubjectType(type) ? `${SUBJECTS[type].path}/${id}` : undefined;
}

/** What a kind of subject is called, in the interface language. */
export const subjectLabel = (type: SubjectType): string => labels.subject(type);
