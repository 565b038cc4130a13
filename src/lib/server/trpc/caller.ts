import type { RequestEvent } from '@sveltejs/kit';
import { createContext } from './context.ts';
import { createCaller } from './root.ts';

/** Server-side loads call the same procedures the browser does, with the same checks. */
export function callerFor(event: RequestEvent) {
	return createCaller(createContext(event));
}
