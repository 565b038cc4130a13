import { z } from 'zod';
import { t } from '../../i18n/index.ts';
import { toIso } from '../../time.ts';
import { sql } from '../db.ts';
import { FieldError, notFound } from '../errors.ts';
import { readerOf, visibleSubjects } from '../subjects.ts';
import { secondFactorProof } from '../passkeys/step-up.ts';
import { hasPasskey } from '../passkeys/queries.ts';
import { timelineFor } from '../timeline/queries.ts';
import { authedProcedure, officeProcedure, router } from '../trpc/init.ts';
import type { SessionUser } from '../auth/session.ts';
import type { Context } from '../trpc/context.ts';
import { inReach, scopeRoot } from '../units/scope.ts';
import { labelledAs } from '../trpc/zod-messages.ts';
import { moment, text } from '../trpc/fields.ts';
import { getUnit } from '../units/queries.ts';
import { audit } from '../audit/log.ts';
import { diffText, RELEASE_CHANNELS, renderBody } from './content.ts';
import {
	approveRelease,
	createRelease,
	DRAFTER_ROLES,
	editRelease,
	flagSignoff,
	publishRelease,
	rejectSignoff,
	renewRequests,
	reviewRelease,
	servedClock,
	submitRelease,
	withdrawRelease,
	type ReleaseAuthor
} from './flows.ts';
import { approvalOut, publicationOut, releaseOut, requestOut, reviewOut, servedClockOut, versionOut } from './out.ts';
import { getRelease, listReleases, publicationsOf, RELEASE_KINDS, versionsOf, type ReleaseRow } from './queries.ts';
import { requestState, signersOf, signUrl, stepUpFor } from '../signoff/flows.ts';
import { approvalsOf, chainOf, getRequest, openRequests, refOf, requestsOf, reviewsOf } from '../signoff/queries.ts';

const content = {
	title: text(200, { trim: false, strip: true }),
	body: text(50_000, { lines: true, trim: false, strip: true }),
	talkingPoints: text(20_000, { lines: true, trim: false, strip: true }).default(''),
	channels: z.array(z.enum(RELEASE_CHANNELS)).max(RELEASE_CHANNELS.length).default([])
};

const authorOf = (ctx: Context & { user: SessionUser }): ReleaseAuthor => ({
	personId: ctx.user.id,
	name: ctx.user.name,
	roles: ctx.user.roles,
	scope: scopeRoot(ctx.user),
	actor: ctx.actor,
	origin: ctx.origin
});

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

async function visibleRelease(ctx: Context & { user: SessionUser }, id: string): Promise<ReleaseRow> {
	const r = await getRelease(sql, id, scopeRoot(ctx.user), ctx.user.id);
	if (!r) throw notFound();
	return r;
}

/**
 * The clock the release serves, only when the reader may see its subject, the incident or the item (the row's joins
 * bring its title only then): a clock of one beyond their reach shows nothing, not even its due time.
 */
const servedClockSeen = (r: ReleaseRow) =>
	servedClock(sql, { ...r, incidentId: r.incidentTitle === null ? null : r.incidentId, opinionItemId: r.opinionSummary === null ? null : r.opinionItemId });

/** Everything the release's page shows, with what this person may do on it now. */
async function details(r: ReleaseRow, user: SessionUser, compareTo: number | null) {
	const now = new Date();
	const [versions, requests, reviews, approvals, publications, clock, chain, timeline] = await Promise.all([
		versionsOf(sql, r.id),
		requestsOf(sql, { kind: 'release', id: r.id }),
		reviewsOf(sql, { kind: 'release', id: r.id }),
		approvalsOf(sql, { kind: 'release', id: r.id }),
		publicationsOf(sql, r.id),
		servedClockSeen(r),
		chainOf(sql, r.unitId),
		timelineFor(sql, { type: 'release', id: r.id }, readerOf(user))
	]);
	const current = versions.find((v) => v.number === r.currentVersion)!;
	const base = versions.find((v) => v.number === (compareTo ?? r.currentVersion - 1)) ?? null;
	const drafter = user.roles.some((role) => DRAFTER_ROLES.includes(role));
	const open = ['draft', 'in_review', 'awaiting_signoff', 'approved', 'rejected'].includes(r.status);
	const mine: string[] = [];
	for (const q of requests) if (requestState(q, now) === 'open' && (await signersOf(sql, q.unitId)).includes(user.id)) mine.push(q.id);
	return {
		...releaseOut(r),
		html: renderBody(current.body),
		versions: versions.map(versionOut),
		diff: base ? { from: base.number, code: versionOut(base).code, title: diffText(base.title, current.title), body: diffText(base.body, current.body), talkingPoints: diffText(base.talkingPoints, current.talkingPoints) } : null,
		requests: requests.map((q) => requestOut(q, now)),
		reviews: reviews.map(reviewOut),
		approvals: approvals.map(approvalOut),
		publications: publications.map(publicationOut),
		clock: servedClockOut(clock),
		timeline: timeline.map((e) => ({ ...e, at: toIso(e.at) })),
		can: {
			edit: drafter && open,
			submit: drafter && (r.status === 'draft' || r.status === 'rejected'),
			review: r.status === 'in_review' && chain.confidentialityReviewerIds.includes(user.id),
			sign: mine,
			renew: drafter && r.status === 'awaiting_signoff' && requests.some((q) => q.versionHash === r.hash && requestState(q, now) === 'expired'),
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
		.mutation(async ({ ctx, input }) => answer(ctx.user, await createRelease(input, authorOf(ctx)))),
	/** Saves a new version; returns its hash. `baseVersion` is the version the editor started from. */
	update: authedProcedure
		.input(z.object({ id: z.uuid(), baseVersion: z.number().int().min(1), ...content }))
		.mutation(async ({ ctx, input }) => {
			const { id, baseVersion, ...c } = input;
			const { release, changed, voided } = await editRelease(id, baseVersion, c, authorOf(ctx));
			return { ...(await answer(ctx.user, release)), versionHash: release.hash, changed, voided };
		}),
	submit: authedProcedure.input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) => answer(ctx.user, await submitRelease(input.id, authorOf(ctx)))),
	review: authedProcedure
		.input(z.object({ id: z.uuid(), version: z.number().int().min(1), decision: z.enum(['passed', 'rejected']), reason: text(1000, { lines: true, trim: false }).default('') }))
		.mutation(async ({ ctx, input }) => answer(ctx.user, await reviewRelease(input.id, input, authorOf(ctx)))),
	/** The second-factor ceremony for one request: a passkey challenge bound to the request and the version, or "use your password". */
	stepUp: authedProcedure.input(requestRef).mutation(async ({ ctx, input }) => {
		await visibleRelease(ctx, input.id);
		return stepUpFor({ kind: 'release', id: input.id }, input.requestId, ctx.user.id, ctx.origin);
	}),
	approve: authedProcedure
		.input(requestRef.extend({ versionHash: z.string().regex(/^[0-9a-f]{64}$/), proof: secondFactorProof }))
		.mutation(async ({ ctx, input }) => answer(ctx.user, await approveRelease(input.id, input, authorOf(ctx)))),
	reject: authedProcedure
		.input(requestRef.extend({ reason: text(1000, { lines: true, trim: false }) }))
		.mutation(async ({ ctx, input }) => answer(ctx.user, await rejectSignoff(input.id, input, authorOf(ctx)))),
	flag: authedProcedure
		.input(requestRef.extend({ note: text(1000, { lines: true, trim: false }).default('') }))
		.mutation(async ({ ctx, input }) => answer(ctx.user, await flagSignoff(input.id, input, authorOf(ctx)))),
	renew: authedProcedure.input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) => answer(ctx.user, await renewRequests(input.id, authorOf(ctx)))),
	withdraw: authedProcedure
		.input(z.object({ id: z.uuid(), reason: text(1000, { lines: true, trim: false }) }))
		.mutation(async ({ ctx, input }) => answer(ctx.user, await withdrawRelease(input.id, input.reason, authorOf(ctx)))),
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
				authorOf(ctx)
			);
			return { ...(await answer(ctx.user, release)), satisfied };
		}),
	byId: authedProcedure
		.input(z.object({ id: z.uuid(), compareTo: z.number().int().min(1).nullable().default(null) }))
		.query(async ({ ctx, input }) => details(await visibleRelease(ctx, input.id), ctx.user, input.compareTo)),
	/** What the leader sees before deciding: the request's own version in full, its diff, who drafted and reviewed it, the clock. */
	signoffView: authedProcedure.input(requestRef).query(async ({ ctx, input }) => {
		const r = await visibleRelease(ctx, input.id);
		const request = await getRequest(sql, { kind: 'release', id: r.id }, input.requestId);
		if (!request) throw notFound();
		const now = new Date();
		const [versions, reviews, approvals, clock, signers, passkey] = await Promise.all([
			versionsOf(sql, r.id),
			reviewsOf(sql, { kind: 'release', id: r.id }),
			approvalsOf(sql, { kind: 'release', id: r.id }),
			servedClockSeen(r),
			signersOf(sql, request.unitId),
			hasPasskey(sql, ctx.user.id)
		]);
		const version = versions.find((v) => v.number === request.version)!;
		const previous = versions.find((v) => v.number === request.version - 1) ?? null;
		return {
			release: { ...releaseOut(r), currentVersion: r.currentVersion },
			request: requestOut(request, now),
			version: { ...versionOut(version), body: version.body, talkingPoints: version.talkingPoints, channels: version.channels, html: renderBody(version.body) },
			diff: previous
				? { from: previous.number, code: versionOut(previous).code, title: diffText(previous.title, version.title), body: diffText(previous.body, version.body), talkingPoints: diffText(previous.talkingPoints, version.talkingPoints) }
				: null,
			reviews: reviews.filter((x) => x.versionHash === request.versionHash).map(reviewOut),
			approvals: approvals.filter((a) => a.versionHash === request.versionHash && !a.voidedAt).map(approvalOut),
			clock: servedClockOut(clock),
			mayDecide: signers.includes(ctx.user.id),
			hasPasskey: passkey
		};
	}),
	list: authedProcedure
		.input(
			z
				.object({
					status: z.enum(['draft', 'in_review', 'awaiting_signoff', 'approved', 'published', 'rejected', 'withdrawn']).nullable().default(null),
					incidentId: z.uuid().nullable().default(null),
					conferenceId: z.uuid().nullable().default(null),
					limit: z.number().int().min(1).max(500).default(100)
				})
				.default({ status: null, incidentId: null, conferenceId: null, limit: 100 })
		)
		.query(async ({ ctx, input }) => (await listReleases(sql, scopeRoot(ctx.user), ctx.user.id, input)).map(releaseOut)),
	/**
	 * Requests this person may decide now, releases and documents alike: the leader's "待我签发", each with the clock
	 * its release serves when he may see it (a document's sign-off serves none).
	 */
	mySignoffs: authedProcedure.query(async ({ ctx }) => {
		const now = new Date();
		const requests = await openRequests(sql, now);
		const signers = new Map<string, string[]>();
		for (const unitId of new Set(requests.map((q) => q.unitId))) signers.set(unitId, await signersOf(sql, unitId));
		const mine = requests.filter((q) => signers.get(q.unitId)!.includes(ctx.user.id));
		return Promise.all(
			mine.map(async (q) => {
				const ref = refOf(q);
				const release = ref.kind === 'release' ? await getRelease(sql, ref.id, scopeRoot(ctx.user), ctx.user.id) : undefined;
				const clock = release ? servedClockOut(await servedClockSeen(release)) : null;
				return { ...requestOut(q, now), kind: ref.kind, href: signUrl(ref, q.id), title: q.title, clock };
			})
		);
	}),
	/** The unit's review chain: confidentiality reviewers, countersigning units, how long a request stays open. */
	chain: authedProcedure.input(z.object({ unitId: z.uuid() })).query(async ({ ctx, input }) => {
		if (!(await getUnit(sql, input.unitId, scopeRoot(ctx.user)))) throw notFound();
		return chainOf(sql, input.unitId);
	}),
	/** Every unit's chain in the office's reach, for the office's settings page. */
	chains: officeProcedure.query(async ({ ctx }) => {
		const scope = scopeRoot(ctx.user);
		return sql<{ unitId: string; confidentialityReviewerIds: string[]; countersignUnitIds: string[]; signoffHours: number }[]>`
			select unit_id, confidentiality_reviewer_ids, countersign_unit_ids, signoff_hours::float8 as signoff_hours from review_chains
			where ${inReach(sql, 'unit_id', scope)}`;
	}),
	setChain: officeProcedure
		.input(
			z.object({
				unitId: z.uuid(),
				confidentialityReviewerIds: z.array(z.uuid()).max(20),
				countersignUnitIds: z.array(z.uuid()).max(20),
				signoffHours: z.number().min(0.25).max(72)
			})
		)
		.mutation(async ({ ctx, input }) => {
			const scope = scopeRoot(ctx.user);
			return sql.begin(async (tx) => {
				if (!(await getUnit(tx, input.unitId, scope))) throw notFound();
				const reviewers = await tx<{ id: string }[]>`
					select id from people where id = any(${input.confidentialityReviewerIds}::uuid[]) and active
						and ${inReach(tx, 'unit_id', scope)}`;
				if (reviewers.length !== new Set(input.confidentialityReviewerIds).size) throw new FieldError('confidentialityReviewerIds', 'error.invalid_choice');
				for (const u of input.countersignUnitIds) if (!(await getUnit(tx, u, null))) throw new FieldError('countersignUnitIds', 'error.invalid_choice');
				const before = await chainOf(tx, input.unitId);
				await tx`
					insert into review_chains (unit_id, confidentiality_reviewer_ids, countersign_unit_ids, signoff_hours, updated_at, updated_by)
					values (${input.unitId}, ${input.confidentialityReviewerIds}::uuid[], ${input.countersignUnitIds}::uuid[], ${input.signoffHours}, now(), ${ctx.user.id})
					on conflict (unit_id) do update set confidentiality_reviewer_ids = excluded.confidentiality_reviewer_ids,
						countersign_unit_ids = excluded.countersign_unit_ids, signoff_hours = excluded.signoff_hours,
						updated_at = now(), updated_by = excluded.updated_by`;
				const after = await chainOf(tx, input.unitId);
				await audit(tx, ctx.actor, { action: 'review_chain.updated', entity: 'unit', entityId: input.unitId, before, after });
				return after;
			});
		})
});
