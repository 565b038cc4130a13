import { z } from 'zod';
import { OPINION_HEATS, OPINION_SOURCES, OPINION_STATUSES, OPINION_TYPES } from '../../opinions.ts';
import { toIso } from '../../time.ts';
import type { Actor } from '../actor.ts';
import { clocksOf, clocksSeen } from '../clocks/index.ts';
import { sql } from '../db.ts';
import { notFound } from '../errors.ts';
import { cursor, pageOf } from '../pages.ts';
import { releaseVisible } from '../releases/index.ts';
import { searchText, wordsOf } from '../search.ts';
import { visibleSubjects, type Reader } from '../subjects.ts';
import { timelineOut } from '../timeline/index.ts';
import { authedProcedure, labelledAs, moment, router, text } from '../trpc/index.ts';
import { inReach } from '../units/index.ts';
import { addConsultation, assessItem, captureItem, evaluateItem, linkConference, linkIncident, mergeItem, possibleDuplicates, recordResponse } from './flows.ts';
import { opinionOut, sightingOut } from './out.ts';
import { awaitingCount, consultationsOf, getItem, listItems, responsesOf, sightingsOf, type OpinionRow } from './queries.ts';

const duplicateOut = (d: Awaited<ReturnType<typeof possibleDuplicates>>[number]) => ({ ...d, firstSeenAt: toIso(d.firstSeenAt) });

/**
 * The item as the reader may see it: a change returns it whole (for the audit log), an incident beyond the reader's
 * reach included; it answers as a read would, without that incident's title or level (so without its id: opinionOut).
 */
async function seenBy(o: OpinionRow, reader: Reader): Promise<OpinionRow> {
	if (!o.incidentId || o.incidentTitle === null) return o;
	const incident = { type: 'incident' as const, id: o.incidentId };
	return (await visibleSubjects(sql, [incident], reader))(incident) ? o : { ...o, incidentTitle: null, incidentLevel: null };
}

/**
 * The item's own clocks, and under an incident the incident's too: those are the ones that govern it. An incident
 * beyond the reader's reach comes without its title (the row's join), so without its clocks too.
 */
async function withClocks(row: OpinionRow, reader: Reader) {
	const o = await seenBy(row, reader);
	const own = await clocksOf(sql, { type: 'opinion_item', id: o.id });
	const incident = o.incidentId && o.incidentTitle !== null ? await clocksOf(sql, { type: 'incident', id: o.incidentId }) : [];
	return { ...opinionOut(o), clocks: await clocksSeen(sql, own, reader), incidentClocks: await clocksSeen(sql, incident, reader) };
}

async function visible(actor: Actor, id: string) {
	const o = await getItem(sql, id, actor.scope);
	if (!o) throw notFound();
	return o;
}

export const opinionRouter = router({
	/** Captured from a phone, online or from the outbox: a replay of the same clientKey returns the first item. */
	create: authedProcedure
		.input(
			z.object({
				clientKey: z.uuid(),
				source: z.enum(OPINION_SOURCES, { error: labelledAs('opinionSource') }),
				url: text(2000)
					.regex(/^(https?:\/\/\S+)?$/)
					.transform((s) => s || null)
					.nullable()
					.default(null),
				summary: text(2000, { lines: true, trim: false }),
				firstSeenAt: moment('now', 'opinion.future'),
				type: z.enum(OPINION_TYPES, { error: labelledAs('opinionType') }),
				unitId: z.uuid({ error: labelledAs('opinionUnit') }),
				screenshotIds: z.array(z.uuid()).max(9).default([]),
				deviceRecordedAt: moment('day').nullable().default(null)
			})
		)
		.mutation(async ({ ctx, input }) => {
			const { item, replay, duplicates } = await captureItem(input, ctx.actor);
			return { ...(await withClocks(item, ctx.actor)), replay, duplicates: duplicates.map(duplicateOut) };
		}),
	assess: authedProcedure
		.input(
			z.object({
				id: z.uuid(),
				heat: z.enum(OPINION_HEATS),
				needsResponse: z.boolean(),
				// Left out, the item keeps its incident: the form cannot send back one the assessor may not see.
				incidentId: z.uuid().nullable().optional(),
				localityUnitIds: z.array(z.uuid()).max(20).default([]),
				responsePlan: text(5000, { lines: true, trim: false }).default('')
			})
		)
		.mutation(async ({ ctx, input }) => {
			const { id, ...a } = input;
			return withClocks(await assessItem(id, a, ctx.actor), ctx.actor);
		}),
	linkIncident: authedProcedure
		.input(z.object({ id: z.uuid(), incidentId: z.uuid() }))
		.mutation(async ({ ctx, input }) => withClocks(await linkIncident(input.id, input.incidentId, ctx.actor), ctx.actor)),
	/** Answered by a press conference: held, it counts at once; planned, when it is held. */
	linkConference: authedProcedure.input(z.object({ id: z.uuid(), conferenceId: z.uuid() })).mutation(async ({ ctx, input }) => {
		const { item, satisfied } = await linkConference(input.id, input.conferenceId, ctx.actor);
		return { ...(await withClocks(item, ctx.actor)), satisfied };
	}),
	merge: authedProcedure
		.input(z.object({ id: z.uuid(), intoId: z.uuid() }))
		.mutation(async ({ ctx, input }) => withClocks(await mergeItem(input.id, input.intoId, ctx.actor), ctx.actor)),
	consult: authedProcedure
		.input(z.object({ id: z.uuid(), note: text(5000, { lines: true, trim: false }) }))
		.mutation(async ({ ctx, input }) => opinionOut(await seenBy(await addConsultation(input.id, input.note, ctx.actor), ctx.actor))),
	recordResponse: authedProcedure
		.input(z.object({ id: z.uuid(), kind: z.enum(['interview', 'briefing'], { error: labelledAs('responseKind') }), outlet: text(200, { trim: false }), at: moment('now', 'opinion.future'), note: text(2000, { lines: true, trim: false }).default('') }))
		.mutation(async ({ ctx, input }) => {
			const { id, ...r } = input;
			const { item, satisfied } = await recordResponse(id, r, ctx.actor);
			return { ...(await withClocks(item, ctx.actor)), satisfied };
		}),
	evaluate: authedProcedure
		.input(z.object({ id: z.uuid(), attentionFell: z.boolean(), lessons: text(5000, { lines: true, trim: false }).default('') }))
		.mutation(async ({ ctx, input }) => opinionOut(await seenBy(await evaluateItem(input.id, input, ctx.actor), ctx.actor))),
	byId: authedProcedure.input(z.object({ id: z.uuid() })).query(async ({ ctx, input }) => {
		const o = await visible(ctx.actor, input.id);
		const [sightings, consultations, responses, timeline, releases, conferences] = await Promise.all([
			sightingsOf(sql, o.id),
			consultationsOf(sql, o.id),
			responsesOf(sql, o.id),
			timelineOut(sql, { type: 'opinion_item', id: o.id }, ctx.actor),
			sql<{ id: string; kind: string; status: string; title: string; publishedAt: Date | null }[]>`
				select r.id, r.kind, r.status, v.title, r.published_at from releases r
				join release_versions v on v.release_id = r.id and v.number = r.current_version
				where r.opinion_item_id = ${o.id} and ${releaseVisible(sql, ctx.actor.scope, ctx.actor.personId)} order by r.created_at`,
			sql<{ id: string; title: string; status: string; plannedAt: Date; heldAt: Date | null }[]>`
				select c.id, c.title, c.status, c.planned_at, c.held_at from conferences c
				where c.opinion_item_id = ${o.id} and ${inReach(sql, 'c.unit_id', ctx.actor.scope)} order by c.planned_at`
		]);
		const open = o.status === 'awaiting_assessment' || o.status === 'assessed';
		const duplicates = open ? await possibleDuplicates(sql, { id: o.id, summary: o.summary, urls: sightings.flatMap((s) => (s.url ? [s.url] : [])) }, ctx.actor.scope, new Date()) : [];
		return {
			...(await withClocks(o, ctx.actor)),
			sightings: sightings.map(sightingOut),
			consultations: consultations.map((c) => ({ ...c, at: toIso(c.at) })),
			responses: responses.map((r) => ({ ...r, at: toIso(r.at) })),
			releases: releases.map((r) => ({ ...r, publishedAt: r.publishedAt ? toIso(r.publishedAt) : null })),
			conferences: conferences.map((c) => ({ ...c, heldAt: c.heldAt ? toIso(c.heldAt) : null, plannedAt: toIso(c.plannedAt) })),
			duplicates: duplicates.map(duplicateOut),
			...timeline
		};
	}),
	/**
	 * A page of the board: open items by urgency (waiting for assessment first, oldest first; then by the nearest
	 * deadline), then, with no status asked for, every other item newest first; filtered as a press officer looks for
	 * one, and by words of its summary. `cursor` is the previous page's `nextCursor`; `awaiting` counts the whole reach.
	 */
	list: authedProcedure
		.input(
			z
				.object({
					status: z.enum(['open', ...OPINION_STATUSES]).nullable().default('open'),
					unitId: z.uuid().nullable().default(null),
					type: z.enum(OPINION_TYPES).nullable().default(null),
					source: z.enum(OPINION_SOURCES).nullable().default(null),
					heat: z.enum(OPINION_HEATS).nullable().default(null),
					q: searchText(),
					cursor: cursor(
						z.union([
							z.tuple([z.union([z.literal(0), z.literal(1)]), z.number(), z.number(), z.uuid()]),
							z.tuple([z.literal(2), z.iso.datetime({ offset: true }), z.uuid()])
						])
					),
					limit: z.number().int().min(1).max(100).default(50)
				})
				.default({ status: 'open', unitId: null, type: null, source: null, heat: null, q: '', cursor: null, limit: 50 })
		)
		.query(async ({ ctx, input }) => {
			const { q, cursor: after, limit, ...filter } = input;
			const [rows, awaiting] = await Promise.all([
				listItems(sql, ctx.actor.scope, { ...filter, words: wordsOf(q), after, limit: limit + 1 }),
				awaitingCount(sql, ctx.actor.scope)
			]);
			return {
				awaiting,
				...pageOf(rows, limit, (r) => r.cursor, ({ cursor: _, ...r }) => ({ ...opinionOut(r), nextDueAt: r.nextDueAt ? toIso(r.nextDueAt) : null }))
			};
		}),
	awaitingCount: authedProcedure.query(async ({ ctx }) => awaitingCount(sql, ctx.actor.scope))
});
