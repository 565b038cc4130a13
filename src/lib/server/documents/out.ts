import { toIso } from '../../time.ts';
import { shortCode } from '../signoff/index.ts';
import type { DocumentRow, MaterialRow } from './queries.ts';

const iso = (d: Date | null) => (d ? toIso(d) : null);

/** A document as a list shows it: everything but its text (documentOut adds the text). */
export function documentListed(d: Omit<DocumentRow, 'body'>) {
	return {
		id: d.id,
		unitId: d.unitId,
		unitName: d.unitName,
		interpretingUnitId: d.interpretingUnitId,
		interpretingUnitName: d.interpretingUnitName,
		drafterId: d.drafterId,
		drafterName: d.drafterName,
		status: d.status,
		stage: d.stage,
		statusReason: d.statusReason,
		version: d.currentVersion,
		hash: d.hash,
		code: shortCode(d.hash),
		title: d.title,
		docNumber: d.docNumber,
		disclosure: d.disclosure,
		withheldReason: d.withheldReason,
		planInterpreter: d.planInterpreter,
		planApproach: d.planApproach,
		planChannels: d.planChannels,
		planTiming: d.planTiming,
		exemptionReason: d.exemptionReason,
		fileIds: d.fileIds,
		publishedAt: iso(d.publishedAt),
		publishedUrl: d.publishedUrl,
		endedAt: iso(d.endedAt),
		markedAt: iso(d.markedAt),
		markedUrl: d.markedUrl,
		createdByName: d.createdByName,
		createdAt: toIso(d.createdAt),
		updatedAt: toIso(d.updatedAt)
	};
}

export function documentOut(d: DocumentRow) {
	return { ...documentListed(d), body: d.body };
}
export type DocumentOut = ReturnType<typeof documentOut>;

export const materialOut = (m: MaterialRow) => ({
	id: m.id,
	kind: m.kind,
	expertId: m.expertId,
	expertName: m.expertName,
	interpreterId: m.interpreterId,
	interpreterName: m.interpreterName,
	version: m.currentVersion,
	hash: m.hash,
	code: shortCode(m.hash),
	title: m.title,
	body: m.body,
	fileIds: m.fileIds,
	publishedAt: iso(m.publishedAt),
	publishedUrl: m.publishedUrl,
	versionCreatedAt: toIso(m.versionCreatedAt),
	versionCreatedByName: m.versionCreatedByName
});
export type MaterialOut = ReturnType<typeof materialOut>;
