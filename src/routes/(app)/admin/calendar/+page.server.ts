import type { PageServerLoad } from './$types';
import { isTopOffice } from '$lib/access.ts';
import { callerFor } from '$lib/server/trpc/caller.ts';
import { toIso } from '$lib/time.ts';

export const load: PageServerLoad = async (event) => {
	const asked = Number(event.url.searchParams.get('year'));
	const thisYear = Number(toIso(new Date()).slice(0, 4));
	const year = Number.isInteger(asked) && asked >= 2000 && asked <= 2100 ? asked : thisYear;
	const caller = callerFor(event);
	const [years, view] = await Promise.all([caller.calendar.years(), caller.calendar.year({ year })]);
	return {
		thisYear,
		years,
		view,
		// the same people calendar.enterYear lets through: the top office, or a system administrator
		canEdit: isTopOffice(event.locals.user!)
	};
};
