import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { t } from '$lib/i18n/index.ts';
import { m } from '$lib/paraglide/messages.js';
import { setPendingCookie, setSessionCookie } from '$lib/server/auth/cookie.ts';
import { safeRedirect, signIn } from '$lib/server/auth/flows.ts';
import { actorOf } from '$lib/server/request.ts';

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.user) redirect(303, safeRedirect(url.searchParams.get('redirectTo')));
};

export const actions: Actions = {
	default: async (event) => {
		const form = await event.request.formData();
		const login = String(form.get('login') ?? '').slice(0, 200);
		const password = String(form.get('password') ?? '').slice(0, 1024);
		if (!login.trim() || !password) return fail(400, { login, message: m['signin.missing']() });

		const result = await signIn(login, password, actorOf(event));
		if (!result.ok) {
			const key = result.error === 'locked' ? 'signin.locked' : result.error === 'address_limited' ? 'signin.address_limited' : 'signin.invalid';
			return fail(result.error === 'invalid' ? 400 : 429, { login, message: t(key) });
		}
		const target = safeRedirect(event.url.searchParams.get('redirectTo'));
		if ('pending' in result) {
			setPendingCookie(event.cookies, event.url, result.pending);
			redirect(303, `/login/second-factor?redirectTo=${encodeURIComponent(target)}`);
		}
		setSessionCookie(event.cookies, event.url, result.token, result.session.expiresAt);
		redirect(303, target);
	}
};
