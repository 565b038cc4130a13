import type { PageServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	const caller = callerFor(event);
	const [units, people, chains] = await Promise.all([caller.unit.list(), caller.person.list(), caller.signoff.chains()]);
	return {
		units: units.filter((u) => u.active).map((u) => ({ id: u.id, name: u.name, parentId: u.parentId })),
		people: people.filter((p) => p.active).map((p) => ({ id: p.id, name: p.name, unitId: p.unitId })),
		chains
	};
};
