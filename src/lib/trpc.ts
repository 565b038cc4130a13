import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, TRPCClientError } from '@trpc/client';
import type { AppRouter } from '$lib/server/trpc/root.ts';
import { m } from '$lib/paraglide/messages.js';
import { OWNER_HEADER } from '$lib/outbox/owner.ts';

/** The typed client for the browser; server code calls routers through createCaller instead. */
export const trpc = createTRPCClient<AppRouter>({
	links: [
		splitLink({
			// Live changes stream over server-sent events; everything else is batched JSON.
			condition: (op) => op.type === 'subscription',
			true: httpSubscriptionLink({ url: '/api/trpc' }),
			false: httpBatchLink({
				url: '/api/trpc',
				// An outbox send names the entry's author: the server refuses it under anyone else's session.
				headers: ({ opList }) => {
					const ownerId = opList.find((op) => typeof op.context.ownerId === 'string')?.context.ownerId as string | undefined;
					return ownerId ? { [OWNER_HEADER]: ownerId } : {};
				}
			})
		})
	]
});

export interface FormProblem {
	message: string;
	fieldErrors: Record<string, string>;
}

/** Turns a failed call into a message for the form and one per field, in the interface language. */
export function formProblem(error: unknown): FormProblem {
	if (error instanceof TRPCClientError) {
		const data = error.data as { fieldErrors?: Record<string, string>; requestId?: string } | undefined;
		if (!error.data && !error.shape) return { message: m['error.network'](), fieldErrors: {} };
		// A server error: the id support finds it by in the server log.
		if (data?.requestId) return { message: m['error.server_ref']({ id: data.requestId }), fieldErrors: {} };
		return { message: error.message, fieldErrors: data?.fieldErrors ?? {} };
	}
	// An error the screen raised itself on purpose (a cancelled passkey ceremony) carries its own message.
	if (error instanceof Error && 'key' in error) return { message: error.message, fieldErrors: {} };
	return { message: m['error.network'](), fieldErrors: {} };
}
