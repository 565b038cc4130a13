import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { building } from '$app/environment';
import { deleteSessionCookie } from '$lib/server/auth/cookie.ts';
import { sealStoredTotpKeys } from '$lib/server/auth/index.ts';
import { SESSION_COOKIE, sessionCacheKey, validateSessionToken } from '$lib/server/auth/session.ts';
import { sealAudit, verifyAndAlert } from '$lib/server/audit/index.ts';
import { auditClocks, runClock } from '$lib/server/clocks/flows.ts';
import { sql, ticksSql, untilHungUp } from '$lib/server/db.ts';
import { startJobs, stopJobs } from '$lib/server/jobs/boss.ts';
import { removeUnusedUploads } from '$lib/server/files/flows.ts';
import { deliver, fallback } from '$lib/server/notify/dispatch.ts';
import { appSenders } from '$lib/server/notify/senders.ts';
import { withdrawNotices } from '$lib/server/notify/withdraw.ts';
import { sealStoredSecrets } from '$lib/server/notify/index.ts';
import { secretsKey } from '$lib/server/security/index.ts';
import { lapseRequest } from '$lib/server/signoff/lapse.ts';
import { migrateOrCheck } from '$lib/server/migrate.ts';
import { migrationFiles } from '$lib/server/migrations.ts';
import { formRefusal } from '$lib/server/security/origin.ts';
import { log, logServerError, newRequestId } from '$lib/server/log.ts';
import { serverErrorMessage } from '$lib/server/errors.ts';
import { m } from '$lib/paraglide/messages.js';
import { inLocale, localeOf, LOCALE_COOKIE } from '$lib/server/locale.ts';
import { SESSION_HEADER } from '$lib/offline.ts';

export const init: ServerInit = async () => {
	// Prerendering (the offline page) runs this too: a build must not need a database.
	if (building) return;
	const { applied } = await migrateOrCheck(sql, migrationFiles);
	if (applied.length) console.log(`[migrate] applied ${applied.join(', ')}`);
	// Secrets stored before SECRETS_KEY was set are sealed now; without the key they stay as they are, and that is said.
	if (!secretsKey()) log.warn({ where: 'secrets' }, 'SECRETS_KEY is not set: channel secrets, the VAPID private key and authenticator keys are kept unsealed in the database');
	else await sql.begin(async (tx) => {
		await sealStoredSecrets(tx);
		await sealStoredTotpKeys(tx);
	});
	if (process.env.HUIYING_JOBS !== 'off') {
		await startJobs({
			tick: async (id) => void (await runClock(id, new Date(), ticksSql)),
			audit: async () => void (await auditClocks()),
			deliver: async (data) => deliver(data, await appSenders()),
			fallback: async (data) => fallback(data, await appSenders()),
			signoffExpiry: async (data) => void (await lapseRequest(data.requestId)),
			withdraw: async (data) => void (await withdrawNotices(data, await appSenders())),
			filesCleanup: async () => void (await removeUnusedUploads()),
			auditSeal: async () => void (await sealAudit(sql)),
			auditVerify: async () => void (await verifyAndAlert(sql))
		});
	}
	// adapter-node waits for open connections on SIGTERM: close them so a stop takes seconds, not forever.
	process.once('sveltekit:shutdown', () => void shutdown());
};

async function shutdown(): Promise<void> {
	// Whatever still holds the event loop then (a hung query, a push service's socket) must not keep a stopped server alive.
	setTimeout(() => process.exit(0), 10_000).unref();
	await stopJobs().catch((error: unknown) => logServerError(error, { where: 'shutdown' }));
	await Promise.all([sql.end({ timeout: 3 }), ticksSql.end({ timeout: 3 })]);
}

/** Every request gets an id: in the log line of any error it causes, shown to the person with it, and in X-Request-Id. */
const requestId: Handle = async ({ event, resolve }) => {
	event.locals.requestId = newRequestId();
	const response = await resolve(event);
	response.headers.set('X-Request-Id', event.locals.requestId);
	return response;
};

const session: Handle = async ({ event, resolve }) => {
	const token = event.cookies.get(SESSION_COOKIE);
	event.locals.user = null;
	event.locals.session = null;
	if (token) {
		const { session, user } = await validateSessionToken(token);
		if (session) {
			event.locals.user = user;
			event.locals.session = session;
		} else {
			deleteSessionCookie(event.cookies, event.url);
		}
	}
	return resolve(event);
};

const crossSite: Handle = async ({ event, resolve }) => {
	if (formRefusal(event.request, event.url)) {
		return new Response(m['error.origin'](), { status: 403, headers: { 'content-type': 'text/plain; charset=utf-8' } });
	}
	return resolve(event);
};

const headers: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	// nosniff, Referrer-Policy and HSTS come from server.js, for every response. A signed-in page or its data
	// is never kept by a browser or proxy cache for the next person on the phone (the service worker's own
	// cache of visited screens, for offline use, is not touched by this).
	if (event.url.pathname.startsWith('/api/') || (event.locals.user && !response.headers.has('Cache-Control'))) {
		response.headers.set('Cache-Control', 'no-store');
	}
	// The service worker keeps offline copies per session and drops them once another session, or none, answers.
	response.headers.set(SESSION_HEADER, event.locals.session ? sessionCacheKey(event.locals.session.id) : 'none');
	return response;
};

/**
 * The language of this request: the signed-in person's choice, else the device's last (cookie), else Chinese.
 * The browser reads the same cookie, so a shared phone follows whoever signed in last.
 */
const language: Handle = async ({ event, resolve }) => {
	const locale = event.locals.user?.locale ?? localeOf(event.cookies.get(LOCALE_COOKIE));
	event.locals.locale = locale;
	// Only a signed-in person's choice is written back: a signed-out answer arriving late must not undo the choice
	// the sign-in page has just made on the device.
	if (event.locals.user && event.cookies.get(LOCALE_COOKIE) !== locale) {
		event.cookies.set(LOCALE_COOKIE, locale, { path: '/', httpOnly: false, sameSite: 'lax', maxAge: 400 * 24 * 3600 });
	}
	return inLocale(locale, () => resolve(event, { transformPageChunk: ({ html }) => html.replace('%lang%', locale) }));
};

/**
 * A reader who hangs up (a phone out of signal, a screen left before it loaded) leaves no work behind: the request's
 * statements still waiting for the database are dropped and no new ones start (db.ts, untilHungUp). Reads only: a
 * change asked for is carried through, so that what was sent is either saved whole or not at all.
 */
const hangUp: Handle = async ({ event, resolve }) =>
	event.request.method === 'GET' || event.request.method === 'HEAD' ? untilHungUp(event.request.signal, async () => resolve(event)) : resolve(event);

export const handle = sequence(requestId, hangUp, session, language, crossSite, headers);

export const handleError: HandleServerError = ({ error, event, status }) => {
	// A page that does not exist (or a method a route lacks) is no fault of the server's.
	if (status < 500) return { message: status === 404 ? m['error.not_found']() : m['error.server']() };
	const id = event.locals.requestId;
	// Nobody is left to read the answer, and nothing failed: the work stopped because its reader hung up.
	if (event.request.signal.aborted) return { message: serverErrorMessage(id), requestId: id };
	logServerError(error, { requestId: id, where: event.route.id ?? 'no route', method: event.request.method });
	return { message: serverErrorMessage(id), requestId: id };
};
