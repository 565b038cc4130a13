import type { PageServerLoad } from './$types';
import { DELIVERY_FILTERS } from '$lib/clocks.ts';
import { callerFor } from '$lib/server/trpc/caller.ts';
import { pickableUnits } from '$lib/units-tree.ts';

/** Names shown per step of 送达情况 with the page; 加载更多 reads on. */
const DELIVERY_PAGE = 10;

export const load: PageServerLoad = async (event) => {
	event.depends('app:incident');
	const caller = callerFor(event);
	const { conferences, authoritativeAt, ...incident } = await caller.incident.byId({ id: event.params.id });
	const clockIds = incident.clocks.map((c) => c.id);
	// 送达情况 shows every name, or only those without 收到 yet, or only the failed (?deliveries=…)
	const show = DELIVERY_FILTERS.find((f) => f === event.url.searchParams.get('deliveries')) ?? null;
	const [units, others, toAcknowledge, deliveries, releases] = await Promise.all([
		caller.unit.list(),
		caller.incident.list({ status: 'open', limit: 100 }).then((page) => page.items),
		caller.clock.toAcknowledge({ clockIds }),
		caller.clock.deliveries({ clockIds, show, limit: DELIVERY_PAGE }),
		// An incident has a handful of releases (the authoritative one, its follow-ups): the first page of 100 is all of them.
		caller.release.list({ incidentId: event.params.id, limit: 100 }).then((page) => page.items)
	]);
	return {
		incident,
		units: pickableUnits(units, [incident.leadUnitId]),
		releases: releases.map((r) => ({ id: r.id, title: r.title, kind: r.kind, status: r.status, code: r.code })),
		conferences,
		authoritativeAt,
		mergeTargets: others.filter((o) => o.id !== incident.id).map((o) => ({ id: o.id, title: o.title, occurredAt: o.occurredAt })),
		toAcknowledge,
		deliveries: deliveries.map((step) => ({ ...step, rule: incident.clocks.find((c) => c.id === step.clockId)?.ruleName ?? '' })),
		show,
		serverNowMs: Date.now()
	};
};
