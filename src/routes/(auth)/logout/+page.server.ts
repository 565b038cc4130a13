import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { deleteSessionCookie } from '$lib/server/auth/cookie.ts';
import { signOut } from '$lib/server/auth/flows.ts';
import { actorOf } from '$lib/server/request.ts';

export const load: PageServerLoad = () => redirect(303, '/me');

export const actions: Actions = {
	default: async (event) => {
		if (event.locals.session) {
			await signOut(event.locals.session.id, actorOf(event));
		}
		deleteSessionCookie(event.cookies, event.url);
		redirect(303, '/login');
	}
};
