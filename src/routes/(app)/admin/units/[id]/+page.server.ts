import type { PageServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	const caller = callerFor(event);
	// The principal and leader in charge are found by name as they are typed (PersonPicker), not loaded here.
	const [unit, units] = await Promise.all([caller.unit.byId({ id: event.params.id }), caller.unit.list({ includeInactive: true })]);
	return { unit, units };
};
