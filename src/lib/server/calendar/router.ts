import { z } from 'zod';
import { toIso } from '../../time.ts';
import { sql } from '../db.ts';
import { day, text, authedProcedure, router, topOfficeProcedure } from '../trpc/index.ts';
import { calendarWarning, enterYear, workingDaysAfter } from './flows.ts';
import { daysOf, getYear, listYears } from './queries.ts';

const year = z.number().int().min(2000).max(2100);

async function yearOut(y: number) {
	const entered = await getYear(sql, y);
	return {
		year: y,
		known: Boolean(entered),
		origin: entered?.origin ?? null,
		source: entered?.source ?? null,
		enteredBy: entered?.enteredByName ?? null,
		enteredAt: entered ? toIso(entered.enteredAt) : null,
		/** what a deadline counted in this year says while it is not known */
		warning: entered ? null : (calendarWarning([y]) ?? null),
		days: entered ? await daysOf(sql, y) : []
	};
}
export type CalendarYearOut = Awaited<ReturnType<typeof yearOut>>;

/** The working-day calendar: anyone signed in reads it and counts on it; the top office enters a new year. */
export const calendarRouter = router({
	/** `date` is the `days`-th working day after the given China date; `warning` when a year was counted Monday to Friday. */
	addWorkingDays: authedProcedure
		.input(z.object({ date: day, days: z.number().int().min(0).max(1000) }))
		.query(({ input }) => workingDaysAfter(sql, input.date, input.days)),
	years: authedProcedure.query(() => listYears(sql)),
	year: authedProcedure.input(z.object({ year })).query(({ input }) => yearOut(input.year)),
	enterYear: topOfficeProcedure
		.input(
			z.object({
				year,
				source: text(200, { min: 1 }),
				holidays: z
					.array(z.object({ name: text(40, { trim: false }), from: text(10), to: text(10) }))
					.min(1)
					.max(60),
				workdays: z.array(text(10)).max(30)
			})
		)
		.mutation(async ({ ctx, input }) => {
			const { rescheduled } = await enterYear(input, ctx.actor);
			return { ...(await yearOut(input.year)), rescheduled };
		})
});
