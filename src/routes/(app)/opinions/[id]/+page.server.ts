import type { PageServerLoad } from './$types';
import { opinionOpen } from '$lib/opinions.ts';
import { callerFor } from '$lib/server/trpc/caller.ts';
import { pickableUnits } from '$lib/units-tree.ts';

export const load: PageServerLoad = async (event) => {
	event.depends('app:opinion_item');
	const caller = callerFor(event);
	const item = await caller.opinion.byId({ id: event.params.id });
	const open = opinionOpen(item.status);
	// The assessment's and the responses' choices, only while the item can still change.
	const [units, incidents, conferences] = open
		? await Promise.all([caller.unit.list(), caller.incident.list({ status: 'open', limit: 100 }).then((page) => page.items), caller.conference.list({ limit: 50, recentDays: 30 })])
		: [[], [], null];
	const linked = new Set(item.conferences.map((c) => c.id));
	return {
		item,
		units: pickableUnits(units, item.localityUnitIds),
		incidents: incidents.map((i) => ({ id: i.id, title: i.title, level: i.level })),
		conferences: conferences
			? [...conferences.upcoming, ...conferences.recent]
					.filter((c) => !linked.has(c.id) && c.status !== 'cancelled')
					.map((c) => ({ id: c.id, title: c.title, status: c.status, plannedAt: c.plannedAt, heldAt: c.heldAt }))
			: [],
		// the steps a notice asked this person to acknowledge: 收到 right here, where the notice led
		toAcknowledge: await caller.clock.toAcknowledge({ clockIds: item.clocks.map((c) => c.id) }),
		serverNowMs: Date.now()
	};
};
