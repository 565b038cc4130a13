import type { PageServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	event.depends('app:release');
	const compare = Number(event.url.searchParams.get('compare'));
	const release = await callerFor(event).release.byId({ id: event.params.id, compareTo: Number.isInteger(compare) && compare > 0 ? compare : null });
	return { release, waiting: release.waiting, serverNowMs: Date.now() };
};
