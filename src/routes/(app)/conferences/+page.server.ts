import type { PageServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	event.depends('app:conferences');
	// every past conference, a page at a time, under those still to be held
	const list = await callerFor(event).conference.list({ recentDays: null, limit: 30 });
	return { ...list, serverNowMs: Date.now() };
};
