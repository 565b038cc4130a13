import { redirect } from '@sveltejs/kit';
import type { LayoutServerLoad } from './$types';
import { sql } from '$lib/server/db.ts';

export const load: LayoutServerLoad = async ({ locals, url, depends }) => {
	if (!locals.user) {
		const back = url.pathname === '/' ? '' : `?redirectTo=${encodeURIComponent(url.pathname + url.search)}`;
		redirect(303, `/login${back}`);
	}
	depends('app:inbox');
	const [row] = await sql<{ n: number }[]>`
		select count(*)::int as n from notifications where person_id = ${locals.user.id} and read_at is null`;
	return { user: locals.user, unread: row?.n ?? 0 };
};
