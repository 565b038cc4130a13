import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { t } from '$lib/i18n/index.ts';
import { deletePendingCookie, setSessionCookie } from '$lib/server/auth/cookie.ts';
import { safeRedirect } from '$lib/server/auth/flows.ts';
import { completeSignIn, PENDING_COOKIE, secondFactorScreen, type SecondFactorAnswer } from '$lib/server/auth/second-factor.ts';
import { secondFactorProof } from '$lib/server/passkeys/index.ts';
import { actorOf } from '$lib/server/request.ts';

export const load: PageServerLoad = async (event) => {
	const target = safeRedirect(event.url.searchParams.get('redirectTo'));
	if (event.locals.user) redirect(303, target);
	return { screen: await secondFactorScreen(event.cookies.get(PENDING_COOKIE), event.url.origin), target };
};

/** The passkey's answer as the browser sent it, checked for shape as the step-up's is; null when it is not one. */
function passkeyAnswer(raw: string): SecondFactorAnswer | null {
	let json: unknown;
	try {
		json = JSON.parse(raw);
	} catch {
		return null;
	}
	const parsed = secondFactorProof.safeParse(json);
	return parsed.success && parsed.data.kind === 'passkey' ? parsed.data : null;
}

async function answer(event: Parameters<Actions[string]>[0], kind: SecondFactorAnswer['kind']) {
	const form = await event.request.formData();
	const raw = String(form.get(kind === 'passkey' ? 'proof' : 'code') ?? '').slice(0, 20_000);
	const given: SecondFactorAnswer | null =
		kind === 'passkey' ? passkeyAnswer(raw) : { kind, code: raw.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').slice(0, 40) };
	if (!given || (given.kind !== 'passkey' && !given.code.trim())) return fail(400, { kind, message: t('signin.second_factor_missing') });
	const result = await completeSignIn(event.cookies.get(PENDING_COOKIE), given, actorOf(event), event.url.origin);
	if (!result.ok) {
		if (result.error !== 'wrong') deletePendingCookie(event.cookies, event.url);
		const key = result.error === 'expired' ? 'signin.second_factor_expired' : result.error === 'locked' ? 'signin.second_factor_locked' : 'signin.second_factor_wrong';
		return fail(result.error === 'wrong' ? 400 : 429, { kind, message: t(key) });
	}
	deletePendingCookie(event.cookies, event.url);
	setSessionCookie(event.cookies, event.url, result.token, result.session.expiresAt);
	const target = safeRedirect(event.url.searchParams.get('redirectTo'));
	// A first code from a new authenticator: its recovery codes are shown once, before going on.
	if (result.recoveryCodes) return { kind, recoveryCodes: result.recoveryCodes, target };
	redirect(303, target);
}

export const actions: Actions = {
	totp: (event) => answer(event, 'totp'),
	recovery: (event) => answer(event, 'recovery'),
	passkey: (event) => answer(event, 'passkey')
};
