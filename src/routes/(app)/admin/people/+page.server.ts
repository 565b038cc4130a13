import type { PageServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	const caller = callerFor(event);
	const unitId = event.url.searchParams.get('unit') || null;
	const units = await caller.unit.list({ includeInactive: true });
	const visible = unitId && units.some((u) => u.id === unitId) ? unitId : null;
	return { units, unitId: visible, people: await caller.person.list({ unitId: visible }) };
};
