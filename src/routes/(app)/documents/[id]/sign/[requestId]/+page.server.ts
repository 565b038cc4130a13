import type { PageServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	event.depends('app:document');
	const view = await callerFor(event).document.signoffView({ id: event.params.id, requestId: event.params.requestId });
	return { view, serverNowMs: Date.now() };
};
