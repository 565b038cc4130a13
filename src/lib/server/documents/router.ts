import { z } from 'zod';
import { DRAFTER_ROLE_LIST } from '../../releases.ts';
import { toIso } from '../../time.ts';
import type { Actor } from '../actor.ts';
import type { SessionUser } from '../auth/index.ts';
import { clocksOf, clocksSeen } from '../clocks/index.ts';
import { sql } from '../db.ts';
import { notFound } from '../errors.ts';
import { cursor, pageOf } from '../pages.ts';
import { searchText, wordsOf } from '../search.ts';
import { chainOf, requestSeen, shortCode, signoffSeen } from '../signoff/index.ts';
import { readerOf } from '../subjects.ts';
import { timelineOut } from '../timeline/index.ts';
import { authedProcedure, moment, router, text } from '../trpc/index.ts';
import { scopeRoot } from '../units/index.ts';
import {
	attachMaterial,
	createDocument,
	editDocument,
	endDocument,
	gateProblem,
	markEnded,
	publishDocument,
	publishMaterials,
	removeMaterial,
	submitDocument,
	updateMaterial,
	type DocumentAuthor
} from './flows.ts';
import { documentListed, documentOut, materialOut } from './out.ts';
import { DISCLOSURES, documentCursorOf, DOCUMENT_STATUSES, documentVersions, getDocument, listDocuments, MATERIAL_KINDS, materialsOf, ownsDocument, type DocumentRow } from './queries.ts';
import { bundle } from './signoff.ts';

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

const requestRef = z.object({ id: z.uuid(), requestId: z.uuid() });

async function visible(actor: Actor, id: string): Promise<DocumentRow> {
	const d = await getDocument(sql, id, actor.scope, actor.personId);
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
	const [materials, versions, clocks, timeline, chain, owns] = await Promise.all([
		materialsOf(sql, d.id),
		documentVersions(sql, d.id),
		clocksOf(sql, { type: 'document', id: d.id }),
		timelineOut(sql, { type: 'document', id: d.id }, readerOf(user)),
		chainOf(sql, d.unitId),
		ownsDocument(sql, d, scopeRoot(user))
	]);
	const b = await bundle(sql, d, materials);
	const signoff = await signoffSeen(sql, { ref: { kind: 'document', id: d.id }, hash: b.hash, unitId: d.unitId, stage: d.stage }, user.id, now);
	const drafter = owns && user.roles.some((r) => (DRAFTER_ROLE_LIST as readonly string[]).includes(r));
	const editable = d.status === 'drafting' || d.status === 'submitted' || d.status === 'signed';
	return {
		...documentOut(d),
		bundleHash: b.hash,
		bundleCode: shortCode(b.hash),
		materials: materials.map(materialOut),
		files: await filesOf([...d.fileIds, ...materials.flatMap((m) => m.fileIds)]),
		versions: versions.map((v) => ({ number: v.number, hash: v.hash, code: shortCode(v.hash), createdByName: v.createdByName, createdAt: toIso(v.createdAt) })),
		requests: signoff.requests,
		reviews: signoff.reviews,
		approvals: signoff.approvals,
		/** whom the package waits for once submitted */
		waiting: signoff.waiting,
		clocks: await clocksSeen(sql, clocks, readerOf(user)),
		...timeline,
		gate: gateProblem(d, materials.length),
		can: {
			edit: drafter && editable,
			submit: drafter && d.status === 'drafting',
			review: d.stage === 'in_review' && chain.confidentialityReviewerIds.includes(user.id),
			sign: signoff.mine,
			renew: drafter && d.stage === 'awaiting_signoff' && signoff.lapsed,
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
		.mutation(async ({ ctx, input }) => documentOut(await createDocument(input, ctx.actor))),
	update: authedProcedure.input(z.object({ id: z.uuid(), baseVersion: z.number().int().min(1), ...content })).mutation(async ({ ctx, input }) => {
		const { id, baseVersion, ...c } = input;
		const { document, changed } = await editDocument(id, baseVersion, c, ctx.actor);
		return { ...documentOut(document), changed };
	}),
	attachMaterial: authedProcedure
		.input(z.object({ id: z.uuid(), kind: z.enum(MATERIAL_KINDS), ...material }))
		.mutation(async ({ ctx, input }) => {
			const { id, ...m } = input;
			return materialOut(await attachMaterial(id, m, ctx.actor));
		}),
	updateMaterial: authedProcedure
		.input(z.object({ id: z.uuid(), materialId: z.uuid(), baseVersion: z.number().int().min(1), ...material }))
		.mutation(async ({ ctx, input }) => {
			const { id, materialId, baseVersion, ...m } = input;
			return materialOut(await updateMaterial(id, materialId, baseVersion, m, ctx.actor));
		}),
	removeMaterial: authedProcedure
		.input(z.object({ id: z.uuid(), materialId: z.uuid() }))
		.mutation(async ({ ctx, input }) => documentOut(await removeMaterial(input.id, input.materialId, ctx.actor))),
	submit: authedProcedure.input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) => documentOut(await submitDocument(input.id, ctx.actor))),
	/** With its materials (the rule met at once) or alone (the 3-working-day clock starts). */
	publish: authedProcedure
		.input(z.object({ id: z.uuid(), publishedAt: when, url, withMaterials: z.boolean() }))
		.mutation(async ({ ctx, input }) => {
			const { document, clocks } = await publishDocument(input.id, input, ctx.actor);
			return { ...documentOut(document), clocks: clocks.map((c) => ({ ...c, dueAt: toIso(c.dueAt) })) };
		}),
	publishMaterials: authedProcedure
		.input(z.object({ id: z.uuid(), materialIds: z.array(z.uuid()).min(1).max(50), publishedAt: when, url }))
		.mutation(async ({ ctx, input }) => {
			const { document, satisfied } = await publishMaterials(input.id, input, ctx.actor);
			return { ...documentOut(document), satisfied };
		}),
	/** 废止 (or 失效, 修订): the 10-working-day marking clock starts for abolition and expiry. */
	abolish: authedProcedure
		.input(z.object({ id: z.uuid(), kind: z.enum(['abolished', 'expired', 'amended']).default('abolished'), at: when, reason: text(1000, { lines: true, trim: false }) }))
		.mutation(async ({ ctx, input }) => {
			const { document, clocks } = await endDocument(input.id, input, ctx.actor);
			return { ...documentOut(document), clocks: clocks.map((c) => ({ ...c, dueAt: toIso(c.dueAt) })) };
		}),
	markEnded: authedProcedure
		.input(z.object({ id: z.uuid(), markedAt: when, url }))
		.mutation(async ({ ctx, input }) => {
			const { document, satisfied } = await markEnded(input.id, input, ctx.actor);
			return { ...documentOut(document), satisfied };
		}),
	byId: authedProcedure.input(z.object({ id: z.uuid() })).query(async ({ ctx, input }) => details(await visible(ctx.actor, input.id), ctx.user)),
	/** What the leader sees: the document version and every material version the request covers. */
	signoffView: authedProcedure.input(requestRef).query(async ({ ctx, input }) => {
		const d = await visible(ctx.actor, input.id);
		const now = new Date();
		const { row: request, ...seen } = await requestSeen(sql, { kind: 'document', id: d.id }, input.requestId, ctx.user.id, now);
		const materials = await materialsOf(sql, d.id);
		const current = await bundle(sql, d, materials);
		return {
			...seen,
			document: documentOut(d),
			materials: materials.map(materialOut),
			files: await filesOf([...d.fileIds, ...materials.flatMap((m) => m.fileIds)]),
			covers: request.covers,
			/** the bundle has changed since the request was made: it is void */
			stale: current.hash !== request.versionHash
		};
	}),
	/**
	 * A page of the documents this person may see, those in progress first, then the most recently changed; filtered
	 * by status, unit (drafting or interpreting) and words of its title. `cursor` is the previous page's `nextCursor`.
	 */
	list: authedProcedure
		.input(
			z
				.object({
					status: z.enum(DOCUMENT_STATUSES).nullable().default(null),
					unitId: z.uuid().nullable().default(null),
					q: searchText(),
					cursor: cursor(z.tuple([z.boolean(), z.iso.datetime({ offset: true }), z.uuid()])),
					limit: z.number().int().min(1).max(100).default(50)
				})
				.default({ status: null, unitId: null, q: '', cursor: null, limit: 50 })
		)
		.query(async ({ ctx, input }) => {
			const rows = await listDocuments(sql, ctx.actor.scope, ctx.user.id, {
				status: input.status,
				unitId: input.unitId,
				words: wordsOf(input.q),
				after: input.cursor,
				limit: input.limit + 1
			});
			return pageOf(rows, input.limit, documentCursorOf, documentListed);
		})
});
