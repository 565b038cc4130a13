import { toIso } from '../../time.ts';
import type { OpinionRow, SightingRow } from './queries.ts';

const iso = (d: Date | null) => (d ? toIso(d) : null);

/**
 * An item as the interface and the API see it. Its incident only when the reader may see it (the row's join brings
 * its title only then): else not even its id, just that there is one.
 */
export function opinionOut(o: OpinionRow) {
	const incidentHidden = o.incidentId !== null && o.incidentTitle === null;
	return {
		id: o.id,
		unitId: o.unitId,
		unitName: o.unitName,
		type: o.type,
		summary: o.summary,
		status: o.status,
		firstSeenAt: toIso(o.firstSeenAt),
		heat: o.heat,
		needsResponse: o.needsResponse,
		incidentId: incidentHidden ? null : o.incidentId,
		incidentHidden,
		incidentTitle: o.incidentTitle,
		incidentLevel: o.incidentLevel,
		localityUnitIds: o.localityUnitIds,
		responsePlan: o.responsePlan,
		assessedAt: iso(o.assessedAt),
		assessedByName: o.assessedByName,
		respondedAt: iso(o.respondedAt),
		attentionFell: o.attentionFell,
		lessons: o.lessons,
		closedAt: iso(o.closedAt),
		mergedIntoId: o.mergedIntoId,
		createdByName: o.createdByName,
		deviceRecordedAt: iso(o.deviceRecordedAt),
		receivedAt: toIso(o.receivedAt),
		source: o.source,
		sightings: o.sightings
	};
}
export type OpinionOut = ReturnType<typeof opinionOut>;

export const sightingOut = (s: SightingRow) => ({ ...s, seenAt: toIso(s.seenAt), capturedAt: toIso(s.capturedAt) });
