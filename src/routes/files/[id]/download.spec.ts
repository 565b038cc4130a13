// Downloading a file as the browser meets it: the route's own handler, with the person's session.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRedirect } from '@sveltejs/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '$lib/server/db.ts';
import { storeFile } from '$lib/server/files/flows.ts';
import type { FileRow } from '$lib/server/files/queries.ts';
import { makeCity, signInAs, type SignedIn } from '$lib/server/test-helpers.ts';
import { GET } from './+server.ts';
import { sampleDocx, samplePdf } from '../../../../tests/support/sample-files.ts';

const ORIGIN = 'https://huiying.example.gov.cn';
let dir: string;
let staffA: SignedIn, staffB: SignedIn;
let pdf: FileRow, docx: FileRow;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'huiying-download-'));
	process.env.FILES_DIR = dir;
	await makeCity();
	[staffA, staffB] = await Promise.all([signInAs('staff-a'), signInAs('staff-b')]);
	pdf = await storeFile(samplePdf(), '关于“十五五”规划的通知.pdf', { personId: staffA.user.id, actor: staffA.actor });
	docx = await storeFile(sampleDocx(), 'Q&A 答问.docx', { personId: staffA.user.id, actor: staffA.actor });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Event = Parameters<typeof GET>[0];

function get(id: string, who: SignedIn | null, headers: Record<string, string> = {}) {
	const request = new Request(`${ORIGIN}/files/${id}`, { headers });
	const event = { request, url: new URL(request.url), params: { id }, locals: { user: who?.user ?? null, session: who?.session ?? null } };
	return GET(event as unknown as Event);
}

describe('downloading a file', () => {
	it('serves a PDF inline with its sniffed type and its Chinese name', async () => {
		const res = await get(pdf.id, staffA);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/pdf');
		expect(res.headers.get('content-disposition')).toBe(
			`inline; filename="____________.pdf"; filename*=UTF-8''${encodeURIComponent('关于“十五五”规划的通知.pdf')}`
		);
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
		expect(res.headers.get('cache-control')).toMatch(/^private/);
		expect(new Uint8Array(await res.arrayBuffer())).toEqual(samplePdf());
	});

	it('offers a Word file as a download', async () => {
		const res = await get(docx.id, staffA);
		expect(res.headers.get('content-disposition')).toBe(`attachment; filename="Q&A __.docx"; filename*=UTF-8''Q%26A%20%E7%AD%94%E9%97%AE.docx`);
		await res.body?.cancel();
	});

	it('answers 404, not 403, to someone who may not see it, and to an id that is no file', async () => {
		expect((await get(pdf.id, staffB)).status).toBe(404);
		// The refused read is evidence: who asked for which file.
		const refusals = await sql<{ actorId: string }[]>`
			select actor_id from audit_log where action = 'access.refused' and entity = 'file' and entity_id = ${pdf.id}`;
		expect(refusals.map((r) => r.actorId)).toEqual([staffB.user.id]);
		expect((await get('00000000-0000-4000-8000-000000000000', staffA)).status).toBe(404);
		expect((await get('../../etc/passwd', staffA)).status).toBe(404);
	});

	it('sends a signed-out visitor to sign in first, then back to the file', async () => {
		const thrown = await Promise.resolve(get(pdf.id, null)).catch((e: unknown) => e);
		expect(isRedirect(thrown) && thrown.location).toBe(`/login?redirectTo=${encodeURIComponent(`/files/${pdf.id}`)}`);
	});

	it('answers 304 when the browser already holds this file', async () => {
		const res = await get(pdf.id, staffA, { 'if-none-match': `"${pdf.sha256}"` });
		expect(res.status).toBe(304);
	});
});
