// The job at a sign-off request's expiry, for whatever the request is about.
import { sql } from '../db.ts';
import { shortCode } from './flows.ts';
import * as signoff from './flows.ts';
import { findRequest, refOf } from './queries.ts';
import { adapter } from './steps.ts';

/**
 * The job at a request's expiry, for whatever the request is about: still unanswered, it lapses and the drafter is
 * told. Nobody takes this step, so the row is read without a reach. Safe to run twice.
 */
export async function lapseRequest(requestId: string, now: Date = new Date()): Promise<boolean> {
	return sql.begin(async (tx) => {
		const request = await findRequest(tx, requestId);
		if (!request) return false;
		const ref = refOf(request);
		const k = adapter(ref.kind);
		const row = await k.lockUnscoped(tx, ref.id);
		if (row === undefined || !(await signoff.lapse(tx, await k.signable(tx, row), request, now))) return false;
		await k.record(tx, row, 'signoff.lapsed', null, { unit: request.unitName, code: shortCode(request.versionHash) }, now, false);
		return true;
	});
}
