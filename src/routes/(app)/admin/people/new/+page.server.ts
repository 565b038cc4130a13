import type { PageServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => ({
	units: await callerFor(event).unit.list(),
	defaultUnitId: event.url.searchParams.get('unit') ?? '',
	canGrantSysadmin: event.locals.user!.roles.includes('sysadmin')
});
