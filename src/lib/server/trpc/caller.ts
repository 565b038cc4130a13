import { error, type RequestEvent } from '@sveltejs/kit';
import type { TRPCError } from '@trpc/server';
import { m } from '../../paraglide/messages.js';
import { createContext } from './context.ts';
import { createCaller } from './root.ts';

// A load that asks for a record out of reach (or a malformed id in the URL) shows the 404 page, not a 500.
const PAGE_FOR: Partial<Record<TRPCError['code'], [status: number, message: () => string]>> = {
	NOT_FOUND: [404, () => m['error.not_found']()],
	BAD_REQUEST: [404, () => m['error.not_found']()],
	FORBIDDEN: [403, () => m['error.forbidden']()],
	UNAUTHORIZED: [401, () => m['error.unauthorized']()]
};

/** Server-side loads call the same procedures the browser does, with the same checks. */
export function callerFor(event: RequestEvent) {
	return createCaller(createContext(event), {
		onError: ({ error: e }) => {
			const page = PAGE_FOR[e.code];
			// Throwing here replaces the TRPCError, which SvelteKit would otherwise turn into a 500.
			if (page) error(page[0], page[1]());
		}
	});
}
