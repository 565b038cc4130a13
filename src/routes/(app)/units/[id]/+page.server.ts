import type { PageServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	const caller = callerFor(event);
	const unit = await caller.unit.byId({ id: event.params.id });
	const [obligations, spokespersons] = await Promise.all([
		unit.kind === 'government' || unit.kind === 'department' ? caller.obligation.ofUnit({ unitId: unit.id }) : null,
		caller.conference.spokespersons({ unitId: unit.id })
	]);
	return { unit: { id: unit.id, name: unit.name }, obligations, spokespersons: spokespersons.flatMap((u) => u.people) };
};
