import type { PageServerLoad } from './$types';
import { isAdmin } from '$lib/roles.ts';
import { chinaDay, daysOf } from '$lib/duty.ts';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	const caller = callerFor(event);
	// byId refuses a unit beyond the reader's reach
	const unit = await caller.unit.byId({ id: event.params.id });
	const asked = event.url.searchParams.get('month');
	const month = asked && /^20\d{2}-(0[1-9]|1[0-2])$/.test(asked) ? asked : chinaDay(new Date()).slice(0, 7);
	const days = daysOf(month);
	const [shifts, now, candidates] = await Promise.all([
		caller.duty.roster({ unitId: unit.id, from: days[0]!, to: days.at(-1)! }),
		caller.duty.now({ unitId: unit.id }),
		caller.duty.candidates({ unitId: unit.id })
	]);
	return { unit: { id: unit.id, name: unit.name }, month, days, shifts, now, candidates, canEdit: isAdmin(event.locals.user!.roles) };
};
