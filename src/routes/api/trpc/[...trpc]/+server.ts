import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { RequestHandler } from './$types';
import { t } from '$lib/i18n/index.ts';
import { logServerError } from '$lib/server/log.ts';
import { createContext } from '$lib/server/trpc/context.ts';
import { appRouter } from '$lib/server/trpc/root.ts';
import { mutationRefusal } from '$lib/server/security/origin.ts';

const handler: RequestHandler = async (event) => {
	const refusal = mutationRefusal(event.request, event.url);
	if (refusal) {
		const message = t(refusal === 415 ? 'error.content_type' : 'error.origin');
		return new Response(JSON.stringify({ error: { message, code: refusal } }), {
			status: refusal,
			headers: { 'content-type': 'application/json; charset=utf-8' }
		});
	}
	return fetchRequestHandler({
		endpoint: '/api/trpc',
		req: event.request,
		router: appRouter,
		createContext: () => createContext(event),
		// A refusal or a rejected input is an answer; only what the server failed at is an error to log.
		// A read whose reader hung up stopped on purpose (hooks.server.ts): nobody is left to read the answer.
		onError: ({ error, path, type }) => {
			if (getHTTPStatusCodeFromError(error) >= 500 && !event.request.signal.aborted) logServerError(error, { requestId: event.locals.requestId, where: path ?? 'api/trpc', method: type });
		}
	});
};

export const GET = handler;
export const POST = handler;
