import { error, type RequestEvent } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
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

type Caller = ReturnType<typeof createCaller>;

/**
 * A list a screen reads with filters from its address (a link, the back button, a hand-edited day): a filter the
 * procedure refuses (a day before 2000, an overlong search) is said in the list's place, in the reader's language,
 * with `empty()` for the list, instead of failing the whole screen. Any other refusal is the page's, as callerFor's.
 */
export async function listOrProblem<P>(event: RequestEvent, read: (caller: Caller) => Promise<P>, empty: () => P | Promise<P>): Promise<P & { problem: string | null }> {
	try {
		return { ...(await read(createCaller(createContext(event)))), problem: null };
	} catch (e) {
		if (e instanceof TRPCError && e.cause instanceof ZodError) return { ...(await empty()), problem: e.cause.issues[0]?.message ?? e.message };
		const page = e instanceof TRPCError ? PAGE_FOR[e.code] : undefined;
		if (page) error(page[0], page[1]());
		throw e;
	}
}
