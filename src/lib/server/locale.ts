// The language of the work in hand on the server: a request's (the signed-in person's choice, else the device's
// cookie, else Chinese), or the one a job names (a notice is rendered in its recipient's language). Paraglide's
// messages ask getLocale(), which here reads this store; outside any, Chinese.
import { AsyncLocalStorage } from 'node:async_hooks';
import { baseLocale, cookieName, isLocale, overwriteGetLocale, type Locale } from '../paraglide/runtime.js';

const current = new AsyncLocalStorage<Locale>();
overwriteGetLocale(() => current.getStore() ?? baseLocale);

export { cookieName as LOCALE_COOKIE };

/** Runs `work` with messages in `locale`. */
export function inLocale<T>(locale: Locale, work: () => T): T {
	return current.run(locale, work);
}

/** A stored or sent locale, checked: anything unknown reads as Chinese. */
export function localeOf(value: string | null | undefined): Locale {
	return value && isLocale(value) ? value : baseLocale;
}
