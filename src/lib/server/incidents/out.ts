import { toIso } from '../../time.ts';
import type { IncidentRow, ListedIncident } from './queries.ts';

/** An incident as the interface and the API see it: times in China time, without the replay bookkeeping. */
export function incidentOut(i: IncidentRow) {
	const { bodyHash: _h, clientKey: _k, ...rest } = i;
	return {
		...rest,
		occurredAt: toIso(i.occurredAt),
		closedAt: i.closedAt ? toIso(i.closedAt) : null,
		deviceRecordedAt: i.deviceRecordedAt ? toIso(i.deviceRecordedAt) : null,
		receivedAt: toIso(i.receivedAt),
		createdAt: toIso(i.createdAt),
		updatedAt: toIso(i.updatedAt)
	};
}
export type IncidentOut = ReturnType<typeof incidentOut>;

/** An incident as a list shows it: what a row and a picker need, not its description or its record of receipt. */
export function incidentListed(i: ListedIncident) {
	return {
		id: i.id,
		title: i.title,
		category: i.category,
		level: i.level,
		status: i.status,
		occurredAt: toIso(i.occurredAt),
		leadUnitId: i.leadUnitId,
		leadUnitName: i.leadUnitName,
		openClocks: i.openClocks.map((c) => ({ ruleName: c.ruleName, dueAt: toIso(new Date(c.dueAt)), status: c.status }))
	};
}
