import type { PendingQuery, Row } from 'postgres';
import type { Tx } from '../db.ts';
import { allOf, cursorTime } from '../pages.ts';
import { holdsWords } from '../search.ts';
import { inReach } from '../units/index.ts';

export const DOCUMENT_STATUSES = ['drafting', 'submitted', 'signed', 'published', 'amended', 'abolished', 'expired'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];
export const DISCLOSURES = ['proactive', 'on_request', 'withheld'] as const;
export type Disclosure = (typeof DISCLOSURES)[number];
export const MATERIAL_KINDS = ['text', 'graphic', 'video', 'qa', 'expert_interview', 'principal'] as const;
export type MaterialKind = (typeof MATERIAL_KINDS)[number];

/** What a document version holds besides who saved it: the text and its interpretation plan. */
export interface DocumentContent {
	title: string;
	docNumber: string;
	body: string;
	disclosure: Disclosure;
	withheldReason: string;
	planInterpreter: string;
	planApproach: string;
	planChannels: string[];
	planTiming: string;
	exemptionReason: string;
	fileIds: string[];
}

export interface DocumentRow extends DocumentContent {
	id: string;
	unitId: string;
	unitName: string;
	interpretingUnitId: string;
	interpretingUnitName: string;
	drafterId: string;
	drafterName: string;
	status: DocumentStatus;
	stage: 'in_review' | 'awaiting_signoff' | null;
	currentVersion: number;
	statusReason: string | null;
	publishedAt: Date | null;
	publishedUrl: string | null;
	endedAt: Date | null;
	markedAt: Date | null;
	markedUrl: string | null;
	createdBy: string;
	createdByName: string;
	createdAt: Date;
	updatedAt: Date;
	/** the current version's hash (the document alone; the bundle hash adds the materials) */
	hash: string;
}

/**
 * `content: false` leaves the body out: a list sorts its rows, and each body would travel with them. `sortAt` adds the
 * list's place of the row (its change time to the microsecond). Names are read per row: fewer joins for the planner
 * to order, which a list pays for on every call (db.ts: custom plans).
 */
const select = (db: Tx, opts: { content: boolean; sortAt?: boolean } = { content: true }) => db`
	select d.id, d.unit_id, (select u.name from units u where u.id = d.unit_id) as unit_name, d.interpreting_unit_id,
		(select u.name from units u where u.id = d.interpreting_unit_id) as interpreting_unit_name, d.drafter_id,
		(select p.name from people p where p.id = d.drafter_id) as drafter_name, d.status, d.stage, d.current_version, d.status_reason,
		d.published_at, d.published_url, d.ended_at, d.marked_at, d.marked_url, d.created_by,
		(select p.name from people p where p.id = d.created_by) as created_by_name, d.created_at, d.updated_at,
		v.title, v.doc_number, ${opts.content ? db`v.body,` : db``} v.disclosure, v.withheld_reason, v.plan_interpreter, v.plan_approach, v.plan_channels,
		v.plan_timing, v.exemption_reason, v.file_ids, v.hash
		${opts.sortAt ? db`, ${cursorTime(db, 'd.updated_at')} as sort_at` : db``}
	from documents d
	join document_versions v on v.document_id = d.id and v.number = d.current_version`;

/** Who sees what is withheld (不予公开) of document `d`: the drafting unit's reach and the units asked to sign it. */
const seesWithheld = (db: Tx, scopeRoot: string | null) =>
	db`(${inReach(db, 'd.unit_id', scopeRoot)}
		-- the units asked to sign it see it, withheld or not: they cannot sign what they cannot read
		or exists (select 1 from signoff_requests s where s.document_id = d.id and ${inReach(db, 's.unit_id', scopeRoot)}))`;

/**
 * Who may see document `d` (its current version `v`): anyone whose reach includes its drafting or interpreting
 * unit, its confidentiality reviewers, and the people its sign-off names. A withheld document stays with the
 * drafting unit's reach and its signers. `disclosure` is the current version's, when `v` is not joined.
 */
export const documentVisible = (db: Tx, scopeRoot: string | null, personId: string, disclosure: PendingQuery<Row[]> = db`v.disclosure`) =>
	scopeRoot === null
		? db`true`
		: db`(${seesWithheld(db, scopeRoot)}
			or ((${inReach(db, 'd.interpreting_unit_id', scopeRoot)}
				or exists (select 1 from review_chains ch where ch.unit_id = d.unit_id and ${personId} = any(ch.confidentiality_reviewer_ids)))
				and ${disclosure} <> 'withheld'))`;

/** Version `hv` of document `d`: seen by who sees the document, a withheld version only by who sees what is withheld. */
export const versionVisible = (db: Tx, scopeRoot: string | null, personId: string) =>
	db`(${documentVisible(db, scopeRoot, personId)} and (hv.disclosure <> 'withheld' or ${seesWithheld(db, scopeRoot)}))`;

const visible = documentVisible;

export async function getDocument(db: Tx, id: string, scopeRoot: string | null, personId: string): Promise<DocumentRow | undefined> {
	const [row] = await db<DocumentRow[]>`${select(db)} where d.id = ${id} and ${visible(db, scopeRoot, personId)}`;
	return row;
}

/**
 * The document whoever asks: only for steps nobody takes (a request's expiry) and for reading a row again after a
 * step that already checked reach. Never for what a person reads.
 */
export async function getDocumentUnscoped(db: Tx, id: string): Promise<DocumentRow | undefined> {
	const [row] = await db<DocumentRow[]>`${select(db)} where d.id = ${id}`;
	return row;
}

/** The row locked first, then read: a lock through the version join could lose the row after an edit. */
export async function lockDocument(db: Tx, id: string, scopeRoot: string | null, personId: string): Promise<DocumentRow | undefined> {
	return (await lockRow(db, id)) ? getDocument(db, id, scopeRoot, personId) : undefined;
}

/** Locked for a step nobody takes (see getDocumentUnscoped). */
export async function lockDocumentUnscoped(db: Tx, id: string): Promise<DocumentRow | undefined> {
	return (await lockRow(db, id)) ? getDocumentUnscoped(db, id) : undefined;
}

const lockRow = async (db: Tx, id: string) => (await db`select 1 from documents where id = ${id} for update`).length > 0;

export async function ownsDocument(db: Tx, d: Pick<DocumentRow, 'unitId' | 'interpretingUnitId'>, scopeRoot: string | null): Promise<boolean> {
	if (scopeRoot === null) return true;
	const [row] = await db`
		select 1 where ${inReach(db, db`${d.unitId}::uuid`, scopeRoot)} or ${inReach(db, db`${d.interpretingUnitId}::uuid`, scopeRoot)}`;
	return row !== undefined;
}

export async function findByClientKey(db: Tx, createdBy: string, clientKey: string): Promise<DocumentRow | undefined> {
	const [row] = await db<DocumentRow[]>`${select(db)} where d.created_by = ${createdBy} and d.client_key = ${clientKey}`;
	return row;
}

/** A document as a list reads it: without its text, with its place in the list to the microsecond. */
export type DocumentListRow = Omit<DocumentRow, 'body'> & { sortAt: string };

/** Where the next page of the list starts: the sort key of the last document shown. */
export type DocumentCursor = [inProgress: boolean, updatedAt: string, id: string];

export interface DocumentFilter {
	status: DocumentStatus | null;
	/** drafted or interpreted by this unit or a unit under it (within reach) */
	unitId: string | null;
	/** words of the current version's title, each to be found */
	words: string[];
	after: DocumentCursor | null;
	limit: number;
}

/** The states a document is still worked on in, as the list's index (0020) writes them. */
export const IN_PROGRESS: DocumentStatus[] = ['drafting', 'submitted', 'signed'];
const inProgress = (db: Tx) => db`(d.status in ('drafting', 'submitted', 'signed'))`;

/**
 * The documents a person may see, those in progress first, then the most recently changed, after the cursor: the
 * page's ids read down an index (0020) with only the conditions asked for, then the page's rows joined to what they
 * show. Whether the current version is withheld is read only for a row that the units alone do not settle.
 */
export async function listDocuments(db: Tx, scopeRoot: string | null, personId: string, f: DocumentFilter): Promise<DocumentListRow[]> {
	const conditions = [
		visible(db, scopeRoot, personId, db`(select cv.disclosure from document_versions cv where cv.document_id = d.id and cv.number = d.current_version)`)
	];
	if (f.status) conditions.push(db`d.status = ${f.status}`);
	if (f.unitId) conditions.push(db`(${inReach(db, 'd.unit_id', f.unitId)} or ${inReach(db, 'd.interpreting_unit_id', f.unitId)})`);
	conditions.push(...holdsWords(db, 'v.title', 'v.title_bigrams', f.words));
	if (f.after) {
		const [open, at, id] = f.after;
		conditions.push(
			f.status
				? db`(d.updated_at, d.id) < (${at}::timestamptz, ${id}::uuid)`
				: db`(${inProgress(db)}, d.updated_at, d.id) < (${open}, ${at}::timestamptz, ${id}::uuid)`
		);
	}
	const order = f.status ? db`d.updated_at desc, d.id desc` : db`${inProgress(db)} desc, d.updated_at desc, d.id desc`;
	const page = db`
		select d.id from documents d
		${f.words.length ? db`join document_versions v on v.document_id = d.id and v.number = d.current_version` : db``}
		where ${allOf(db, conditions)}
		order by ${order}
		limit ${f.limit}`;
	return db<DocumentListRow[]>`${select(db, { content: false, sortAt: true })} where d.id = any(array(${page})) order by ${order}`;
}

export const documentCursorOf = (d: DocumentListRow): DocumentCursor => [IN_PROGRESS.includes(d.status), d.sortAt, d.id];

export async function insertVersion(db: Tx, documentId: string, number: number, c: DocumentContent & { hash: string; createdBy: string }) {
	await db`
		insert into document_versions (document_id, number, title, doc_number, body, disclosure, withheld_reason, plan_interpreter,
			plan_approach, plan_channels, plan_timing, exemption_reason, file_ids, hash, created_by)
		values (${documentId}, ${number}, ${c.title}, ${c.docNumber}, ${c.body}, ${c.disclosure}, ${c.withheldReason}, ${c.planInterpreter},
			${c.planApproach}, ${c.planChannels}::text[], ${c.planTiming}, ${c.exemptionReason}, ${c.fileIds}::uuid[], ${c.hash}, ${c.createdBy})`;
}

export interface DocumentVersionRow extends DocumentContent {
	number: number;
	hash: string;
	createdByName: string;
	createdAt: Date;
}

export async function documentVersions(db: Tx, documentId: string): Promise<DocumentVersionRow[]> {
	return db<DocumentVersionRow[]>`
		select v.number, v.title, v.doc_number, v.body, v.disclosure, v.withheld_reason, v.plan_interpreter, v.plan_approach,
			v.plan_channels, v.plan_timing, v.exemption_reason, v.file_ids, v.hash, p.name as created_by_name, v.created_at
		from document_versions v join people p on p.id = v.created_by
		where v.document_id = ${documentId} order by v.number`;
}

export interface MaterialRow {
	id: string;
	documentId: string;
	kind: MaterialKind;
	expertId: string | null;
	expertName: string | null;
	interpreterId: string | null;
	interpreterName: string | null;
	currentVersion: number;
	publishedAt: Date | null;
	publishedUrl: string | null;
	removedAt: Date | null;
	createdAt: Date;
	title: string;
	body: string;
	fileIds: string[];
	hash: string;
	versionCreatedAt: Date;
	versionCreatedByName: string;
}

const selectMaterial = (db: Tx) => db`
	select m.id, m.document_id, m.kind, m.expert_id, e.name as expert_name, m.interpreter_id, ip.name as interpreter_name,
		m.current_version, m.published_at, m.published_url, m.removed_at, m.created_at,
		v.title, v.body, v.file_ids, v.hash, v.created_at as version_created_at, vp.name as version_created_by_name
	from materials m
	join material_versions v on v.material_id = m.id and v.number = m.current_version
	join people vp on vp.id = v.created_by
	left join experts e on e.id = m.expert_id
	left join people ip on ip.id = m.interpreter_id`;

/** The package's materials still in it (removed ones stay on record, outside the package). */
export async function materialsOf(db: Tx, documentId: string): Promise<MaterialRow[]> {
	return db<MaterialRow[]>`${selectMaterial(db)} where m.document_id = ${documentId} and m.removed_at is null order by m.created_at`;
}

export async function getMaterial(db: Tx, documentId: string, materialId: string): Promise<MaterialRow | undefined> {
	const [row] = await db<MaterialRow[]>`${selectMaterial(db)} where m.document_id = ${documentId} and m.id = ${materialId}`;
	return row;
}

export async function insertMaterialVersion(db: Tx, materialId: string, number: number, c: { title: string; body: string; fileIds: string[]; hash: string; createdBy: string }) {
	await db`
		insert into material_versions (material_id, number, title, body, file_ids, hash, created_by)
		values (${materialId}, ${number}, ${c.title}, ${c.body}, ${c.fileIds}::uuid[], ${c.hash}, ${c.createdBy})`;
}
