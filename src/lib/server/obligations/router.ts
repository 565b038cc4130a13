import { z } from 'zod';
import { toIso } from '../../time.ts';
import { sql } from '../db.ts';
import { notFound } from '../errors.ts';
import { authedProcedure, officeProcedure, router } from '../trpc/index.ts';
import { chasingSeason, cstYear, remind, shortfalls } from './flows.ts';
import { obligationsOf, type ObligationRow } from './queries.ts';

const out = (row: ObligationRow, now: Date, year: number) => ({
	...row,
	lastReminderAt: row.lastReminderAt ? toIso(row.lastReminderAt) : null,
	shortfalls: shortfalls(row, now, year)
});

export const obligationRouter = router({
	/** One unit's year: its counts and what it still owes. */
	ofUnit: authedProcedure.input(z.object({ unitId: z.uuid(), year: z.number().int().min(2000).max(2100).nullable().default(null) })).query(async ({ ctx, input }) => {
		const now = new Date();
		const year = input.year ?? cstYear(now);
		const [row] = await obligationsOf(sql, ctx.actor.scope, year, input.unitId);
		if (!row) throw notFound();
		return { year, ...out(row, now, year) };
	}),
	/** The office's view: from October, the units in reach that still owe something this year. */
	shortfalls: officeProcedure.query(async ({ ctx }) => {
		const now = new Date();
		const year = cstYear(now);
		const rows = (await obligationsOf(sql, ctx.actor.scope, year)).map((r) => out(r, now, year)).filter((r) => r.shortfalls.length);
		return { year, season: chasingSeason(now), units: rows };
	}),
	remind: officeProcedure
		.input(z.object({ unitId: z.uuid(), obligation: z.enum(['conferences', 'principal_interpretation']) }))
		.mutation(async ({ ctx, input }) => remind(input.unitId, input.obligation, ctx.actor))
});
