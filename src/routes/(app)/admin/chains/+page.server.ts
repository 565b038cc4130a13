import type { PageServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	const caller = callerFor(event);
	// Reviewers come by name with their chains; anyone else is found as their name is typed (PersonPicker).
	const [units, chains] = await Promise.all([caller.unit.list(), caller.signoff.chains()]);
	return {
		units: units.filter((u) => u.active).map((u) => ({ id: u.id, name: u.name, parentId: u.parentId })),
		chains
	};
};
