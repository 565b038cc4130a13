import type { PageServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';
import { pickableUnits } from '$lib/units-tree.ts';

export const load: PageServerLoad = async (event) => {
	const caller = callerFor(event);
	// The rules themselves, so the form can say which clocks will start before anything is sent.
	const [units, rules] = await Promise.all([caller.unit.list(), caller.rule.active({ subject: 'incident' })]);
	return {
		units: pickableUnits(units),
		rules: rules.map((r) => ({ key: r.key, name: r.name, levels: r.appliesTo.levels ?? null, hours: r.durationUnit === 'hours' ? r.durationValue : null })),
		defaultUnitId: event.locals.user!.unitId,
		serverNowMs: Date.now()
	};
};
