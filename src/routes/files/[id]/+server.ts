import { redirect } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { m } from '$lib/paraglide/messages.js';
import { fileForDownload, openFile } from '$lib/server/files/flows.ts';
import { log } from '$lib/server/log.ts';
import { actorOf } from '$lib/server/request.ts';
import { isInline } from '$lib/server/files/sniff.ts';

/** `inline; filename="…"; filename*=UTF-8''…`: the plain name for old clients, the Chinese one for the rest (RFC 6266/5987). */
function contentDisposition(name: string, inline: boolean): string {
	const fallback = name.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
	const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
	return `${inline ? 'inline' : 'attachment'}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

const notFound = () => new Response(m['error.not_found'](), { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });

/** Served only to people who may see it; anyone else learns nothing, not even that the file exists. */
export const GET: RequestHandler = async (event) => {
	const { params, locals, url, request } = event;
	if (!locals.user) redirect(303, `/login?redirectTo=${encodeURIComponent(url.pathname)}`);
	// Asking for a file out of reach is recorded like any other refused read.
	const file = await fileForDownload(locals.user, params.id, actorOf(event));
	if (!file) return notFound();
	const headers = {
		'content-type': file.mime,
		'content-disposition': contentDisposition(file.name, isInline(file.mime)),
		'x-content-type-options': 'nosniff',
		'cache-control': 'private, max-age=0, must-revalidate',
		'cross-origin-resource-policy': 'same-origin',
		etag: `"${file.sha256}"`
	};
	if (request.headers.get('if-none-match') === headers.etag) return new Response(null, { status: 304, headers });
	const body = await openFile(file);
	if (!body) {
		log.error({ where: 'files', requestId: locals.requestId, fileId: file.id, storageKey: file.storageKey }, 'file bytes missing from the store');
		return notFound();
	}
	return new Response(body, { headers: { ...headers, 'content-length': String(file.size) } });
};
