import type { PageServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	event.depends('app:incidents');
	const caller = callerFor(event);
	const [incidents, mine] = await Promise.all([caller.incident.list({ status: null, limit: 100 }), caller.clock.mine()]);
	return { incidents, serverNowMs: mine.serverNowMs };
};
