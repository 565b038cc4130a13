// A release as sign-off sees it: its current version's hash, the clock it serves, and the status each decision
// gives it. The lifecycle itself is signoff/steps.ts.
import { t } from '../../i18n/index.ts';
import { DRAFTER_ROLE_LIST } from '../../releases.ts';
import type { SatisfiedBy } from '../clocks/index.ts';
import type { Tx } from '../db.ts';
import type { ServedClock, Signable, SignoffKind } from '../signoff/index.ts';
import { addEvent } from '../timeline/index.ts';
import { getRelease, lockRelease, lockReleaseUnscoped, ownsRelease, type ReleaseRow } from './queries.ts';

/** What the release is for, in clock terms: the authoritative release meets the 5-hour clock; a conference's papers serve its 24-hour one. */
export function servesWhat(r: Pick<ReleaseRow, 'kind' | 'conferenceId' | 'opinionItemId'>): SatisfiedBy | null {
	if (r.kind === 'authoritative') return 'release.authoritative';
	if (r.conferenceId) return 'conference.held';
	if (r.opinionItemId && (r.kind === 'response' || r.kind === 'clarification')) return 'opinion.responded';
	return null;
}

export async function servedClock(db: Tx, r: Pick<ReleaseRow, 'kind' | 'conferenceId' | 'incidentId' | 'opinionItemId'>): Promise<ServedClock | null> {
	const kind = servesWhat(r);
	const subject = kind === 'opinion.responded' ? { type: 'opinion_item', id: r.opinionItemId } : { type: 'incident', id: r.incidentId };
	if (!kind || !subject.id) return null;
	const [c] = await db<(ServedClock & { durationValue: number; durationUnit: string })[]>`
		select c.id, c.rule_name, c.due_at, c.status, c.satisfied_at, cr.duration_value, cr.duration_unit
		from clocks c left join clock_rules cr on cr.key = c.rule_key
		where c.subject = ${subject.type} and c.subject_id = ${subject.id} and c.satisfied_by = ${kind} and c.status <> 'cancelled'
		order by c.due_at limit 1`;
	if (!c) return null;
	const label = c.durationValue ? t(`release.clock_label.${c.durationUnit === 'working_days' ? 'working_days' : 'hours'}`, { n: Number(c.durationValue) }) : c.ruleName;
	return { id: c.id, ruleName: c.ruleName, label, dueAt: c.dueAt, status: c.status, satisfiedAt: c.satisfiedAt };
}

/**
 * The clock the release serves, only when the reader may see its subject, the incident or the item (the row's joins
 * bring its title only then): a clock of one beyond their reach shows nothing, not even its due time.
 */
export const servedClockSeen = (db: Tx, r: ReleaseRow) =>
	servedClock(db, { ...r, incidentId: r.incidentTitle === null ? null : r.incidentId, opinionItemId: r.opinionSummary === null ? null : r.opinionItemId });

/** The release's own timeline, and its incident's for the steps that matter to the clock. */
export async function recordRelease(tx: Tx, r: Pick<ReleaseRow, 'id' | 'incidentId'>, kind: string, actorId: string | null, data: Record<string, unknown>, at: Date, onIncident = false) {
	await addEvent(tx, { type: 'release', id: r.id }, kind, actorId, data, at);
	if (onIncident && r.incidentId) await addEvent(tx, { type: 'incident', id: r.incidentId }, kind, actorId, { releaseId: r.id, ...data }, at);
}

export async function releaseSignable(tx: Tx, r: ReleaseRow): Promise<Signable> {
	return {
		ref: { kind: 'release', id: r.id },
		unitId: r.unitId,
		unitName: r.unitName,
		title: r.title,
		createdBy: r.createdBy,
		createdByName: r.createdByName,
		version: r.currentVersion,
		hash: r.hash,
		covers: null,
		clock: await servedClock(tx, r)
	};
}

const stageOf = (r: ReleaseRow) => (r.status === 'in_review' || r.status === 'awaiting_signoff' ? r.status : null);

export const releaseSignoff: SignoffKind<ReleaseRow> = {
	kind: 'release',
	lock: (tx, id, by) => lockRelease(tx, id, by.scope, by.personId),
	lockUnscoped: lockReleaseUnscoped,
	visible: async (db, id, by) => (await getRelease(db, id, by.scope, by.personId)) !== undefined,
	works: async (db, r, by) => by.roles.some((role) => (DRAFTER_ROLE_LIST as readonly string[]).includes(role)) && (await ownsRelease(db, r, by.scope)),
	signable: releaseSignable,
	state: (r) => ({ kind: 'release', id: r.id, status: r.status, stage: stageOf(r), statusReason: r.statusReason }),
	async move(tx, r, outcome, now) {
		if (outcome.step === 'review_passed') await tx`update releases set status = 'awaiting_signoff', updated_at = ${now} where id = ${r.id}`;
		else if (outcome.step === 'approved') await tx`update releases set status = 'approved', updated_at = ${now} where id = ${r.id}`;
		else await tx`update releases set status = 'rejected', status_reason = ${outcome.reason}, updated_at = ${now} where id = ${r.id}`;
	},
	record: recordRelease,
	async clockSeen(db, id, by) {
		const r = await getRelease(db, id, by.scope, by.personId);
		return r ? servedClockSeen(db, r) : null;
	},
	reviewNamesHash: false
};
