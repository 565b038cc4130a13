import type { RequestHandler } from './$types';
import { actorFor } from '$lib/server/actor.ts';
import { exportResponse } from '$lib/server/audit/export.ts';
import { actorOf } from '$lib/server/request.ts';

/** The audit log as the viewer filters it, as CSV or XLSX (server/audit/export.ts checks who may have it). */
export const GET: RequestHandler = async (event) => {
	const user = event.locals.user;
	return exportResponse(user ? actorFor(user, actorOf(event), event.url.origin) : null, event.url.searchParams);
};
