import type { PageServerLoad } from './$types';
import { isTopOffice } from '$lib/access.ts';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => ({
	rules: await callerFor(event).rule.list(),
	canEdit: isTopOffice(event.locals.user!)
});
