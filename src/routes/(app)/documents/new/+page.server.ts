import type { PageServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	const units = await callerFor(event).unit.list();
	return { units: units.map((u) => ({ id: u.id, name: u.name })) };
};
