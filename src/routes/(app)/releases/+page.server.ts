import type { PageServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	event.depends('app:releases');
	const caller = callerFor(event);
	const [releases, signoffs] = await Promise.all([caller.release.list(), caller.signoff.mine()]);
	return { releases, signoffs, serverNowMs: Date.now() };
};
