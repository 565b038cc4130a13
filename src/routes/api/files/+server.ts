import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { m } from '$lib/paraglide/messages.js';
import { OWNER_HEADER } from '$lib/outbox/owner.ts';
import { TRPCError } from '@trpc/server';
import { writeLimiter } from '$lib/server/auth/write-limits.ts';
import { checkUploadAllowance, FileRefused, storeFile, uploadMaxBytes, UploadLimited, type UploadRefusalReason } from '$lib/server/files/flows.ts';
import { actorOf, clientAddress } from '$lib/server/request.ts';
import { serverErrorMessage } from '$lib/server/errors.ts';
import { logServerError } from '$lib/server/log.ts';

// Room for the multipart boundaries and part headers around the file itself.
const ENVELOPE_BYTES = 64 * 1024;

function problem(status: number, message: string) {
	return json({ message, field: 'file' }, { status });
}

const STATUS: Record<UploadRefusalReason, number> = { missing: 400, empty: 400, too_large: 413, type: 415 };

const refused = (e: FileRefused) => problem(STATUS[e.reason], e.message);
const limited = (e: UploadLimited) => json({ message: e.message, field: 'file' }, { status: 429, headers: { 'retry-after': String(e.retryAfterSeconds) } });
const refusal = (reason: UploadRefusalReason, maxBytes: number) => refused(new FileRefused(reason, maxBytes));

/** The body, or null as soon as it grows past `cap`: a large upload is cut off, not read to the end. */
async function readCapped(request: Request, cap: number): Promise<Uint8Array | null> {
	if (!request.body) return new Uint8Array();
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let total = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		total += value.byteLength;
		if (total > cap) {
			await reader.cancel().catch(() => {});
			return null;
		}
		chunks.push(value);
	}
	const body = new Uint8Array(total);
	let at = 0;
	for (const c of chunks) {
		body.set(c, at);
		at += c.byteLength;
	}
	return body;
}

/** One file per request, as multipart/form-data in the field `file`; answers `{ id, name, size, mime }`. */
export const POST: RequestHandler = async (event) => {
	const { request, url, locals } = event;
	if (!locals.user) return problem(401, m['error.unauthorized']());
	// A picture of a shared phone's outbox entry goes up only as the person who took it.
	const ownerId = request.headers.get(OWNER_HEADER);
	if (ownerId && ownerId !== locals.user.id) return problem(412, m['error.not_the_author']());
	// Stricter than the form rule in the hooks: an upload always comes from this app's own pages.
	if (request.headers.get('origin') !== url.origin) return problem(403, m['error.origin']());
	const contentType = request.headers.get('content-type') ?? '';
	if (!/^multipart\/form-data\s*;/i.test(contentType)) return problem(415, new FileRefused('missing', 0).message);

	const maxBytes = await uploadMaxBytes();
	const cap = maxBytes + ENVELOPE_BYTES;
	const declared = Number(request.headers.get('content-length') ?? 0);
	if (declared > cap) return refusal('too_large', maxBytes);
	// An upload is a write like any other, and each person has a daily allowance: both before a byte is read.
	try {
		await writeLimiter().consume({ personId: locals.user.id, ip: clientAddress(event) });
		await checkUploadAllowance(locals.user.id, Number.isFinite(declared) ? declared : 0);
	} catch (e) {
		if (e instanceof UploadLimited) return limited(e);
		if (e instanceof TRPCError && e.code === 'TOO_MANY_REQUESTS') return json({ message: e.message, field: 'file' }, { status: 429 });
		throw e;
	}
	const body = await readCapped(request, cap);
	if (!body) return refusal('too_large', maxBytes);

	let file: FormDataEntryValue | null;
	try {
		file = (await new Response(body as Uint8Array<ArrayBuffer>, { headers: { 'content-type': contentType } }).formData()).get('file');
	} catch {
		return refusal('missing', maxBytes);
	}
	if (!(file instanceof File)) return refusal('missing', maxBytes);

	try {
		// Without a declared length the day's bytes are checked once the size is known.
		if (!declared) await checkUploadAllowance(locals.user.id, file.size);
		const row = await storeFile(new Uint8Array(await file.arrayBuffer()), file.name, { personId: locals.user.id, actor: actorOf(event) });
		return json({ id: row.id, name: row.name, size: row.size, mime: row.mime }, { status: 201 });
	} catch (e) {
		if (e instanceof FileRefused) return refused(e);
		if (e instanceof UploadLimited) return limited(e);
		logServerError(e, { requestId: locals.requestId, where: 'api/files', method: 'POST' });
		return json({ message: serverErrorMessage(locals.requestId), requestId: locals.requestId }, { status: 500 });
	}
};
