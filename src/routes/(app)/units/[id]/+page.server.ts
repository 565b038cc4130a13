import type { PageServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	const caller = callerFor(event);
	// byId refuses a unit beyond the reader's reach; everything below is of this one unit
	const unit = await caller.unit.byId({ id: event.params.id });
	const [obligations, spokespersons, duty] = await Promise.all([
		unit.kind === 'government' || unit.kind === 'department' ? caller.obligation.ofUnit({ unitId: unit.id }) : null,
		caller.conference.spokespersons({ unitId: unit.id }),
		caller.duty.now({ unitId: unit.id })
	]);
	const people = spokespersons.flatMap((u) => u.people);
	const phones = await caller.unit.phones({ personIds: people.map((p) => p.id) });
	return {
		unit: { id: unit.id, name: unit.name },
		obligations,
		duty,
		spokespersons: people.map((p) => ({
			id: p.id,
			name: p.name,
			isPrincipal: p.isPrincipal,
			isSpokesperson: p.roles.includes('spokesperson'),
			phone: phones[p.id] ?? null,
			publicPhone: p.publicPhone
		}))
	};
};
