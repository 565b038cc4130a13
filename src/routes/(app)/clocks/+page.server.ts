import type { PageServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	event.depends('app:clocks');
	return { mine: await callerFor(event).clock.mine({ limit: 30 }) };
};
