import type { PageServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => ({ breaches: await callerFor(event).breach.list(), serverNowMs: Date.now() });
