import type { PageServerLoad } from './$types';
import { isOffice } from '$lib/access.ts';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	return {
		experts: await callerFor(event).expert.list({ includeInactive: true }),
		// The pool is kept by the open-government office (officeProcedure); a department's administrator reads it.
		canEdit: isOffice(event.locals.user!)
	};
};
