// The job at a sign-off request's expiry, for whatever the request is about.
import { sql } from '../db.ts';
import { lapseDocumentRequest } from '../documents/flows.ts';
import { lapseReleaseRequest } from '../releases/flows.ts';
import { findRequest } from './queries.ts';

export async function lapseRequest(requestId: string, now: Date = new Date()): Promise<boolean> {
	return sql.begin(async (tx) => {
		const request = await findRequest(tx, requestId);
		if (!request) return false;
		return request.releaseId ? lapseReleaseRequest(tx, request, now) : lapseDocumentRequest(tx, request, now);
	});
}
