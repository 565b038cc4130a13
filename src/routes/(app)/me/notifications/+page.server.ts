import type { PageServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';
import { fallbackSeconds } from '$lib/server/notify/pipeline.ts';

export const load: PageServerLoad = async (event) => {
	event.depends('app:devices');
	const caller = callerFor(event);
	const [devices, order] = await Promise.all([caller.device.list(), caller.channel.myOrder()]);
	return { devices, order, fallbackSeconds: await fallbackSeconds() };
};
