import type { PageServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => ({
	units: await callerFor(event).unit.list({ includeInactive: true })
});
