import type { PageServerLoad } from './$types';
import { sql } from '$lib/server/db.ts';
import { unacknowledgedSteps } from '$lib/server/clocks/queries.ts';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	event.depends('app:incident');
	const caller = callerFor(event);
	const incident = await caller.incident.byId({ id: event.params.id });
	const [units, others, toAck] = await Promise.all([
		caller.unit.list(),
		caller.incident.list({ status: 'open', limit: 200 }),
		unacknowledgedSteps(sql, event.locals.user!.id, incident.clocks.map((c) => c.id))
	]);
	return {
		incident,
		units,
		mergeTargets: others.filter((o) => o.id !== incident.id).map((o) => ({ id: o.id, title: o.title, occurredAt: o.occurredAt })),
		toAcknowledge: Object.fromEntries(toAck),
		serverNowMs: Date.now()
	};
};
