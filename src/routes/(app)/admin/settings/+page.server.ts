import type { PageServerLoad } from './$types';
import { isTopOffice } from '$lib/access.ts';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	const caller = callerFor(event);
	const [session, fallbackSeconds] = await Promise.all([caller.settings.session(), caller.settings.fallbackSeconds()]);
	return { session, fallbackSeconds, canEdit: isTopOffice(event.locals.user!) };
};
