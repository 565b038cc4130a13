// The two ladder audiences a roster answers (issue 18): the duty officer on duty and the leader on duty, resolved
// when the step runs. An empty roster falls back to the unit's people with the role (值班人员, or its leaders) and
// the office hears that the roster has a gap (clocks/flows.ts).
import type { Tx } from '../db.ts';
import { shiftAt } from './queries.ts';

export interface OnDuty {
	/** the people the shift names, active ones only; empty when the roster has no shift then or it names nobody */
	ids: string[];
	/** no shift covers the moment, or it names nobody for this audience */
	gap: boolean;
}

export async function onDuty(db: Tx, unitId: string, who: 'officer' | 'leader', at: Date | null): Promise<OnDuty> {
	const shift = await shiftAt(db, unitId, at);
	const named = shift ? (who === 'officer' ? shift.officerIds : shift.leaderId ? [shift.leaderId] : []) : [];
	if (!named.length) return { ids: [], gap: true };
	const active = await db<{ id: string }[]>`select id from people where id = any(${named}::uuid[]) and active`;
	return { ids: active.map((r) => r.id), gap: active.length === 0 };
}
