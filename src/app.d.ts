import type { Session, SessionUser } from '$lib/server/auth/session.ts';

declare global {
	namespace App {
		interface Locals {
			user: SessionUser | null;
			session: Session | null;
			/** this request in the server log (X-Request-Id), set by the first handle */
			requestId: string;
			/** the language this request is answered in (hooks.server.ts) */
			locale: import('$lib/paraglide/runtime.js').Locale;
		}
		interface Error {
			message: string;
			/** set for a server error: the person quotes it to support */
			requestId?: string;
			/** no connection and no copy of the screen on this device (the service worker's answer) */
			offline?: boolean;
		}
	}
}

export {};
