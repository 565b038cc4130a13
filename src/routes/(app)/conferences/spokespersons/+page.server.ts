import type { PageServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	event.depends('app:spokespersons');
	const user = event.locals.user!;
	const units = await callerFor(event).conference.spokespersons();
	// The same test the server applies to setting a phone: the open-government office, or a system administrator.
	const isOffice = (user.roles.includes('office_admin') && user.unitKind === 'office') || user.roles.includes('sysadmin');
	return { units, isOffice };
};
