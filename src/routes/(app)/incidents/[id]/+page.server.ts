import type { PageServerLoad } from './$types';
import { sql } from '$lib/server/db.ts';
import { deliveriesOf, unacknowledgedSteps } from '$lib/server/clocks/queries.ts';
import { authoritativePublishedAt, conferencesOfIncident } from '$lib/server/incidents/queries.ts';
import { scopeRoot } from '$lib/server/units/scope.ts';
import { toIso } from '$lib/time.ts';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	event.depends('app:incident');
	const caller = callerFor(event);
	const incident = await caller.incident.byId({ id: event.params.id });
	const clockIds = incident.clocks.map((c) => c.id);
	// byId has checked that this person may see the incident; its conferences are those within their reach
	const [units, others, toAck, deliveries, releases, conferences, authoritativeAt] = await Promise.all([
		caller.unit.list(),
		caller.incident.list({ status: 'open', limit: 200 }),
		unacknowledgedSteps(sql, event.locals.user!.id, clockIds),
		deliveriesOf(sql, clockIds),
		caller.release.list({ incidentId: event.params.id }),
		conferencesOfIncident(sql, incident.id, scopeRoot(event.locals.user!)),
		authoritativePublishedAt(sql, incident.id)
	]);
	return {
		incident,
		units,
		releases: releases.map((r) => ({ id: r.id, title: r.title, kind: r.kind, status: r.status, code: r.code })),
		conferences: conferences.map((c) => ({ ...c, plannedAt: toIso(c.plannedAt), heldAt: c.heldAt && toIso(c.heldAt) })),
		authoritativeAt: authoritativeAt && toIso(authoritativeAt),
		mergeTargets: others.filter((o) => o.id !== incident.id).map((o) => ({ id: o.id, title: o.title, occurredAt: o.occurredAt })),
		toAcknowledge: Object.fromEntries(toAck),
		deliveries: deliveries.map((d) => ({
			...d,
			rule: incident.clocks.find((c) => c.id === d.clockId)?.ruleName ?? '',
			at: toIso(d.acknowledgedAt ?? d.openedAt ?? d.receivedAt ?? d.sentAt ?? d.createdAt)
		})),
		serverNowMs: Date.now()
	};
};
