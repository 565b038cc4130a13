import type { PageServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	const { roles, unitKind } = event.locals.user!;
	return {
		experts: await callerFor(event).expert.list({ includeInactive: true }),
		// The pool is kept by the open-government office (officeProcedure); a department's administrator reads it.
		canEdit: roles.includes('sysadmin') || (roles.includes('office_admin') && unitKind === 'office')
	};
};
