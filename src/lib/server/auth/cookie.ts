import type { Cookies } from '@sveltejs/kit';
import { PENDING_COOKIE, PENDING_MINUTES } from './second-factor.ts';
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

/** The pending sign-in between password and second factor: only the sign-in screens see it. */
export function setPendingCookie(cookies: Cookies, url: URL, token: string): void {
	cookies.set(PENDING_COOKIE, token, {
		path: '/login',
		httpOnly: true,
		sameSite: 'strict',
		secure: !LOCAL_HOSTS.has(url.hostname),
		maxAge: PENDING_MINUTES * 60
	});
}

export function deletePendingCookie(cookies: Cookies, url: URL): void {
	cookies.delete(PENDING_COOKIE, { path: '/login', secure: !LOCAL_HOSTS.has(url.hostname) });
}
