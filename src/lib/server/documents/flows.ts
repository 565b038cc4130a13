// Policy documents and their interpretation packages (谁起草、谁解读; 同步组织、同步审签、同步部署). Every save of
// the document or of a material is an immutable version; one sign-off covers the bundle of the document
// version and every material version; any change afterwards voids it. Publishing the document with its
// materials meets the interpretation rule at once; alone, it starts the 3-working-day clock. Abolition or
// expiry starts the 10-working-day marking clock. Each step locks the document row and writes audit and
// timeline in the same transaction.
import { text, type Text } from '../../i18n/index.ts';
import { DRAFTER_ROLE_LIST } from '../../releases.ts';
import type { Actor as RequestActor } from '../actor.ts';
import { audit } from '../audit/index.ts';
import { satisfyClocks, startClocks } from '../clocks/index.ts';
import type { Subject } from '../clocks/index.ts';
import { sql, type Tx } from '../db.ts';
import { ConflictError, FieldError, forbidden, notFound } from '../errors.ts';
import * as signoff from '../signoff/index.ts';
import { shortCode, type Signer } from '../signoff/index.ts';
import { readableFile } from '../files/index.ts';
import { addEvent } from '../timeline/index.ts';
import { getUnit, inReach } from '../units/index.ts';
import { cleanDocument, documentHash, materialHash, type MaterialContent } from './content.ts';
import { CLOCK_SKEW_MS } from '../../time.ts';
import {
	findByClientKey,
	getDocumentUnscoped,
	getMaterial,
	insertMaterialVersion,
	insertVersion,
	lockDocument,
	materialsOf,
	ownsDocument,
	type DocumentContent,
	type DocumentRow,
	type MaterialRow
} from './queries.ts';
import { bundle, documentSignable } from './signoff.ts';

/** Who takes a step: the request's actor (`ctx.actor`, server/actor.ts), of which a flow reads only this much. */
export type DocumentAuthor = Pick<RequestActor, 'personId' | 'name' | 'roles' | 'scope' | 'actor' | 'origin'>;

const FUTURE_SLACK_MS = CLOCK_SKEW_MS;
const subjectOf = (id: string): Subject => ({ type: 'document', id });
const signer = (a: DocumentAuthor): Signer => ({ personId: a.personId, name: a.name, actor: a.actor, origin: a.origin });

function mustDraft(author: DocumentAuthor) {
	if (!author.roles.some((r) => (DRAFTER_ROLE_LIST as readonly string[]).includes(r))) throw forbidden();
}

const reload = async (tx: Tx, id: string) => (await getDocumentUnscoped(tx, id))!;

async function lockVisible(tx: Tx, id: string, author: DocumentAuthor): Promise<DocumentRow> {
	const d = await lockDocument(tx, id, author.scope, author.personId);
	if (!d) throw notFound();
	return d;
}

/** The drafter's steps: only the drafting or interpreting unit works on it. */
async function lockOwn(tx: Tx, id: string, author: DocumentAuthor): Promise<DocumentRow> {
	mustDraft(author);
	const d = await lockVisible(tx, id, author);
	if (!(await ownsDocument(tx, d, author.scope))) throw forbidden();
	return d;
}

const record = (tx: Tx, id: string, kind: string, actorId: string | null, data: Record<string, unknown>, at: Date) =>
	addEvent(tx, subjectOf(id), kind, actorId, data, at);

/** The content hashes of files the author may read: attaching an id is no way to reach someone else's file. */
async function fileShas(tx: Tx, fileIds: string[], field: string, author: DocumentAuthor): Promise<string[]> {
	const shas: string[] = [];
	for (const id of new Set(fileIds)) {
		const file = await readableFile(tx, id, author.personId, author.scope);
		if (!file) throw new FieldError(field, 'document.file_missing');
		shas.push(file.sha256);
	}
	return shas;
}

function checkContent(c: DocumentContent): DocumentContent {
	const clean = cleanDocument(c);
	if (!clean.title) throw new FieldError('title', 'error.required');
	if (clean.disclosure === 'withheld' && !clean.withheldReason) throw new FieldError('withheldReason', 'document.withheld_reason');
	return clean;
}

/** Back to drafting after a change to any part: the sign-off covered the old bundle. */
async function reopen(tx: Tx, d: DocumentRow, reason: Text, now: Date): Promise<number> {
	if (d.status === 'published' || d.status === 'amended' || d.status === 'abolished' || d.status === 'expired')
		throw new FieldError('id', 'document.closed');
	const { requests, approvals } = await signoff.voidSignoff(tx, { kind: 'document', id: d.id }, reason, now);
	await tx`update documents set status = 'drafting', stage = null, status_reason = null, updated_at = ${now} where id = ${d.id}`;
	return requests + approvals;
}

// ---- drafting ---------------------------------------------------------------------------------------

export interface CreateInput extends DocumentContent {
	clientKey: string | null;
	unitId: string | null;
	interpretingUnitId: string | null;
	drafterId: string | null;
}

export async function createDocument(input: CreateInput, author: DocumentAuthor, now: Date = new Date()): Promise<DocumentRow> {
	mustDraft(author);
	if (input.clientKey) {
		const previous = await findByClientKey(sql, author.personId, input.clientKey);
		if (previous) return previous;
	}
	const content = checkContent(input);
	return sql.begin(async (tx) => {
		const own = (await tx<{ unitId: string }[]>`select unit_id from people where id = ${author.personId}`)[0]!.unitId;
		const unitId = input.unitId ?? own;
		const unit = await getUnit(tx, unitId, author.scope);
		if (!unit || !unit.active) throw new FieldError('unitId', 'error.invalid_choice');
		// 谁起草、谁解读: the drafting unit interprets unless another is named.
		const interpretingUnitId = input.interpretingUnitId ?? unitId;
		if (interpretingUnitId !== unitId && !(await getUnit(tx, interpretingUnitId, null))) throw new FieldError('interpretingUnitId', 'error.invalid_choice');
		const drafterId = input.drafterId ?? author.personId;
		const [drafter] = await tx`select 1 from people where id = ${drafterId} and active and ${inReach(tx, 'unit_id', author.scope)}`;
		if (!drafter) throw new FieldError('drafterId', 'error.invalid_choice');
		const [row] = await tx<{ id: string }[]>`
			insert into documents (unit_id, interpreting_unit_id, drafter_id, created_by, client_key, created_at, updated_at)
			values (${unitId}, ${interpretingUnitId}, ${drafterId}, ${author.personId}, ${input.clientKey}, ${now}, ${now})
			on conflict (created_by, client_key) do nothing
			returning id`;
		if (!row) return (await findByClientKey(tx, author.personId, input.clientKey!))!;
		const hash = documentHash(content, await fileShas(tx, content.fileIds, 'fileIds', author));
		await insertVersion(tx, row.id, 1, { ...content, hash, createdBy: author.personId });
		const d = await reload(tx, row.id);
		await audit(tx, author.actor, { action: 'document.created', entity: 'document', entityId: row.id, after: d });
		await record(tx, row.id, 'document.created', author.personId, { title: d.title, code: shortCode(hash) }, now);
		return d;
	});
}

/** A new version of the document (text, disclosure, plan, files); `baseVersion` is what the editor started from. */
export async function editDocument(id: string, baseVersion: number, c: DocumentContent, author: DocumentAuthor, now: Date = new Date()) {
	const content = checkContent(c);
	return sql.begin(async (tx) => {
		const d = await lockOwn(tx, id, author);
		if (d.currentVersion !== baseVersion) throw new ConflictError('document.edited_meanwhile', { version: d.currentVersion, title: d.title, body: d.body });
		const hash = documentHash(content, await fileShas(tx, content.fileIds, 'fileIds', author));
		if (hash === d.hash) return { document: d, changed: false };
		const voided = await reopen(tx, d, text('document.void_edited', { code: shortCode(hash) }), now);
		const number = d.currentVersion + 1;
		await insertVersion(tx, id, number, { ...content, hash, createdBy: author.personId });
		await tx`update documents set current_version = ${number}, updated_at = ${now} where id = ${id}`;
		const after = await reload(tx, id);
		await audit(tx, author.actor, { action: 'document.edited', entity: 'document', entityId: id, before: { version: d.currentVersion, hash: d.hash }, after: { version: number, hash } });
		await record(tx, id, 'document.edited', author.personId, { version: number, code: shortCode(hash), voided }, now);
		return { document: after, changed: true };
	});
}

async function checkMaterial(tx: Tx, c: MaterialContent, author: DocumentAuthor): Promise<MaterialContent> {
	const clean = { ...c, title: c.title.trim().replace(/\s+/g, ' '), body: c.body.trim(), fileIds: [...new Set(c.fileIds)] };
	if (!clean.title) throw new FieldError('title', 'error.required');
	if (clean.kind === 'expert_interview') {
		if (!clean.expertId) throw new FieldError('expertId', 'document.expert_required');
		const [e] = await tx`select 1 from experts where id = ${clean.expertId} and active`;
		if (!e) throw new FieldError('expertId', 'error.invalid_choice');
	} else clean.expertId = null;
	if (clean.kind === 'principal') {
		if (!clean.interpreterId) throw new FieldError('interpreterId', 'document.interpreter_required');
		const [p] = await tx`
			select 1 from people where id = ${clean.interpreterId} and active and 'principal' = any(roles)
				and ${inReach(tx, 'unit_id', author.scope)}`;
		if (!p) throw new FieldError('interpreterId', 'document.interpreter_principal');
	} else clean.interpreterId = null;
	if ((clean.kind === 'graphic' || clean.kind === 'video') && !clean.fileIds.length) throw new FieldError('fileIds', 'document.material_file_required');
	if (clean.kind !== 'graphic' && clean.kind !== 'video' && !clean.body && !clean.fileIds.length) throw new FieldError('body', 'document.material_empty');
	return clean;
}

/** Adds an interpretation material to the package; the package changed, so any sign-off is void. */
export async function attachMaterial(id: string, c: MaterialContent, author: DocumentAuthor, now: Date = new Date()): Promise<MaterialRow> {
	return sql.begin(async (tx) => {
		const d = await lockOwn(tx, id, author);
		const content = await checkMaterial(tx, c, author);
		const voided = await reopen(tx, d, text('document.void_material', { title: content.title }), now);
		const hash = materialHash(content, await fileShas(tx, content.fileIds, 'fileIds', author));
		const [material] = await tx<{ id: string }[]>`
			insert into materials (document_id, kind, expert_id, interpreter_id, created_by, created_at, updated_at)
			values (${id}, ${content.kind}, ${content.expertId}, ${content.interpreterId}, ${author.personId}, ${now}, ${now}) returning id`;
		await insertMaterialVersion(tx, material!.id, 1, { ...content, hash, createdBy: author.personId });
		await audit(tx, author.actor, { action: 'document.material_attached', entity: 'document', entityId: id, after: { materialId: material!.id, kind: content.kind, hash } });
		await record(tx, id, 'document.material_attached', author.personId, { kind: text(`document.material_kind.${content.kind}`), title: content.title, code: shortCode(hash), voided }, now);
		return (await getMaterial(tx, id, material!.id))!;
	});
}

export async function updateMaterial(id: string, materialId: string, baseVersion: number, c: Omit<MaterialContent, 'kind'>, author: DocumentAuthor, now: Date = new Date()) {
	return sql.begin(async (tx) => {
		const d = await lockOwn(tx, id, author);
		const material = await getMaterial(tx, id, materialId);
		if (!material || material.removedAt) throw notFound();
		if (material.currentVersion !== baseVersion) throw new ConflictError('document.edited_meanwhile', { version: material.currentVersion, title: material.title, body: material.body });
		const content = await checkMaterial(tx, { ...c, kind: material.kind }, author);
		const hash = materialHash(content, await fileShas(tx, content.fileIds, 'fileIds', author));
		if (hash === material.hash) return material;
		const voided = await reopen(tx, d, text('document.void_material', { title: content.title }), now);
		const number = material.currentVersion + 1;
		await insertMaterialVersion(tx, materialId, number, { ...content, hash, createdBy: author.personId });
		await tx`update materials set current_version = ${number}, expert_id = ${content.expertId}, interpreter_id = ${content.interpreterId}, updated_at = ${now} where id = ${materialId}`;
		await audit(tx, author.actor, { action: 'document.material_edited', entity: 'document', entityId: id, before: { materialId, hash: material.hash }, after: { materialId, hash } });
		await record(tx, id, 'document.material_edited', author.personId, { title: content.title, code: shortCode(hash), voided }, now);
		return (await getMaterial(tx, id, materialId))!;
	});
}

export async function removeMaterial(id: string, materialId: string, author: DocumentAuthor, now: Date = new Date()) {
	return sql.begin(async (tx) => {
		const d = await lockOwn(tx, id, author);
		const material = await getMaterial(tx, id, materialId);
		if (!material || material.removedAt) throw notFound();
		const voided = await reopen(tx, d, text('document.void_material', { title: material.title }), now);
		await tx`update materials set removed_at = ${now}, updated_at = ${now} where id = ${materialId}`;
		await audit(tx, author.actor, { action: 'document.material_removed', entity: 'document', entityId: id, before: { materialId, hash: material.hash } });
		await record(tx, id, 'document.material_removed', author.personId, { title: material.title, voided }, now);
		return reload(tx, id);
	});
}

// ---- the gate and submission (sign-off itself is signoff/steps.ts) ----------------------------------------------------------------------------

/**
 * 同步审签: no sign-off without the package (a plan and at least one material) or an exemption with its
 * reason on record.
 */
export function gateProblem(d: Pick<DocumentRow, 'planInterpreter' | 'planApproach' | 'exemptionReason'>, materials: number): string | null {
	if (d.exemptionReason) return null;
	if (!d.planInterpreter || !d.planApproach) return 'planInterpreter';
	if (materials === 0) return 'materials';
	return null;
}

export async function submitDocument(id: string, author: DocumentAuthor, now: Date = new Date()): Promise<DocumentRow> {
	return sql.begin(async (tx) => {
		const d = await lockOwn(tx, id, author);
		if (d.status !== 'drafting') throw new FieldError('id', 'document.not_drafting');
		const materials = await materialsOf(tx, id);
		const problem = gateProblem(d, materials.length);
		if (problem === 'planInterpreter') throw new FieldError('planInterpreter', 'document.gate_plan');
		if (problem === 'materials') throw new FieldError('materials', 'document.gate_materials');
		const s = await documentSignable(tx, d);
		const stage = await signoff.submitForSignoff(tx, s, signer(author), now);
		await tx`update documents set status = 'submitted', stage = ${stage}, status_reason = null, updated_at = ${now} where id = ${id}`;
		await audit(tx, author.actor, { action: 'document.submitted', entity: 'document', entityId: id, after: { hash: s.hash, covers: s.covers, stage } });
		await record(tx, id, 'document.submitted', author.personId, { code: shortCode(s.hash), materials: materials.length }, now);
		return reload(tx, id);
	});
}

// ---- publication and the end of a document ----------------------------------------------------------------

function checkTime(at: Date, now: Date, field: string) {
	if (at.getTime() > now.getTime() + FUTURE_SLACK_MS) throw new FieldError(field, 'document.future');
}

/** Every seat approved the bundle as it stands now. */
async function signedBundle(tx: Tx, d: DocumentRow, materials: MaterialRow[]) {
	const b = await bundle(tx, d, materials);
	const approvals = await tx<{ at: Date }[]>`
		select a.at from approvals a join signoff_requests s on s.id = a.request_id
		where a.document_id = ${d.id} and a.voided_at is null and a.version_hash = ${b.hash} and s.seat = 'sign'`;
	if (!approvals.length) throw new FieldError('id', 'document.not_signed');
	return { ...b, approvedAt: approvals[0]!.at };
}

/** All of the package's materials are out: the interpretation rule is met at the last one's time. */
async function meetInterpretation(tx: Tx, d: DocumentRow, author: DocumentAuthor) {
	const [left] = await tx<{ n: number; last: Date | null }[]>`
		select count(*) filter (where published_at is null)::int as n, max(published_at) as last
		from materials where document_id = ${d.id} and removed_at is null`;
	if (left!.n > 0 || !left!.last) return [];
	return satisfyClocks(subjectOf(d.id), 'document.interpretation_published', left!.last, { documentId: d.id, title: d.title }, author.personId, tx);
}

/**
 * Publishes the signed document, with its materials (the rule met at once) or alone (the 3-working-day
 * clock starts for the materials, with its ladder). An exempt document starts no clock: its reason is on record.
 */
export async function publishDocument(
	id: string,
	input: { publishedAt: Date; url: string | null; withMaterials: boolean },
	author: DocumentAuthor,
	now: Date = new Date()
) {
	checkTime(input.publishedAt, now, 'publishedAt');
	return sql.begin(async (tx) => {
		const d = await lockOwn(tx, id, author);
		if (d.status !== 'signed') throw new FieldError('id', 'document.not_signed');
		// 不予公开: signed and in force, never published.
		if (d.disclosure === 'withheld') throw new FieldError('disclosure', 'document.withheld_publish');
		const materials = await materialsOf(tx, id);
		const signed = await signedBundle(tx, d, materials);
		if (input.publishedAt.getTime() < Math.floor(signed.approvedAt.getTime() / 60_000) * 60_000) throw new FieldError('publishedAt', 'document.before_signoff');
		await tx`update documents set status = 'published', published_at = ${input.publishedAt}, published_url = ${input.url}, updated_at = ${now} where id = ${id}`;
		if (input.withMaterials && materials.length)
			await tx`update materials set published_at = ${input.publishedAt}, published_url = ${input.url}, updated_at = ${now} where document_id = ${id} and removed_at is null`;
		await audit(tx, author.actor, { action: 'document.published', entity: 'document', entityId: id, after: { hash: signed.hash, covers: signed.covers, withMaterials: input.withMaterials, url: input.url } });
		await record(tx, id, 'document.published', author.personId, { code: shortCode(signed.hash), withMaterials: input.withMaterials && materials.length > 0 }, input.publishedAt);
		let clocks: { id: string; ruleName: string; status: string; dueAt: Date }[] = [];
		// An exempt document starts no clock, even with a material it carries of its own accord.
		if (materials.length && !d.exemptionReason) {
			const started = await startClocks(tx, subjectOf(id), { unitId: d.interpretingUnitId, anchors: { published: input.publishedAt } }, now, author.personId);
			clocks = started.map((c) => ({ id: c.id, ruleName: c.ruleName, status: c.status, dueAt: c.dueAt }));
			if (input.withMaterials) await meetInterpretation(tx, await reload(tx, id), author);
		}
		return { document: await reload(tx, id), clocks };
	});
}

/** The materials published after the document: when the last of the package is out, the clock is met. */
export async function publishMaterials(id: string, input: { materialIds: string[]; publishedAt: Date; url: string | null }, author: DocumentAuthor, now: Date = new Date()) {
	checkTime(input.publishedAt, now, 'publishedAt');
	return sql.begin(async (tx) => {
		const d = await lockOwn(tx, id, author);
		if (d.status !== 'published') throw new FieldError('id', 'document.not_published');
		const materials = await materialsOf(tx, id);
		await signedBundle(tx, d, materials);
		const chosen = materials.filter((m) => input.materialIds.includes(m.id) && !m.publishedAt);
		if (!chosen.length) throw new FieldError('materialIds', 'document.no_material_chosen');
		if (d.publishedAt && input.publishedAt < d.publishedAt) throw new FieldError('publishedAt', 'document.material_before_document');
		await tx`update materials set published_at = ${input.publishedAt}, published_url = ${input.url}, updated_at = ${now} where id = any(${chosen.map((m) => m.id)}::uuid[])`;
		await audit(tx, author.actor, { action: 'document.materials_published', entity: 'document', entityId: id, after: { materials: chosen.map((m) => ({ id: m.id, hash: m.hash })), url: input.url } });
		await record(tx, id, 'document.materials_published', author.personId, { titles: chosen.map((m) => m.title).join('、') }, input.publishedAt);
		const met = await meetInterpretation(tx, d, author);
		return { document: await reload(tx, id), satisfied: met.map((c) => ({ id: c.id, ruleName: c.ruleName, status: c.status })) };
	});
}

/** 废止 / 失效 start the 10-working-day marking clock; 修订 records that a newer document replaces it. */
export async function endDocument(id: string, input: { kind: 'abolished' | 'expired' | 'amended'; at: Date; reason: string }, author: DocumentAuthor, now: Date = new Date()) {
	checkTime(input.at, now, 'at');
	if (!input.reason.trim()) throw new FieldError('reason', 'document.end_reason');
	return sql.begin(async (tx) => {
		const d = await lockOwn(tx, id, author);
		if (d.status !== 'published') throw new FieldError('id', 'document.not_published');
		if (d.publishedAt && input.at < d.publishedAt) throw new FieldError('at', 'document.end_before_publication');
		await tx`update documents set status = ${input.kind}, ended_at = ${input.at}, status_reason = ${input.reason.trim()}, updated_at = ${now} where id = ${id}`;
		await audit(tx, author.actor, { action: `document.${input.kind}`, entity: 'document', entityId: id, after: { at: input.at, reason: input.reason.trim() } });
		await record(tx, id, `document.${input.kind}`, author.personId, { reason: input.reason.trim() }, input.at);
		const clocks = input.kind === 'amended' ? [] : await startClocks(tx, subjectOf(id), { unitId: d.unitId, anchors: { abolished: input.at } }, now, author.personId);
		return { document: await reload(tx, id), clocks: clocks.map((c) => ({ id: c.id, ruleName: c.ruleName, status: c.status, dueAt: c.dueAt })) };
	});
}

/** The website now marks it as abolished or expired: the marking clock is met. */
export async function markEnded(id: string, input: { markedAt: Date; url: string | null }, author: DocumentAuthor, now: Date = new Date()) {
	checkTime(input.markedAt, now, 'markedAt');
	return sql.begin(async (tx) => {
		const d = await lockOwn(tx, id, author);
		if (d.status !== 'abolished' && d.status !== 'expired') throw new FieldError('id', 'document.not_ended');
		await tx`update documents set marked_at = ${input.markedAt}, marked_url = ${input.url}, updated_at = ${now} where id = ${id}`;
		await audit(tx, author.actor, { action: 'document.marked', entity: 'document', entityId: id, after: input });
		await record(tx, id, 'document.marked', author.personId, {}, input.markedAt);
		const met = await satisfyClocks(subjectOf(id), 'document.abolition_marked', input.markedAt, { documentId: id, url: input.url }, author.personId, tx);
		return { document: await reload(tx, id), satisfied: met.map((c) => ({ id: c.id, ruleName: c.ruleName, status: c.status })) };
	});
}
