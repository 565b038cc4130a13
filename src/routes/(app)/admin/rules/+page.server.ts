import type { PageServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => ({
	rules: await callerFor(event).rule.list(),
	canEdit: event.locals.user!.scopeIsRoot || event.locals.user!.roles.includes('sysadmin')
});
