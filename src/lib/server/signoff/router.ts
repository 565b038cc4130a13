// Sign-off over tRPC, whatever is signed: 待我签发, the units' review chains, and the steps on a request (review,
// step-up, approve, reject, flag, ask again). Each step names the kind and id of what it is about.
import { z } from 'zod';
import { audit } from '../audit/index.ts';
import { sql } from '../db.ts';
import { FieldError, notFound } from '../errors.ts';
import { secondFactorProof } from '../passkeys/index.ts';
import { authedProcedure, labelledAs, officeProcedure, router, text } from '../trpc/index.ts';
import { getUnit, inReach } from '../units/index.ts';
import { signersOf, signUrl, stepUpFor } from './flows.ts';
import { SIGN_KINDS } from './kinds.ts';
import { requestOut, servedClockOut } from './out.ts';
import { chainOf, openRequests, refOf } from './queries.ts';
import { adapter, approveStep, flagStep, rejectStep, renewStep, reviewStep } from './steps.ts';

const subject = z.object({ kind: z.enum(SIGN_KINDS, { error: labelledAs('signKind') }), id: z.uuid() });
const requestRef = subject.extend({ requestId: z.uuid() });
const hash = z.string().regex(/^[0-9a-f]{64}$/);
const reason = text(1000, { lines: true, trim: false });

export const signoffRouter = router({
	/**
	 * Requests this person may decide now, releases and documents alike: the leader's "待我签发", each with the clock
	 * its signing serves when he may see it.
	 */
	mine: authedProcedure.query(async ({ ctx }) => {
		const now = new Date();
		const requests = await openRequests(sql, now);
		const signers = new Map<string, string[]>();
		for (const unitId of new Set(requests.map((q) => q.unitId))) signers.set(unitId, await signersOf(sql, unitId));
		const reader = { personId: ctx.user.id, scope: ctx.actor.scope };
		return Promise.all(
			requests
				.filter((q) => signers.get(q.unitId)!.includes(ctx.user.id))
				.map(async (q) => {
					const ref = refOf(q);
					const clock = servedClockOut(await adapter(ref.kind).clockSeen(sql, ref.id, reader));
					return { ...requestOut(q, now), kind: ref.kind, href: signUrl(ref, q.id), title: q.title, clock };
				})
		);
	}),
	/** 保密审查 on the version the reviewer read; for a document, the bundle's hash as their screen showed it. */
	review: authedProcedure
		.input(subject.extend({ version: z.number().int().min(1), versionHash: hash.optional(), decision: z.enum(['passed', 'rejected']), reason: reason.default('') }))
		.mutation(({ ctx, input }) => reviewStep(input.kind, input.id, input, ctx.actor)),
	/** The second-factor ceremony for one request: a passkey challenge bound to the request and its hash, or "use your password". */
	stepUp: authedProcedure.input(requestRef).mutation(async ({ ctx, input }) => {
		if (!(await adapter(input.kind).visible(sql, input.id, { personId: ctx.user.id, scope: ctx.actor.scope }))) throw notFound();
		return stepUpFor({ kind: input.kind, id: input.id }, input.requestId, ctx.user.id, ctx.origin);
	}),
	/** `versionHash` is the hash the sign-off screen showed: the approval is for exactly that. */
	approve: authedProcedure
		.input(requestRef.extend({ versionHash: hash, proof: secondFactorProof }))
		.mutation(({ ctx, input }) => approveStep(input.kind, input.id, input, ctx.actor)),
	reject: authedProcedure.input(requestRef.extend({ reason })).mutation(({ ctx, input }) => rejectStep(input.kind, input.id, input, ctx.actor)),
	flag: authedProcedure.input(requestRef.extend({ note: reason.default('') })).mutation(({ ctx, input }) => flagStep(input.kind, input.id, input, ctx.actor)),
	/** Asks again for the seats whose requests lapsed unanswered. */
	renew: authedProcedure.input(subject).mutation(({ ctx, input }) => renewStep(input.kind, input.id, ctx.actor)),
	/** The unit's review chain: confidentiality reviewers, countersigning units, how long a request stays open. */
	chain: authedProcedure.input(z.object({ unitId: z.uuid() })).query(async ({ ctx, input }) => {
		if (!(await getUnit(sql, input.unitId, ctx.actor.scope))) throw notFound();
		return chainOf(sql, input.unitId);
	}),
	/** Every unit's chain in the office's reach, with its reviewers by name, for the office's settings page. */
	chains: officeProcedure.query(async ({ ctx }) => {
		const scope = ctx.actor.scope;
		return sql<
			{ unitId: string; confidentialityReviewerIds: string[]; countersignUnitIds: string[]; signoffHours: number; reviewers: { id: string; name: string; unitId: string }[] }[]
		>`
			select c.unit_id, c.confidentiality_reviewer_ids, c.countersign_unit_ids, c.signoff_hours::float8 as signoff_hours,
				coalesce((select json_agg(json_build_object('id', p.id, 'name', p.name, 'unitId', p.unit_id))
					from people p where p.id = any(c.confidentiality_reviewer_ids)), '[]') as reviewers
			from review_chains c
			where ${inReach(sql, 'c.unit_id', scope)}`;
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
			const scope = ctx.actor.scope;
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
