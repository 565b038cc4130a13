import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { isOffice } from '$lib/access.ts';
import { m } from '$lib/paraglide/messages.js';
import { callerFor } from '$lib/server/trpc/caller.ts';

/** Every unit in reach whose yearly publication duties are not met yet; 工作台 shows the first few. */
export const load: PageServerLoad = async (event) => {
	// The same test as obligation.shortfalls: only the office chases the units.
	if (!isOffice(event.locals.user!)) error(404, m['error.not_found']());
	event.depends('app:clocks');
	return { obligations: await callerFor(event).obligation.shortfalls() };
};
