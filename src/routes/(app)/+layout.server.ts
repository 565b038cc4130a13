import { redirect } from '@sveltejs/kit';
import type { LayoutServerLoad } from './$types';
import { sql } from '$lib/server/db.ts';
import { countOpenUnread } from '$lib/server/inbox/queries.ts';

export const load: LayoutServerLoad = async ({ locals, url, depends }) => {
	if (!locals.user) {
		const back = url.pathname === '/' ? '' : `?redirectTo=${encodeURIComponent(url.pathname + url.search)}`;
		redirect(303, `/login${back}`);
	}
	depends('app:inbox');
	return { user: locals.user, unread: await countOpenUnread(sql, locals.user.id) };
};
