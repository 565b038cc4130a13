import type { PageServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	const caller = callerFor(event);
	const [person, units] = await Promise.all([caller.person.byId({ id: event.params.id }), caller.unit.list({ includeInactive: true })]);
	return { person, units, canGrantSysadmin: event.locals.user!.roles.includes('sysadmin'), self: event.locals.user!.id === person.id };
};
