import { z } from 'zod';
import { INCIDENT_CATEGORIES } from '../../clocks.ts';
import { toIso } from '../../time.ts';
import { clocksOf, clocksSeen, cstMidnight } from '../clocks/index.ts';
import { sql } from '../db.ts';
import { notFound } from '../errors.ts';
import { cursor, pageOf } from '../pages.ts';
import { searchText, wordsOf } from '../search.ts';
import type { Reader } from '../subjects.ts';
import { timelineOut } from '../timeline/index.ts';
import { A_DAY_MS, authedProcedure, day, moment, router, text } from '../trpc/index.ts';
import { changeLevel, closeIncident, editIncident, logIncident, mergeIncident } from './flows.ts';
import { incidentListed, incidentOut } from './out.ts';
import { authoritativePublishedAt, conferencesOfIncident, getIncident, incidentCursorOf, listIncidents, type IncidentRow } from './queries.ts';

const fields = z.object({
	title: text(200, { min: 1 }),
	category: z.enum(INCIDENT_CATEGORIES),
	occurredAt: moment('now', 'incident.future'),
	location: text(200).default(''),
	leadUnitId: z.uuid(),
	description: text(5000, { lines: true }).default('')
});

// Still exported from here for the screens that imported them before they moved to out.ts.
export { incidentOut, type IncidentOut } from './out.ts';

async function withClocks(i: IncidentRow, reader: Reader) {
	return { ...incidentOut(i), clocks: await clocksSeen(sql, await clocksOf(sql, { type: 'incident', id: i.id }), reader) };
}

export const incidentRouter = router({
	create: authedProcedure
		.input(
			fields.extend({
				clientKey: z.uuid(),
				level: z.number().int().min(1).max(4),
				deviceRecordedAt: moment('day').nullable().default(null),
				confirmOld: z.boolean().default(false)
			})
		)
		.mutation(async ({ ctx, input }) => {
			const { incident, replay } = await logIncident(input, ctx.actor);
			return { ...(await withClocks(incident, ctx.actor)), replay };
		}),
	byId: authedProcedure.input(z.object({ id: z.uuid() })).query(async ({ ctx, input }) => {
		const incident = await getIncident(sql, input.id, ctx.actor.scope);
		if (!incident) throw notFound();
		const [timeline, conferences, authoritativeAt] = await Promise.all([
			timelineOut(sql, { type: 'incident', id: incident.id }, ctx.actor),
			conferencesOfIncident(sql, incident.id, ctx.actor.scope),
			authoritativePublishedAt(sql, incident.id)
		]);
		return {
			...(await withClocks(incident, ctx.actor)),
			...timeline,
			/** its conferences within the reader's reach */
			conferences: conferences.map((c) => ({ ...c, plannedAt: toIso(c.plannedAt), heldAt: c.heldAt && toIso(c.heldAt) })),
			/** when its first authoritative release went out, whichever unit published it: what is drafted after is a 续报 */
			authoritativeAt: authoritativeAt && toIso(authoritativeAt)
		};
	}),
	/**
	 * A page of the incidents in reach, open ones first, then the newest; filtered as a press officer looks for one
	 * (status, level, unit, the China days it occurred between, words of its title). `cursor` is the previous
	 * page's `nextCursor`.
	 */
	list: authedProcedure
		.input(
			z
				.object({
					status: z.enum(['open', 'closed', 'merged']).nullable().default(null),
					level: z.number().int().min(1).max(4).nullable().default(null),
					unitId: z.uuid().nullable().default(null),
					from: day.nullable().default(null),
					to: day.nullable().default(null),
					q: searchText(),
					cursor: cursor(z.tuple([z.boolean(), z.iso.datetime({ offset: true }), z.uuid()])),
					limit: z.number().int().min(1).max(100).default(50)
				})
				.default({ status: null, level: null, unitId: null, from: null, to: null, q: '', cursor: null, limit: 50 })
		)
		.query(async ({ ctx, input }) => {
			const rows = await listIncidents(sql, ctx.actor.scope, {
				status: input.status,
				level: input.level,
				unitId: input.unitId,
				from: input.from ? cstMidnight(input.from) : null,
				to: input.to ? new Date(cstMidnight(input.to).getTime() + A_DAY_MS) : null,
				words: wordsOf(input.q),
				after: input.cursor,
				limit: input.limit + 1
			});
			return pageOf(rows, input.limit, incidentCursorOf, incidentListed);
		}),
	update: authedProcedure.input(fields.extend({ id: z.uuid() })).mutation(async ({ ctx, input }) => {
		const { id, ...f } = input;
		return withClocks(await editIncident(id, f, ctx.actor), ctx.actor);
	}),
	setLevel: authedProcedure
		.input(z.object({ id: z.uuid(), level: z.number().int().min(1).max(4), reason: text(500, { lines: true }).default('') }))
		.mutation(async ({ ctx, input }) => withClocks(await changeLevel(input.id, input.level, input.reason, ctx.actor), ctx.actor)),
	merge: authedProcedure
		.input(z.object({ id: z.uuid(), intoId: z.uuid() }))
		.mutation(async ({ ctx, input }) => withClocks(await mergeIncident(input.id, input.intoId, ctx.actor), ctx.actor)),
	close: authedProcedure
		.input(z.object({ id: z.uuid(), note: text(2000, { lines: true }) }))
		.mutation(async ({ ctx, input }) => withClocks(await closeIncident(input.id, input.note, ctx.actor), ctx.actor))
});
