import type { PageServerLoad } from './$types';
import { isTopOffice } from '$lib/access.ts';
import { byRulePriority } from '$lib/server/clocks/priority.ts';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => ({
	// The deadlines a press office is held to first lead the page; the rest follow.
	rules: byRulePriority(await callerFor(event).rule.list()),
	canEdit: isTopOffice(event.locals.user!)
});
