import type { PageServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';
import { pickableUnits } from '$lib/units-tree.ts';

export const load: PageServerLoad = async (event) => {
	const units = await callerFor(event).unit.list();
	return { units: pickableUnits(units), defaultUnitId: event.locals.user!.unitId, serverNowMs: Date.now() };
};
