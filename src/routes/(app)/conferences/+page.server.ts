import type { PageServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	event.depends('app:conferences');
	const list = await callerFor(event).conference.list();
	return { ...list, serverNowMs: Date.now() };
};
