import type { PageServerLoad } from './$types';
import { isOffice } from '$lib/access.ts';
import { callerFor } from '$lib/server/trpc/caller.ts';

/** How many of 待我签发 the home shows before 查看全部. */
const HOME_SIGNOFFS = 5;
/** How many units short of their yearly duties the home shows before 查看全部 (/obligations): a province has a hundred. */
const HOME_OBLIGATIONS = 5;
/** How many roster gaps ahead the office's home names. */
const HOME_ROSTER_GAPS = 5;

export const load: PageServerLoad = async (event) => {
	event.depends('app:clocks');
	// The count of items awaiting assessment follows every change to one (live.svelte.ts).
	event.depends('app:opinion_item');
	// 待我签发 changes when a request reaches this person (a notice comes with it) or is decided.
	event.depends('app:inbox', 'app:release', 'app:document');
	const caller = callerFor(event);
	// The office chases the units' yearly obligations from October (obligations/flows.ts).
	const office = isOffice(event.locals.user!);
	const [mine, obligations, opinionsAwaiting, signoffs, gaps, duty, rosterGaps] = await Promise.all([
		caller.clock.mine(),
		office ? caller.obligation.shortfalls() : null,
		caller.opinion.awaitingCount(),
		caller.signoff.mine(),
		// steps that reached nobody: the office must fill the gap (clocks/flows.ts reportNobody)
		office ? caller.inbox.gaps() : [],
		// 现在值班 of the person's own unit, when its roster has anyone on now or next
		caller.duty.now({ unitId: event.locals.user!.unitId }),
		// shifts with nobody (or no leader) in the next 7 days, in the units that keep a roster
		office ? caller.duty.gaps() : []
	]);
	return {
		mine,
		obligations:
			obligations?.season && obligations.units.length
				? { year: obligations.year, units: obligations.units.slice(0, HOME_OBLIGATIONS), total: obligations.units.length }
				: null,
		opinionsAwaiting,
		// the soonest to lapse; the whole list is on 发布
		signoffs: signoffs.slice(0, HOME_SIGNOFFS),
		signoffsTotal: signoffs.length,
		gaps,
		rosterGaps: rosterGaps.slice(0, HOME_ROSTER_GAPS),
		duty: duty.current || duty.next ? { ...duty, unitId: event.locals.user!.unitId } : null
	};
};
