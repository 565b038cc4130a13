// A document as sign-off sees it: the bundle of the document version and every material version, signed as one,
// and the status each decision gives it. The lifecycle itself is signoff/steps.ts.
import { DRAFTER_ROLE_LIST } from '../../releases.ts';
import type { Tx } from '../db.ts';
import type { Signable, SignoffKind } from '../signoff/index.ts';
import { addEvent } from '../timeline/index.ts';
import { bundleOf } from './content.ts';
import { getDocument, lockDocument, lockDocumentUnscoped, materialsOf, ownsDocument, type DocumentRow, type MaterialRow } from './queries.ts';

/** The bundle as it stands: the document version and every material version in the package. */
export async function bundle(tx: Tx, d: DocumentRow, materials?: MaterialRow[]) {
	return bundleOf(d.hash, (materials ?? (await materialsOf(tx, d.id))).map((m) => ({ id: m.id, hash: m.hash })));
}

export async function documentSignable(tx: Tx, d: DocumentRow): Promise<Signable> {
	const b = await bundle(tx, d);
	return {
		ref: { kind: 'document', id: d.id },
		unitId: d.unitId,
		unitName: d.unitName,
		title: d.title,
		createdBy: d.createdBy,
		createdByName: d.createdByName,
		version: d.currentVersion,
		hash: b.hash,
		covers: b.covers,
		clock: null
	};
}

export const documentSignoff: SignoffKind<DocumentRow> = {
	kind: 'document',
	lock: (tx, id, by) => lockDocument(tx, id, by.scope, by.personId),
	lockUnscoped: lockDocumentUnscoped,
	visible: async (db, id, by) => (await getDocument(db, id, by.scope, by.personId)) !== undefined,
	works: async (db, d, by) => by.roles.some((role) => (DRAFTER_ROLE_LIST as readonly string[]).includes(role)) && (await ownsDocument(db, d, by.scope)),
	signable: documentSignable,
	state: (d) => ({ kind: 'document', id: d.id, status: d.status, stage: d.stage, statusReason: d.statusReason }),
	async move(tx, d, outcome, now) {
		if (outcome.step === 'review_passed') await tx`update documents set stage = 'awaiting_signoff', updated_at = ${now} where id = ${d.id}`;
		else if (outcome.step === 'approved') await tx`update documents set status = 'signed', stage = null, updated_at = ${now} where id = ${d.id}`;
		else await tx`update documents set status = 'drafting', stage = null, status_reason = ${outcome.reason}, updated_at = ${now} where id = ${d.id}`;
	},
	record: (tx, d, kind, actorId, data, at) => addEvent(tx, { type: 'document', id: d.id }, kind, actorId, data, at),
	// A document's signing serves no clock: its clocks start at publication.
	clockSeen: async () => null,
	reviewNamesHash: true
};
