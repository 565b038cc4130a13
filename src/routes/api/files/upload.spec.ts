// The upload endpoint as the browser meets it: a multipart POST through the route's own handler.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '$lib/server/db.ts';
import { makeCity, signInAs, type SignedIn } from '$lib/server/test-helpers.ts';
import { POST } from './+server.ts';
import { sampleDocx, samplePdf, samplePng, sampleText } from '../../../../tests/support/sample-files.ts';

const ORIGIN = 'https://huiying.example.gov.cn';
const MB = 1024 * 1024;
let dir: string;
let staffA: SignedIn;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'huiying-upload-'));
	// the app's store is made on first use, from the environment
	process.env.FILES_DIR = dir;
	await makeCity();
	staffA = await signInAs('staff-a');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Event = Parameters<typeof POST>[0];

function post(request: Request, who: SignedIn | null = staffA) {
	const event = {
		request,
		url: new URL(request.url),
		locals: { user: who?.user ?? null, session: who?.session ?? null },
		getClientAddress: () => '203.0.113.7'
	};
	return POST(event as unknown as Event);
}

function upload(bytes: Uint8Array | null, name: string, headers: Record<string, string> = { origin: ORIGIN }) {
	const form = new FormData();
	if (bytes) form.append('file', new File([bytes as Uint8Array<ArrayBuffer>], name, { type: 'application/pdf' }));
	return new Request(`${ORIGIN}/api/files`, { method: 'POST', body: form, headers });
}

const answer = async (res: Response) => ({ status: res.status, body: await res.json() });

/** An upload declaring `length` bytes whose body never ends: how much of it the server read is `pulled()` chunks. */
function endlessUpload(length: number) {
	let pulled = 0;
	const body = new ReadableStream<Uint8Array>({
		pull(c) {
			pulled += 1;
			c.enqueue(new Uint8Array(64 * 1024));
		}
	});
	const request = new Request(`${ORIGIN}/api/files`, {
		method: 'POST',
		body,
		duplex: 'half',
		headers: { origin: ORIGIN, 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(length) }
	} as RequestInit);
	return { request, pulled: () => pulled };
}

describe('uploading a file', () => {
	it('stores a PDF, an image and a Word file and answers with what it stored', async () => {
		for (const [bytes, name, mime] of [
			[samplePdf(), '关于做好汛期信息发布工作的通知.pdf', 'application/pdf'],
			[samplePng(), 'IMG_0001.png', 'image/png'],
			[sampleDocx(), '政策解读.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document']
		] as const) {
			const { status, body } = await answer(await post(upload(bytes, name)));
			expect(status).toBe(201);
			expect(body).toEqual({ id: expect.any(String), name, size: bytes.byteLength, mime });
			const [row] = await sql`select uploaded_by from files where id = ${body.id}`;
			expect(row).toEqual({ uploadedBy: staffA.user.id });
		}
	});

	it('refuses a file whose bytes are not of an allowed type, whatever its name and declared type', async () => {
		expect(await answer(await post(upload(sampleText(), '通知.pdf')))).toEqual({
			status: 415,
			body: { message: '「文件」是不支持的文件类型（仅限 PDF、图片、Word）', field: 'file' }
		});
	});

	it('refuses an empty file and a form without one', async () => {
		expect(await answer(await post(upload(new Uint8Array(), '空.pdf')))).toEqual({ status: 400, body: { message: '「文件」为空', field: 'file' } });
		expect(await answer(await post(upload(null, '')))).toEqual({ status: 400, body: { message: '「文件」必须选择', field: 'file' } });
	});

	it('refuses a file over the limit', async () => {
		expect(await answer(await post(upload(samplePdf(20 * MB + 1), '大.pdf')))).toEqual({
			status: 413,
			body: { message: '「文件」超过 20 MB', field: 'file' }
		});
	});

	it('refuses a large body by its declared length, without reading it', async () => {
		const { request, pulled } = endlessUpload(200 * MB);
		expect((await post(request)).status).toBe(413);
		expect(pulled()).toBeLessThanOrEqual(1);
	});

	it('stops reading a body that grows past the limit when no length was declared', async () => {
		let sent = 0;
		const body = new ReadableStream<Uint8Array>({
			pull(c) {
				sent += MB;
				c.enqueue(new Uint8Array(MB));
			}
		});
		const request = new Request(`${ORIGIN}/api/files`, {
			method: 'POST',
			body,
			duplex: 'half',
			headers: { origin: ORIGIN, 'content-type': 'multipart/form-data; boundary=x' }
		} as RequestInit);
		const { status, body: json } = await answer(await post(request));
		expect(status).toBe(413);
		expect(json.message).toBe('「文件」超过 20 MB');
		expect(sent).toBeLessThan(24 * MB);
	});

	it('is for signed-in people, from this app’s own pages only', async () => {
		expect((await post(upload(samplePdf(), 'a.pdf'), null)).status).toBe(401);
		expect((await post(upload(samplePdf(), 'a.pdf', {}))).status).toBe(403);
		expect((await post(upload(samplePdf(), 'a.pdf', { origin: 'https://evil.example' }))).status).toBe(403);
		const json = new Request(`${ORIGIN}/api/files`, { method: 'POST', body: '{}', headers: { origin: ORIGIN, 'content-type': 'application/json' } });
		expect((await post(json)).status).toBe(415);
	});
});

describe('the daily allowance', () => {
	const setAllowance = async (files: number, mb: number) => {
		await sql`update settings set value = to_jsonb(${files}::int) where key = 'files.daily_max_files'`;
		await sql`update settings set value = to_jsonb(${mb}::float8) where key = 'files.daily_max_mb'`;
	};

	it('refuses a person’s uploads past the day’s number of files with 429 and when to try again, before reading the body', async () => {
		const staffB = await signInAs('staff-b');
		await setAllowance(3, 1024);
		try {
			for (let i = 0; i < 3; i++) expect((await post(upload(samplePng(), `现场${i}.png`), staffB)).status).toBe(201);

			const { request, pulled } = endlessUpload(MB);
			const res = await post(request, staffB);
			expect(res.status).toBe(429);
			expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(23 * 3_600);
			expect((await res.json()).message).toBe('今天上传的文件已达上限（24 小时内最多 3 个、共 1024 MB），请约 24 小时后再试');
			expect(pulled()).toBeLessThanOrEqual(1);
			// Someone else's allowance is their own.
			expect((await post(upload(samplePng(), '别人.png'), await signInAs('office-admin'))).status).toBe(201);

			// A day later the room is back.
			await sql`update files set created_at = created_at - interval '25 hours' where uploaded_by = ${staffB.user.id}`;
			expect((await post(upload(samplePng(), '次日.png'), staffB)).status).toBe(201);
		} finally {
			await setAllowance(200, 1024);
		}
	});

	it('counts bytes too: an upload that would pass the day’s megabytes is refused', async () => {
		const admin = await signInAs('admin-a');
		await setAllowance(200, 0.05);
		try {
			expect((await post(upload(samplePdf(30 * 1024), '一.pdf'), admin)).status).toBe(201);
			const { status, body } = await answer(await post(upload(samplePdf(30 * 1024), '二.pdf'), admin));
			expect(status).toBe(429);
			expect(body).toEqual({ message: expect.stringMatching(/^今天上传的文件已达上限/), field: 'file' });
		} finally {
			await setAllowance(200, 1024);
		}
	});
});
