import type { PageServerLoad } from './$types';
import { sql } from '$lib/server/db.ts';
import { listRules } from '$lib/server/clocks/queries.ts';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	const units = await callerFor(event).unit.list();
	// The rules themselves, so the form can say which clocks will start before anything is sent.
	const rules = (await listRules(sql, 'incident'))
		.filter((r) => r.active)
		.map((r) => ({ key: r.key, name: r.name, levels: r.appliesTo.levels ?? null, hours: r.durationUnit === 'hours' ? r.durationValue : null }));
	return { units, rules, defaultUnitId: event.locals.user!.unitId, serverNowMs: Date.now() };
};
