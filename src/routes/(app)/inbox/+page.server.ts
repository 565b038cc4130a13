import type { PageServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	event.depends('app:inbox');
	return { page: await callerFor(event).inbox.list({ limit: 100 }) };
};
