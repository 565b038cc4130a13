// The audit viewer's filters as they travel in the address: the screen (审计记录) and its export read the same ones.
import { AUDIT_ACTIONS, AUDIT_FAMILIES } from './audit-actions.ts';
import { dayOf, idOf, pick } from './query-filters.ts';

/** The filters of an address, each a value or null; a value that is no choice is no filter. */
export function auditQuery(q: URLSearchParams) {
	const textOf = (key: string) => q.get(key)?.trim().slice(0, 200) || null;
	return {
		person: textOf('person'),
		unitId: idOf(q.get('unit')),
		family: pick(q.get('family'), AUDIT_FAMILIES),
		action: pick(q.get('action'), AUDIT_ACTIONS),
		entity: textOf('entity'),
		entityId: textOf('entityId'),
		from: dayOf(q.get('from')),
		to: dayOf(q.get('to')),
		refusals: q.get('refusals') === '1'
	};
}
export type AuditQuery = ReturnType<typeof auditQuery>;

/** The export of what the screen shows: the same filters, as CSV or XLSX. */
export function auditExportHref(q: URLSearchParams, format: 'csv' | 'xlsx'): string {
	const params = new URLSearchParams(q);
	params.set('format', format);
	return `/admin/audit/records/export?${params}`;
}
