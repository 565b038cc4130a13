import type { PageServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	event.depends('app:devices');
	return { devices: await callerFor(event).device.list() };
};
