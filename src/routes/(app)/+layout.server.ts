import { redirect } from '@sveltejs/kit';
import type { LayoutServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: LayoutServerLoad = async (event) => {
	const { locals, url } = event;
	if (!locals.user) {
		const back = url.pathname === '/' ? '' : `?redirectTo=${encodeURIComponent(url.pathname + url.search)}`;
		redirect(303, `/login${back}`);
	}
	event.depends('app:inbox');
	return { user: locals.user, unread: await callerFor(event).inbox.unreadCount() };
};
