// Sign-off records for anything that is signed: a release, or a policy document with its interpretation
// package. Each row belongs to exactly one of them (release_id or document_id).
import type { Text } from '../../i18n/index.ts';
import type { Tx } from '../db.ts';

export type SignKind = 'release' | 'document';
export interface SignRef {
	kind: SignKind;
	id: string;
}

/** The column a sign-off row names its subject in. */
export const subjectColumn = (db: Tx, kind: SignKind) => (kind === 'release' ? db`release_id` : db`document_id`);

export interface RequestRow {
	id: string;
	releaseId: string | null;
	documentId: string | null;
	version: number;
	versionHash: string;
	covers: Record<string, string> | null;
	seat: 'sign' | 'countersign';
	unitId: string;
	unitName: string;
	requestedBy: string;
	createdAt: Date;
	expiresAt: Date;
	status: 'open' | 'approved' | 'rejected' | 'void';
	decidedBy: string | null;
	decidedByName: string | null;
	decidedAt: Date | null;
	/** why it closed: a system reason, or a leader's typed rejection as `reasons.typed` (migration 0017) */
	reason: Text | null;
	flaggedBy: string | null;
	flaggedAt: Date | null;
	flagNote: string | null;
}

export const refOf = (q: Pick<RequestRow, 'releaseId' | 'documentId'>): SignRef =>
	q.releaseId ? { kind: 'release', id: q.releaseId } : { kind: 'document', id: q.documentId! };

const selectRequest = (db: Tx) => db`
	select s.id, s.release_id, s.document_id, s.version, s.version_hash, s.covers, s.seat, s.unit_id, u.name as unit_name,
		s.requested_by, s.created_at, s.expires_at, s.status, s.decided_by, d.name as decided_by_name, s.decided_at, s.reason,
		s.flagged_by, s.flagged_at, s.flag_note
	from signoff_requests s join units u on u.id = s.unit_id left join people d on d.id = s.decided_by`;

export async function requestsOf(db: Tx, ref: SignRef): Promise<RequestRow[]> {
	return db<RequestRow[]>`${selectRequest(db)} where s.${subjectColumn(db, ref.kind)} = ${ref.id} order by s.created_at, s.seat desc`;
}

export async function getRequest(db: Tx, ref: SignRef, requestId: string): Promise<RequestRow | undefined> {
	const [row] = await db<RequestRow[]>`${selectRequest(db)} where s.id = ${requestId} and s.${subjectColumn(db, ref.kind)} = ${ref.id}`;
	return row;
}

export async function findRequest(db: Tx, requestId: string): Promise<RequestRow | undefined> {
	const [row] = await db<RequestRow[]>`${selectRequest(db)} where s.id = ${requestId}`;
	return row;
}

/** Requests still waiting for a decision, soonest to lapse first, with the title they carry. */
export async function openRequests(db: Tx, now: Date): Promise<(RequestRow & { title: string })[]> {
	return db<(RequestRow & { title: string })[]>`
		select q.*, coalesce(rv.title, dv.title) as title
		from (${selectRequest(db)} where s.status = 'open' and s.expires_at > ${now}) q
		left join release_versions rv on rv.release_id = q.release_id and rv.number = q.version
		left join document_versions dv on dv.document_id = q.document_id and dv.number = q.version
		order by q.expires_at`;
}

export interface ChainRow {
	unitId: string;
	confidentialityReviewerIds: string[];
	countersignUnitIds: string[];
	signoffHours: number;
}

export async function chainOf(db: Tx, unitId: string): Promise<ChainRow> {
	const [row] = await db<ChainRow[]>`
		select unit_id, confidentiality_reviewer_ids, countersign_unit_ids, signoff_hours::float8 as signoff_hours
		from review_chains where unit_id = ${unitId}`;
	return row ?? { unitId, confidentialityReviewerIds: [], countersignUnitIds: [], signoffHours: 2 };
}

export interface ReviewRow {
	id: string;
	version: number;
	versionHash: string;
	stage: 'confidentiality';
	reviewerId: string;
	reviewerName: string;
	decision: 'passed' | 'rejected';
	reason: string | null;
	at: Date;
}

export async function reviewsOf(db: Tx, ref: SignRef): Promise<ReviewRow[]> {
	return db<ReviewRow[]>`
		select r.id, r.version, r.version_hash, r.stage, r.reviewer_id, p.name as reviewer_name, r.decision, r.reason, r.at
		from signoff_reviews r join people p on p.id = r.reviewer_id
		where r.${subjectColumn(db, ref.kind)} = ${ref.id} order by r.at`;
}

export interface ApprovalRow {
	id: string;
	requestId: string;
	version: number;
	versionHash: string;
	covers: Record<string, string> | null;
	personId: string;
	personName: string;
	factor: 'passkey' | 'password';
	device: string | null;
	at: Date;
	voidedAt: Date | null;
	voidReason: Text | null;
}

export async function approvalsOf(db: Tx, ref: SignRef): Promise<ApprovalRow[]> {
	return db<ApprovalRow[]>`
		select a.id, a.request_id, a.version, a.version_hash, a.covers, a.person_id, p.name as person_name, a.factor, a.device, a.at,
			a.voided_at, a.void_reason
		from approvals a join people p on p.id = a.person_id
		where a.${subjectColumn(db, ref.kind)} = ${ref.id} order by a.at`;
}
