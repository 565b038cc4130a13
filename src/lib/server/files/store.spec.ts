import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localStore, newStorageKey, s3Store, storeFromEnv, type BlobStore } from './store.ts';
import { startFakeS3, type FakeS3 } from '../../../../tests/support/fake-s3.ts';
import { samplePdf, samplePng } from '../../../../tests/support/sample-files.ts';

const read = async (stream: ReadableStream<Uint8Array> | null) => (stream ? new Uint8Array(await new Response(stream).arrayBuffer()) : null);

let dir: string;
let s3: FakeS3;
const s3Options = () => ({
	endpoint: s3.endpoint,
	bucket: s3.bucket,
	region: s3.region,
	accessKeyId: s3.accessKeyId,
	secretAccessKey: s3.secretAccessKey,
	forcePathStyle: true
});

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'huiying-files-'));
	s3 = await startFakeS3();
});
afterAll(async () => {
	rmSync(dir, { recursive: true, force: true });
	await s3.close();
});

describe('storage keys', () => {
	it('are the month in China and a random id, never a file name', () => {
		const key = newStorageKey(new Date('2026-04-30T17:30:00Z'));
		expect(key).toMatch(/^2026\/05\/[0-9a-f-]{36}$/);
		expect(newStorageKey()).not.toBe(newStorageKey());
	});
});

/** The same promises, whichever store keeps the bytes. */
async function roundTrip(store: BlobStore) {
	const key = newStorageKey();
	const pdf = samplePdf();
	await store.put(key, pdf, 'application/pdf');
	expect(await read(await store.get(key))).toEqual(pdf);
	await store.delete(key);
	expect(await store.get(key)).toBeNull();
	// deleting what is gone is not an error
	await store.delete(key);
	expect(await store.get(newStorageKey())).toBeNull();
}

describe('the local store', () => {
	it('gives back exactly the bytes it was given, and nothing once deleted', async () => {
		await roundTrip(localStore(dir));
	});

	it('keeps files in year and month folders, with no partial file left behind', async () => {
		const store = localStore(dir);
		const key = newStorageKey(new Date('2026-03-10T00:00:00Z'));
		await store.put(key, samplePng(), 'image/png');
		expect(readdirSync(join(dir, '2026', '03'))).toEqual([key.split('/')[2]]);
	});

	it('refuses a key that is not one of its own, so no path can escape the folder', async () => {
		const store = localStore(dir);
		await expect(store.put('../../etc/passwd', samplePdf(), 'application/pdf')).rejects.toThrow(/storage key/);
		await expect(store.get('2026/05/../../../x')).rejects.toThrow(/storage key/);
	});
});

describe('the S3-compatible store', () => {
	it('puts, gets and deletes objects path-style, every request signed with the payload hash', async () => {
		const before = s3.requests.length;
		await roundTrip(s3Store(s3Options()));
		const requests = s3.requests.slice(before);
		expect(requests.map((r) => [r.method, r.status])).toEqual([
			['PUT', 200],
			['GET', 200],
			['DELETE', 204],
			['GET', 404],
			['DELETE', 204],
			['GET', 404]
		]);
		expect(requests.every((r) => r.refusal === null && r.authorization?.startsWith('AWS4-HMAC-SHA256 Credential=HUIYINGTESTKEY/'))).toBe(true);
		expect(requests[0]!.path).toMatch(new RegExp(`^/${s3.bucket}/\\d{4}/\\d{2}/[0-9a-f-]{36}$`));
		expect(requests[0]!.contentSha256).toMatch(/^[0-9a-f]{64}$/);
	});

	it('stores the sniffed content type with the object', async () => {
		const key = newStorageKey();
		await s3Store(s3Options()).put(key, samplePng(), 'image/png');
		expect(s3.objects.get(key)?.contentType).toBe('image/png');
	});

	it('fails loudly when the store refuses the credentials, rather than pretending the file was kept', async () => {
		const wrong = s3Store({ ...s3Options(), secretAccessKey: 'not-the-secret' });
		await expect(wrong.put(newStorageKey(), samplePdf(), 'application/pdf')).rejects.toThrow(/S3 PUT .* 403/);
		expect(s3.requests.at(-1)?.refusal).toBe('signature does not match');
	});

	it('is chosen when S3_ENDPOINT and S3_BUCKET are set, with the region and path style from the environment', async () => {
		const store = storeFromEnv({
			S3_ENDPOINT: s3.endpoint,
			S3_BUCKET: s3.bucket,
			S3_REGION: s3.region,
			S3_ACCESS_KEY_ID: s3.accessKeyId,
			S3_SECRET_ACCESS_KEY: s3.secretAccessKey
		});
		const key = newStorageKey();
		await store.put(key, samplePdf(), 'application/pdf');
		expect(s3.objects.has(key)).toBe(true);
	});

	it('otherwise keeps files on disk, in FILES_DIR when set', async () => {
		const key = newStorageKey();
		await storeFromEnv({ FILES_DIR: dir }).put(key, samplePdf(), 'application/pdf');
		expect(await read(await localStore(dir).get(key))).toEqual(samplePdf());
	});
});
