import type { PageServerLoad } from './$types';
import { isOffice } from '$lib/access.ts';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	event.depends('app:spokespersons');
	const units = await callerFor(event).conference.spokespersons();
	// The same test the server applies to setting a phone: the open-government office, or a system administrator.
	return { units, isOffice: isOffice(event.locals.user!) };
};
