import type { PageServerLoad } from './$types';
import { isTopOffice } from '$lib/access.ts';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	event.depends('app:channels');
	const caller = callerFor(event);
	const [settings, mappings] = await Promise.all([caller.channel.settings(), caller.channel.mappings()]);
	return { settings, mappings, canEdit: isTopOffice(event.locals.user!) };
};
