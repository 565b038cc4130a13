import { z } from 'zod';
import { t } from '../../i18n/index.ts';
import { toIso } from '../../time.ts';
import type { Actor } from '../actor.ts';
import type { SessionUser } from '../auth/index.ts';
import { sql } from '../db.ts';
import { FieldError, notFound } from '../errors.ts';
import { cursor, pageOf } from '../pages.ts';
import { searchText, wordsOf } from '../search.ts';
import { chainOf, requestSeen, servedClockOut, signoffSeen } from '../signoff/index.ts';
import { readerOf, visibleSubjects } from '../subjects.ts';
import { timelineOut } from '../timeline/index.ts';
import { authedProcedure, labelledAs, moment, router, text } from '../trpc/index.ts';
import { diffText, RELEASE_CHANNELS, renderBody } from './content.ts';
import {
	createRelease,
	DRAFTER_ROLES,
	editRelease,
	publishRelease,
	submitRelease,
	withdrawRelease,
	type ReleaseAuthor
} from './flows.ts';
import { publicationOut, releaseListed, releaseOut, versionOut } from './out.ts';
import { servedClockSeen } from './signoff.ts';
import { getRelease, listReleases, publicationsOf, RELEASE_KINDS, releaseCursorOf, versionsOf, type ReleaseRow } from './queries.ts';

const content = {
	title: text(200, { trim: false, strip: true }),
	body: text(50_000, { lines: true, trim: false, strip: true }),
	talkingPoints: text(20_000, { lines: true, trim: false, strip: true }).default(''),
	channels: z.array(z.enum(RELEASE_CHANNELS)).max(RELEASE_CHANNELS.length).default([])
};

const requestRef = z.object({ id: z.uuid(), requestId: z.uuid() });

/**
 * A changed release as the reader may see it: the flows return it whole (for the audit log), with what it answers or
 * serves even beyond the reader's reach (a countersigner's, say); it answers as a read would (releaseOut).
 */
async function answer(user: SessionUser, r: ReleaseRow) {
	const incident = r.incidentId ? { type: 'incident' as const, id: r.incidentId } : null;
	const conference = r.conferenceId ? { type: 'conference' as const, id: r.conferenceId } : null;
	const item = r.opinionItemId ? { type: 'opinion_item' as const, id: r.opinionItemId } : null;
	const linked = [incident, conference, item].filter((s) => s !== null);
	const canSee = linked.length ? await visibleSubjects(sql, linked, readerOf(user)) : () => false;
	return releaseOut({
		...r,
		incidentTitle: incident && canSee(incident) ? r.incidentTitle : null,
		conferenceTitle: conference && canSee(conference) ? r.conferenceTitle : null,
		opinionSummary: item && canSee(item) ? r.opinionSummary : null
	});
}

async function visibleRelease(actor: Actor, id: string): Promise<ReleaseRow> {
	const r = await getRelease(sql, id, actor.scope, actor.personId);
	if (!r) throw notFound();
	return r;
}

/** Everything the release's page shows, with what this person may do on it now. */
async function details(r: ReleaseRow, user: SessionUser, compareTo: number | null) {
	const now = new Date();
	const [versions, signoff, publications, clock, chain, timeline] = await Promise.all([
		versionsOf(sql, r.id),
		signoffSeen(sql, { ref: { kind: 'release', id: r.id }, hash: r.hash, unitId: r.unitId, stage: r.status }, user.id, now),
		publicationsOf(sql, r.id),
		servedClockSeen(sql, r),
		chainOf(sql, r.unitId),
		timelineOut(sql, { type: 'release', id: r.id }, readerOf(user))
	]);
	const current = versions.find((v) => v.number === r.currentVersion)!;
	const base = versions.find((v) => v.number === (compareTo ?? r.currentVersion - 1)) ?? null;
	const drafter = user.roles.some((role) => DRAFTER_ROLES.includes(role));
	const open = ['draft', 'in_review', 'awaiting_signoff', 'approved', 'rejected'].includes(r.status);
	return {
		...releaseOut(r),
		html: renderBody(current.body),
		versions: versions.map(versionOut),
		diff: base ? { from: base.number, code: versionOut(base).code, title: diffText(base.title, current.title), body: diffText(base.body, current.body), talkingPoints: diffText(base.talkingPoints, current.talkingPoints) } : null,
		requests: signoff.requests,
		reviews: signoff.reviews,
		approvals: signoff.approvals,
		/** whom it waits for once submitted */
		waiting: signoff.waiting,
		publications: publications.map(publicationOut),
		clock: servedClockOut(clock),
		...timeline,
		can: {
			edit: drafter && open,
			submit: drafter && (r.status === 'draft' || r.status === 'rejected'),
			review: r.status === 'in_review' && chain.confidentialityReviewerIds.includes(user.id),
			sign: signoff.mine,
			renew: drafter && r.status === 'awaiting_signoff' && signoff.lapsed,
			publish: drafter && r.status === 'approved',
			withdraw: drafter && open
		}
	};
}

export const releaseRouter = router({
	create: authedProcedure
		.input(
			z.object({
				clientKey: z.uuid().nullable().default(null),
				kind: z.enum(RELEASE_KINDS, { error: labelledAs('releaseKind') }),
				unitId: z.uuid().nullable().default(null),
				incidentId: z.uuid().nullable().default(null),
				conferenceId: z.uuid().nullable().default(null),
				opinionItemId: z.uuid().nullable().default(null),
				...content
			})
		)
		.mutation(async ({ ctx, input }) => answer(ctx.user, await createRelease(input, ctx.actor))),
	/** Saves a new version; returns its hash. `baseVersion` is the version the editor started from. */
	update: authedProcedure
		.input(z.object({ id: z.uuid(), baseVersion: z.number().int().min(1), ...content }))
		.mutation(async ({ ctx, input }) => {
			const { id, baseVersion, ...c } = input;
			const { release, changed, voided } = await editRelease(id, baseVersion, c, ctx.actor);
			return { ...(await answer(ctx.user, release)), versionHash: release.hash, changed, voided };
		}),
	submit: authedProcedure.input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) => answer(ctx.user, await submitRelease(input.id, ctx.actor))),
	withdraw: authedProcedure
		.input(z.object({ id: z.uuid(), reason: text(1000, { lines: true, trim: false }) }))
		.mutation(async ({ ctx, input }) => answer(ctx.user, await withdrawRelease(input.id, input.reason, ctx.actor))),
	publish: authedProcedure
		.input(
			z.object({
				id: z.uuid(),
				publications: z
					.array(z.object({ channel: z.enum(RELEASE_CHANNELS), url: text(2000).nullable().default(null), publishedAt: moment('day') }))
					.min(1)
					.max(RELEASE_CHANNELS.length)
			})
		)
		.mutation(async ({ ctx, input }) => {
			input.publications.forEach((p) => {
				if (p.url && !/^https?:\/\/\S+$/i.test(p.url))
					throw new FieldError(`publications.${p.channel}.url`, 'release.bad_url', { channel: t(`release.channel.${p.channel}`) });
			});
			const { release, satisfied } = await publishRelease(
				input.id,
				input.publications.map((p) => ({ ...p, url: p.url || null })),
				ctx.actor
			);
			return { ...(await answer(ctx.user, release)), satisfied };
		}),
	byId: authedProcedure
		.input(z.object({ id: z.uuid(), compareTo: z.number().int().min(1).nullable().default(null) }))
		.query(async ({ ctx, input }) => details(await visibleRelease(ctx.actor, input.id), ctx.user, input.compareTo)),
	/** What the leader sees before deciding: the request's own version in full, its diff, who drafted and reviewed it, the clock. */
	signoffView: authedProcedure.input(requestRef).query(async ({ ctx, input }) => {
		const r = await visibleRelease(ctx.actor, input.id);
		const now = new Date();
		const [seen, versions, clock] = await Promise.all([
			requestSeen(sql, { kind: 'release', id: r.id }, input.requestId, ctx.user.id, now),
			versionsOf(sql, r.id),
			servedClockSeen(sql, r)
		]);
		const { row: request, ...rest } = seen;
		const version = versions.find((v) => v.number === request.version)!;
		const previous = versions.find((v) => v.number === request.version - 1) ?? null;
		return {
			...rest,
			release: { ...releaseOut(r), currentVersion: r.currentVersion },
			version: { ...versionOut(version), body: version.body, talkingPoints: version.talkingPoints, channels: version.channels, html: renderBody(version.body) },
			diff: previous
				? { from: previous.number, code: versionOut(previous).code, title: diffText(previous.title, version.title), body: diffText(previous.body, version.body), talkingPoints: diffText(previous.talkingPoints, version.talkingPoints) }
				: null,
			clock: servedClockOut(clock)
		};
	}),
	/**
	 * A page of the releases this person may see, those in progress first, then the most recently changed; filtered by
	 * status, what it answers or serves, and words of its title. `cursor` is the previous page's `nextCursor`.
	 */
	list: authedProcedure
		.input(
			z
				.object({
					status: z.enum(['draft', 'in_review', 'awaiting_signoff', 'approved', 'published', 'rejected', 'withdrawn']).nullable().default(null),
					incidentId: z.uuid().nullable().default(null),
					conferenceId: z.uuid().nullable().default(null),
					q: searchText(),
					cursor: cursor(z.tuple([z.boolean(), z.iso.datetime({ offset: true }), z.uuid()])),
					limit: z.number().int().min(1).max(100).default(50)
				})
				.default({ status: null, incidentId: null, conferenceId: null, q: '', cursor: null, limit: 50 })
		)
		.query(async ({ ctx, input }) => {
			const rows = await listReleases(sql, ctx.actor.scope, ctx.user.id, {
				status: input.status,
				incidentId: input.incidentId,
				conferenceId: input.conferenceId,
				words: wordsOf(input.q),
				after: input.cursor,
				limit: input.limit + 1
			});
			return pageOf(rows, input.limit, releaseCursorOf, releaseListed);
		})
});
