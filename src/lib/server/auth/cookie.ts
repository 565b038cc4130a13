import type { Cookies } from '@sveltejs/kit';
import { SESSION_COOKIE } from './session.ts';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** HttpOnly, SameSite=Lax; Secure everywhere but on this machine's own loopback. */
export function setSessionCookie(cookies: Cookies, url: URL, token: string, expiresAt: Date): void {
	cookies.set(SESSION_COOKIE, token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: !LOCAL_HOSTS.has(url.hostname),
		expires: expiresAt
	});
}

export function deleteSessionCookie(cookies: Cookies, url: URL): void {
	cookies.delete(SESSION_COOKIE, { path: '/', secure: !LOCAL_HOSTS.has(url.hostname) });
}
