import type { PageServerLoad } from './$types';
import { sql } from '$lib/server/db.ts';
import { waitingOn } from '$lib/server/signoff/waiting.ts';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	event.depends('app:release');
	const compare = Number(event.url.searchParams.get('compare'));
	const release = await callerFor(event).release.byId({ id: event.params.id, compareTo: Number.isInteger(compare) && compare > 0 ? compare : null });
	// whom it waits for once submitted: read after byId, which has checked that this person may see it
	const waiting = await waitingOn(sql, { kind: 'release', id: release.id }, release.unitId, release.status);
	return { release, waiting, serverNowMs: Date.now() };
};
