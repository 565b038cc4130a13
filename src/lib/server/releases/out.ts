import { toIso } from '../../time.ts';
import { shortCode } from './content.ts';
import type { PublicationRow, ReleaseRow, VersionRow } from './queries.ts';

const iso = (d: Date | null) => (d ? toIso(d) : null);

/**
 * A release as the interface and the API see it: the current version's content with its short code. What it answers
 * or serves only when the reader may see it (the row's joins bring its title only then): else not even its id, just
 * that there is one. A list shows it without its text (releaseListed); a read of the release adds the text (releaseOut).
 */
export function releaseListed(r: Omit<ReleaseRow, 'body' | 'talkingPoints'>) {
	const incidentHidden = r.incidentId !== null && r.incidentTitle === null;
	const conferenceHidden = r.conferenceId !== null && r.conferenceTitle === null;
	const opinionItemHidden = r.opinionItemId !== null && r.opinionSummary === null;
	return {
		id: r.id,
		unitId: r.unitId,
		unitName: r.unitName,
		kind: r.kind,
		incidentId: incidentHidden ? null : r.incidentId,
		incidentHidden,
		incidentTitle: r.incidentTitle,
		conferenceId: conferenceHidden ? null : r.conferenceId,
		conferenceHidden,
		conferenceTitle: r.conferenceTitle,
		opinionItemId: opinionItemHidden ? null : r.opinionItemId,
		opinionItemHidden,
		opinionSummary: r.opinionSummary,
		status: r.status,
		statusReason: r.statusReason,
		version: r.currentVersion,
		hash: r.hash,
		code: shortCode(r.hash),
		title: r.title,
		channels: r.channels,
		createdBy: r.createdBy,
		createdByName: r.createdByName,
		createdAt: toIso(r.createdAt),
		updatedAt: toIso(r.updatedAt),
		publishedAt: iso(r.publishedAt)
	};
}

export function releaseOut(r: ReleaseRow) {
	return { ...releaseListed(r), body: r.body, talkingPoints: r.talkingPoints };
}
export type ReleaseOut = ReturnType<typeof releaseOut>;

export const versionOut = (v: VersionRow) => ({
	number: v.number,
	hash: v.hash,
	code: shortCode(v.hash),
	title: v.title,
	createdByName: v.createdByName,
	createdAt: toIso(v.createdAt)
});

export const publicationOut = (p: PublicationRow) => ({ ...p, code: shortCode(p.versionHash), publishedAt: toIso(p.publishedAt) });
