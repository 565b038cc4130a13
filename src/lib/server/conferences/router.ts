import { z } from 'zod';
import { CONFERENCE_KINDS, CONFERENCE_ROLES, canManageConferences } from '../../conferences.ts';
import { toIso } from '../../time.ts';
import type { Actor } from '../actor.ts';
import { clocksOf, clocksSeen } from '../clocks/index.ts';
import { sql } from '../db.ts';
import { notFound } from '../errors.ts';
import { getIncident } from '../incidents/index.ts';
import { cursor, pageOf } from '../pages.ts';
import { timelineOut } from '../timeline/index.ts';
import { authedProcedure, labelledAs, moment, officeProcedure, roleProcedure, router, text } from '../trpc/index.ts';
import {
	cancelConference,
	changePublicPhone,
	editConference,
	markHeld,
	planConference,
	postponeConference,
	type Planned
} from './flows.ts';
import { conferenceOut } from './out.ts';
import { getConference, listPast, listSpokespersons, listUpcoming, peopleNamed, releasesOf, type ConferenceRow } from './queries.ts';

// A select left on "none" sends an empty string: that is no choice, not a malformed id.
const optionalId = z
	.union([z.uuid(), z.literal(''), z.null()])
	.default(null)
	.transform((v) => v || null);

const fields = z.object({
	kind: z.enum(CONFERENCE_KINDS, { error: labelledAs('conferenceKind') }),
	title: text(200, { min: 1 }),
	incidentId: optionalId,
	unitId: optionalId,
	plannedAt: moment('planned'),
	place: text(200).default(''),
	hostId: optionalId,
	/** null: the unit's spokespersons (and its principal for a major incident) */
	speakerIds: z.array(z.uuid()).max(20).nullable().default(null),
	mediaInvited: z.array(text(100)).max(100).default([])
});

const reason = text(1000, { lines: true });

// Duty staff log incidents; scheduling and recording conferences is the press office's and the leaders'.
const manageProcedure = roleProcedure(...CONFERENCE_ROLES);

/** The conference as the author may see it once written: its incident (title, level, deadline) only when in their reach. */
async function seenBy(author: Actor, c: ConferenceRow): Promise<ConferenceRow> {
	const seen = await getConference(sql, c.id, author.scope);
	if (!seen) throw notFound();
	return seen;
}

const conferenceSeen = async (author: Actor, c: ConferenceRow) => conferenceOut(await seenBy(author, c));

async function plannedOut(author: Actor, p: Planned) {
	const seen = await seenBy(author, p.conference);
	return { ...conferenceOut(seen), lateWarning: seen.incidentTitle === null ? null : p.lateWarning };
}

export const conferenceRouter = router({
	create: manageProcedure.input(fields).mutation(async ({ ctx, input }) => plannedOut(ctx.actor, await planConference(input, ctx.actor))),
	update: manageProcedure
		// Left out, the incident stays as it is: the form cannot send back one the editor may not see.
		.input(
			fields.extend({
				id: z.uuid(),
				incidentId: z
					.union([z.uuid(), z.literal(''), z.null()])
					.optional()
					.transform((v) => (v === undefined ? undefined : v || null))
			})
		)
		.mutation(async ({ ctx, input }) => {
			const { id, ...f } = input;
			return plannedOut(ctx.actor, await editConference(id, f, ctx.actor));
		}),
	markHeld: manageProcedure
		.input(z.object({ id: z.uuid(), heldAt: moment('now', 'conference.held_future') }))
		.mutation(async ({ ctx, input }) => conferenceSeen(ctx.actor, await markHeld(input.id, input.heldAt, ctx.actor))),
	postpone: manageProcedure
		.input(z.object({ id: z.uuid(), plannedAt: moment('planned'), reason }))
		.mutation(async ({ ctx, input }) => plannedOut(ctx.actor, await postponeConference(input.id, input.plannedAt, input.reason, ctx.actor))),
	cancel: manageProcedure
		.input(z.object({ id: z.uuid(), reason }))
		.mutation(async ({ ctx, input }) => conferenceSeen(ctx.actor, await cancelConference(input.id, input.reason, ctx.actor))),

	/** The conference with its speakers, its incident's clocks, the releases drafted for it and its own record. */
	byId: authedProcedure.input(z.object({ id: z.uuid() })).query(async ({ ctx, input }) => {
		const scope = ctx.actor.scope;
		const c = await getConference(sql, input.id, scope);
		if (!c) throw notFound();
		// The incident only as far as this person may see it (the conference's unit may reach further): else just "not visible".
		const incident = c.incidentId ? await getIncident(sql, c.incidentId, scope) : undefined;
		const [speakers, host, clocks, releases, timeline] = await Promise.all([
			peopleNamed(sql, c.speakerIds),
			c.hostId ? peopleNamed(sql, [c.hostId]) : Promise.resolve([]),
			incident ? clocksOf(sql, { type: 'incident', id: incident.id }) : Promise.resolve([]),
			releasesOf(sql, c.id, scope, ctx.actor.personId),
			timelineOut(sql, { type: 'conference', id: c.id }, ctx.actor)
		]);
		return {
			...conferenceOut(c),
			host: host[0] ?? null,
			speakers,
			incident: incident
				? { visible: true as const, id: incident.id, title: incident.title, level: incident.level, status: incident.status, leadUnitName: incident.leadUnitName }
				: c.incidentId
					? { visible: false as const }
					: null,
			clocks: await clocksSeen(sql, clocks, ctx.actor),
			releases,
			...timeline,
			canManage: canManageConferences(ctx.actor.roles)
		};
	}),

	/**
	 * Still to be held (soonest first), and a page of those held or called off (latest first; in the last
	 * `recentDays`, or all of them with null), within reach. `cursor` is the previous page's `nextCursor`: the next
	 * page of the past ones, without the upcoming again.
	 */
	list: authedProcedure
		.input(
			z
				.object({
					limit: z.number().int().min(1).max(100).default(50),
					recentDays: z.number().int().min(1).max(366).nullable().default(30),
					cursor: cursor(z.tuple([z.iso.datetime({ offset: true }), z.uuid()]))
				})
				.default({ limit: 50, recentDays: 30, cursor: null })
		)
		.query(async ({ ctx, input }) => {
			const scope = ctx.actor.scope;
			const since = input.recentDays === null ? null : new Date(Date.now() - input.recentDays * 86_400_000);
			const [upcoming, past] = await Promise.all([
				input.cursor ? [] : listUpcoming(sql, scope, input.limit),
				listPast(sql, scope, { since, after: input.cursor, limit: input.limit + 1 })
			]);
			const { items: recent, nextCursor } = pageOf(past, input.limit, (c) => [c.sortAt, c.id], ({ sortAt: _, ...c }) => conferenceOut(c));
			return { upcoming: upcoming.map(conferenceOut), recent, nextCursor, canManage: canManageConferences(ctx.actor.roles) };
		}),

	/** Each unit's spokespersons and principal (the first spokesperson), with their public phones. */
	spokespersons: authedProcedure
		.input(z.object({ unitId: z.uuid().nullable().default(null) }).default({ unitId: null }))
		.query(async ({ ctx, input }) => {
			const rows = await listSpokespersons(sql, ctx.actor.scope, input.unitId);
			const units: { unitId: string; unitName: string; people: Omit<(typeof rows)[number], 'unitId' | 'unitName'>[] }[] = [];
			for (const { unitId, unitName, ...person } of rows) {
				const last = units.at(-1);
				if (last?.unitId === unitId) last.people.push(person);
				else units.push({ unitId, unitName, people: [person] });
			}
			return units;
		}),
	setPublicPhone: officeProcedure
		.input(z.object({ personId: z.uuid(), publicPhone: text(60, { trim: false }) }))
		.mutation(async ({ ctx, input }) => ({
			personId: input.personId,
			publicPhone: await changePublicPhone(input.personId, input.publicPhone, ctx.actor.scope, ctx.actor)
		}))
});
