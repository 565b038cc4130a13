import type { PageServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	event.depends('app:incident');
	const caller = callerFor(event);
	const { conferences, authoritativeAt, ...incident } = await caller.incident.byId({ id: event.params.id });
	const clockIds = incident.clocks.map((c) => c.id);
	const [units, others, toAcknowledge, deliveries, releases] = await Promise.all([
		caller.unit.list(),
		caller.incident.list({ status: 'open', limit: 100 }).then((page) => page.items),
		caller.clock.toAcknowledge({ clockIds }),
		caller.clock.deliveries({ clockIds }),
		// An incident has a handful of releases (the authoritative one, its follow-ups): the first page of 100 is all of them.
		caller.release.list({ incidentId: event.params.id, limit: 100 }).then((page) => page.items)
	]);
	return {
		incident,
		units,
		releases: releases.map((r) => ({ id: r.id, title: r.title, kind: r.kind, status: r.status, code: r.code })),
		conferences,
		authoritativeAt,
		mergeTargets: others.filter((o) => o.id !== incident.id).map((o) => ({ id: o.id, title: o.title, occurredAt: o.occurredAt })),
		toAcknowledge,
		deliveries: deliveries.map((d) => ({ ...d, rule: incident.clocks.find((c) => c.id === d.clockId)?.ruleName ?? '' })),
		serverNowMs: Date.now()
	};
};
