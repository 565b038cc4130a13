import { z } from 'zod';
import { toIso } from '../../time.ts';
import type { SessionUser } from '../auth/session.ts';
import { clocksSeen } from '../clocks/out.ts';
import { clocksOf } from '../clocks/queries.ts';
import { sql } from '../db.ts';
import { notFound } from '../errors.ts';
import { readerOf } from '../subjects.ts';
import { hasPasskey } from '../passkeys/queries.ts';
import { secondFactorProof } from '../passkeys/step-up.ts';
import { approvalOut, requestOut, reviewOut } from '../releases/out.ts';
import { requestState, shortCode, signersOf, stepUpFor } from '../signoff/flows.ts';
import { approvalsOf, getRequest, requestsOf, reviewsOf } from '../signoff/queries.ts';
import { timelineFor } from '../timeline/queries.ts';
import type { Context } from '../trpc/context.ts';
import { moment, text } from '../trpc/fields.ts';
import { authedProcedure, router } from '../trpc/init.ts';
import { scopeRoot } from '../units/scope.ts';
import {
	approveDocument,
	attachMaterial,
	bundle,
	createDocument,
	editDocument,
	endDocument,
	flagDocument,
	gateProblem,
	markEnded,
	publishDocument,
	publishMaterials,
	rejectDocument,
	removeMaterial,
	renewDocumentRequests,
	reviewDocument,
	submitDocument,
	updateMaterial,
	type DocumentAuthor
} from './flows.ts';
import { documentOut, materialOut } from './out.ts';
import { DISCLOSURES, DOCUMENT_STATUSES, documentVersions, getDocument, listDocuments, MATERIAL_KINDS, materialsOf, ownsDocument, type DocumentRow } from './queries.ts';
import { DRAFTER_ROLE_LIST } from '../../releases.ts';
import { chainOf } from '../signoff/queries.ts';

// Publication, abolition and marking are recorded after the fact: none of them lies in the future.
const when = moment('now', 'document.future');
const url = text(2000)
	.regex(/^(https?:\/\/\S+)?$/)
	.transform((s) => s || null)
	.nullable()
	.default(null);

const content = {
	title: text(200, { trim: false, strip: true }),
	docNumber: text(60, { trim: false, strip: true }).default(''),
	body: text(100_000, { lines: true, trim: false, strip: true }).default(''),
	disclosure: z.enum(DISCLOSURES),
	withheldReason: text(1000, { lines: true, trim: false, strip: true }).default(''),
	planInterpreter: text(200, { trim: false, strip: true }).default(''),
	planApproach: text(2000, { lines: true, trim: false, strip: true }).default(''),
	planChannels: z.array(text(40, { trim: false, strip: true })).max(10).default([]),
	planTiming: text(200, { trim: false, strip: true }).default(''),
	exemptionReason: text(1000, { lines: true, trim: false, strip: true }).default(''),
	fileIds: z.array(z.uuid()).max(20).default([])
};

const material = {
	title: text(200, { trim: false, strip: true }),
	body: text(50_000, { lines: true, trim: false, strip: true }).default(''),
	fileIds: z.array(z.uuid()).max(20).default([]),
	expertId: z.uuid().nullable().default(null),
	interpreterId: z.uuid().nullable().default(null)
};

const authorOf = (ctx: Context & { user: SessionUser }): DocumentAuthor => ({
	personId: ctx.user.id,
	name: ctx.user.name,
	roles: ctx.user.roles,
	scope: scopeRoot(ctx.user),
	actor: ctx.actor,
	origin: ctx.origin
});

const requestRef = z.object({ id: z.uuid(), requestId: z.uuid() });

async function visible(ctx: Context & { user: SessionUser }, id: string): Promise<DocumentRow> {
	const d = await getDocument(sql, id, scopeRoot(ctx.user), ctx.user.id);
	if (!d) throw notFound();
	return d;
}

async function filesOf(ids: string[]) {
	if (!ids.length) return [];
	return sql<{ id: string; name: string; size: number; mime: string }[]>`
		select id, name, size::int, mime from files where id = any(${ids}::uuid[])`;
}

async function details(d: DocumentRow, user: SessionUser) {
	const now = new Date();
	const ref = { kind: 'document' as const, id: d.id };
	const [materials, versions, requests, reviews, approvals, clocks, timeline, chain, owns] = await Promise.all([
		materialsOf(sql, d.id),
		documentVersions(sql, d.id),
		requestsOf(sql, ref),
		reviewsOf(sql, ref),
		approvalsOf(sql, ref),
		clocksOf(sql, { type: 'document', id: d.id }),
		timelineFor(sql, { type: 'document', id: d.id }, readerOf(user)),
		chainOf(sql, d.unitId),
		ownsDocument(sql, d, scopeRoot(user))
	]);
	const b = await bundle(sql, d, materials);
	const drafter = owns && user.roles.some((r) => (DRAFTER_ROLE_LIST as readonly string[]).includes(r));
	const mine: string[] = [];
	for (const q of requests) if (requestState(q, now) === 'open' && (await signersOf(sql, q.unitId)).includes(user.id)) mine.push(q.id);
	const editable = d.status === 'drafting' || d.status === 'submitted' || d.status === 'signed';
	return {
		...documentOut(d),
		bundleHash: b.hash,
		bundleCode: shortCode(b.hash),
		materials: materials.map(materialOut),
		files: await filesOf([...d.fileIds, ...materials.flatMap((m) => m.fileIds)]),
		versions: versions.map((v) => ({ number: v.number, hash: v.hash, code: shortCode(v.hash), createdByName: v.createdByName, createdAt: toIso(v.createdAt) })),
		requests: requests.map((q) => requestOut(q, now)),
		reviews: reviews.map(reviewOut),
		approvals: approvals.map(approvalOut),
		clocks: await clocksSeen(sql, clocks, readerOf(user)),
		timeline: timeline.map((e) => ({ ...e, at: toIso(e.at) })),
		gate: gateProblem(d, materials.length),
		can: {
			edit: drafter && editable,
			submit: drafter && d.status === 'drafting',
			review: d.stage === 'in_review' && chain.confidentialityReviewerIds.includes(user.id),
			sign: mine,
			renew: drafter && d.stage === 'awaiting_signoff' && requests.some((q) => q.versionHash === b.hash && requestState(q, now) === 'expired'),
			publish: drafter && d.status === 'signed',
			publishMaterials: drafter && d.status === 'published' && materials.some((m) => !m.publishedAt),
			end: drafter && d.status === 'published',
			mark: drafter && (d.status === 'abolished' || d.status === 'expired') && !d.markedAt
		}
	};
}

export const documentRouter = router({
	create: authedProcedure
		.input(
			z.object({
				clientKey: z.uuid().nullable().default(null),
				unitId: z.uuid().nullable().default(null),
				interpretingUnitId: z.uuid().nullable().default(null),
				drafterId: z.uuid().nullable().default(null),
				...content
			})
		)
		.mutation(async ({ ctx, input }) => documentOut(await createDocument(input, authorOf(ctx)))),
	update: authedProcedure.input(z.object({ id: z.uuid(), baseVersion: z.number().int().min(1), ...content })).mutation(async ({ ctx, input }) => {
		const { id, baseVersion, ...c } = input;
		const { document, changed } = await editDocument(id, baseVersion, c, authorOf(ctx));
		return { ...documentOut(document), changed };
	}),
	attachMaterial: authedProcedure
		.input(z.object({ id: z.uuid(), kind: z.enum(MATERIAL_KINDS), ...material }))
		.mutation(async ({ ctx, input }) => {
			const { id, ...m } = input;
			return materialOut(await attachMaterial(id, m, authorOf(ctx)));
		}),
	updateMaterial: authedProcedure
		.input(z.object({ id: z.uuid(), materialId: z.uuid(), baseVersion: z.number().int().min(1), ...material }))
		.mutation(async ({ ctx, input }) => {
			const { id, materialId, baseVersion, ...m } = input;
			return materialOut(await updateMaterial(id, materialId, baseVersion, m, authorOf(ctx)));
		}),
	removeMaterial: authedProcedure
		.input(z.object({ id: z.uuid(), materialId: z.uuid() }))
		.mutation(async ({ ctx, input }) => documentOut(await removeMaterial(input.id, input.materialId, authorOf(ctx)))),
	submit: authedProcedure.input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) => documentOut(await submitDocument(input.id, authorOf(ctx)))),
	review: authedProcedure
		.input(
			z.object({
				id: z.uuid(),
				version: z.number().int().min(1),
				/** the bundle's hash as the reviewer's screen showed it */
				versionHash: z.string().regex(/^[0-9a-f]{64}$/),
				decision: z.enum(['passed', 'rejected']),
				reason: text(1000, { lines: true, trim: false }).default('')
			})
		)
		.mutation(async ({ ctx, input }) => documentOut(await reviewDocument(input.id, input, authorOf(ctx)))),
	stepUp: authedProcedure.input(requestRef).mutation(async ({ ctx, input }) => {
		await visible(ctx, input.id);
		return stepUpFor({ kind: 'document', id: input.id }, input.requestId, ctx.user.id, ctx.origin);
	}),
	/** One approval for the bundle: `versionHash` is the bundle's hash as the sign-off screen showed it. */
	approve: authedProcedure
		.input(requestRef.extend({ versionHash: z.string().regex(/^[0-9a-f]{64}$/), proof: secondFactorProof }))
		.mutation(async ({ ctx, input }) => documentOut(await approveDocument(input.id, input, authorOf(ctx)))),
	reject: authedProcedure
		.input(requestRef.extend({ reason: text(1000, { lines: true, trim: false }) }))
		.mutation(async ({ ctx, input }) => documentOut(await rejectDocument(input.id, input, authorOf(ctx)))),
	flag: authedProcedure
		.input(requestRef.extend({ note: text(1000, { lines: true, trim: false }).default('') }))
		.mutation(async ({ ctx, input }) => documentOut(await flagDocument(input.id, input, authorOf(ctx)))),
	renew: authedProcedure.input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) => documentOut(await renewDocumentRequests(input.id, authorOf(ctx)))),
	/** With its materials (the rule met at once) or alone (the 3-working-day clock starts). */
	publish: authedProcedure
		.input(z.object({ id: z.uuid(), publishedAt: when, url, withMaterials: z.boolean() }))
		.mutation(async ({ ctx, input }) => {
			const { document, clocks } = await publishDocument(input.id, input, authorOf(ctx));
			return { ...documentOut(document), clocks: clocks.map((c) => ({ ...c, dueAt: toIso(c.dueAt) })) };
		}),
	publishMaterials: authedProcedure
		.input(z.object({ id: z.uuid(), materialIds: z.array(z.uuid()).min(1).max(50), publishedAt: when, url }))
		.mutation(async ({ ctx, input }) => {
			const { document, satisfied } = await publishMaterials(input.id, input, authorOf(ctx));
			return { ...documentOut(document), satisfied };
		}),
	/** 废止 (or 失效, 修订): the 10-working-day marking clock starts for abolition and expiry. */
	abolish: authedProcedure
		.input(z.object({ id: z.uuid(), kind: z.enum(['abolished', 'expired', 'amended']).default('abolished'), at: when, reason: text(1000, { lines: true, trim: false }) }))
		.mutation(async ({ ctx, input }) => {
			const { document, clocks } = await endDocument(input.id, input, authorOf(ctx));
			return { ...documentOut(document), clocks: clocks.map((c) => ({ ...c, dueAt: toIso(c.dueAt) })) };
		}),
	markEnded: authedProcedure
		.input(z.object({ id: z.uuid(), markedAt: when, url }))
		.mutation(async ({ ctx, input }) => {
			const { document, satisfied } = await markEnded(input.id, input, authorOf(ctx));
			return { ...documentOut(document), satisfied };
		}),
	byId: authedProcedure.input(z.object({ id: z.uuid() })).query(async ({ ctx, input }) => details(await visible(ctx, input.id), ctx.user)),
	/** What the leader sees: the document version and every material version the request covers. */
	signoffView: authedProcedure.input(requestRef).query(async ({ ctx, input }) => {
		const d = await visible(ctx, input.id);
		const request = await getRequest(sql, { kind: 'document', id: d.id }, input.requestId);
		if (!request) throw notFound();
		const now = new Date();
		const materials = await materialsOf(sql, d.id);
		const current = await bundle(sql, d, materials);
		const [signers, passkey, reviews] = await Promise.all([signersOf(sql, request.unitId), hasPasskey(sql, ctx.user.id), reviewsOf(sql, { kind: 'document', id: d.id })]);
		return {
			document: documentOut(d),
			materials: materials.map(materialOut),
			files: await filesOf([...d.fileIds, ...materials.flatMap((m) => m.fileIds)]),
			request: requestOut(request, now),
			covers: request.covers,
			/** the bundle has changed since the request was made: it is void */
			stale: current.hash !== request.versionHash,
			reviews: reviews.filter((r) => r.versionHash === request.versionHash).map(reviewOut),
			mayDecide: signers.includes(ctx.user.id),
			hasPasskey: passkey
		};
	}),
	list: authedProcedure
		.input(
			z
				.object({ status: z.enum(DOCUMENT_STATUSES).nullable().default(null), limit: z.number().int().min(1).max(500).default(100) })
				.default({ status: null, limit: 100 })
		)
		.query(async ({ ctx, input }) => (await listDocuments(sql, scopeRoot(ctx.user), ctx.user.id, input)).map(documentOut))
});
