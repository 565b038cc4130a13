import { z } from 'zod';
import { toIso } from '../../time.ts';
import { sql } from '../db.ts';
import { authedProcedure, officeProcedure, router, text } from '../trpc/index.ts';
import { addExpert, editExpert, setExpertActivity } from './flows.ts';
import { listExperts, type ExpertRow } from './queries.ts';

export const expertFields = z.object({
	name: text(50, { min: 1, label: 'personName' }),
	field: text(100, { min: 1 }),
	organisation: text(100).default(''),
	contact: text(100).default('')
});

export function expertOut(e: ExpertRow) {
	return { ...e, createdAt: toIso(e.createdAt), updatedAt: toIso(e.updatedAt) };
}
export type ExpertOut = ReturnType<typeof expertOut>;

export const expertRouter = router({
	/** Everyone signed in picks experts for interpretation materials; the deactivated ones only when asked. */
	list: authedProcedure
		.input(z.object({ includeInactive: z.boolean().default(false) }).default({ includeInactive: false }))
		.query(async ({ input }) => (await listExperts(sql, input)).map(expertOut)),
	create: officeProcedure.input(expertFields).mutation(async ({ ctx, input }) => expertOut(await addExpert(input, ctx.actor))),
	update: officeProcedure.input(expertFields.extend({ id: z.uuid() })).mutation(async ({ ctx, input }) => {
		const { id, ...f } = input;
		return expertOut(await editExpert(id, f, ctx.actor));
	}),
	setActive: officeProcedure
		.input(z.object({ id: z.uuid(), active: z.boolean() }))
		.mutation(async ({ ctx, input }) => expertOut(await setExpertActivity(input.id, input.active, ctx.actor)))
});
