import { z } from 'zod';
import { cstMidnight } from '../clocks/index.ts';
import { A_DAY_MS, authedProcedure, day, moment, officeProcedure, router, text } from '../trpc/index.ts';
import { dutyCandidates, dutyNow, removeShift, rosterGaps, rosterOf, saveShift } from './flows.ts';
import { importRoster } from './import.ts';

const phone = z.union([text(30).regex(/^[0-9+()\- ]{3,30}$/), z.literal(''), z.null()]).transform((v) => v || null);

export const dutyRouter = router({
	/** A unit's shifts from one China day to another (a month on 值班表), at most 62 days. */
	roster: authedProcedure
		.input(z.object({ unitId: z.uuid(), from: day, to: day }))
		.query(({ ctx, input }) => {
			const from = cstMidnight(input.from);
			const to = new Date(Math.min(cstMidnight(input.to).getTime() + A_DAY_MS, from.getTime() + 62 * A_DAY_MS));
			return rosterOf(input.unitId, from, to, ctx.actor);
		}),
	/** 现在值班: the shift on now, and the next one. */
	now: authedProcedure.input(z.object({ unitId: z.uuid() })).query(({ ctx, input }) => dutyNow(input.unitId, ctx.actor)),
	/** The office's look ahead: shifts with nobody or no leader in the next 7 days, in the units that keep a roster. */
	gaps: officeProcedure.query(({ ctx }) => rosterGaps(ctx.actor)),
	/** Whom a shift of the unit may name. */
	candidates: authedProcedure.input(z.object({ unitId: z.uuid() })).query(({ ctx, input }) => dutyCandidates(input.unitId, ctx.actor)),
	save: authedProcedure
		.input(
			z.object({
				id: z.uuid().optional(),
				unitId: z.uuid(),
				startsAt: moment('planned'),
				endsAt: moment('planned'),
				officerIds: z.array(z.uuid()).max(5),
				leaderId: z.uuid().nullable(),
				phone
			})
		)
		.mutation(({ ctx, input }) => saveShift(input, ctx.actor)),
	/** A roster from a spreadsheet (.xlsx, at most 600 KB, base64): all rows or none, each wrong row named. */
	import: authedProcedure
		.input(z.object({ unitId: z.uuid(), file: z.string().max(800_000).regex(/^[A-Za-z0-9+/]*={0,2}$/) }))
		.mutation(({ ctx, input }) => importRoster(input.unitId, Buffer.from(input.file, 'base64'), ctx.actor)),
	remove: authedProcedure.input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) => {
		await removeShift(input.id, ctx.actor);
		return { ok: true as const };
	})
});
