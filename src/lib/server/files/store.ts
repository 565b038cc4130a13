// Where file bytes live: a folder on this server by default, any S3-compatible store (MinIO, Alibaba Cloud
// OSS, Tencent COS) when S3_ENDPOINT and S3_BUCKET are set. Rows in `files` say what a key holds and who may
// read it; the store only keeps bytes.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { AwsClient } from 'aws4fetch';

export interface BlobStore {
	put(key: string, bytes: Uint8Array, mime: string): Promise<void>;
	/** The bytes as a stream, or null when the key holds nothing. */
	get(key: string): Promise<ReadableStream<Uint8Array> | null>;
	/** Deleting a key that holds nothing is not an error. */
	delete(key: string): Promise<void>;
}

/** A random key, `2026/05/<uuid>`: never the person's file name, so nothing they type reaches a path. */
export function newStorageKey(now: Date = new Date()): string {
	const [year, month] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' })
		.format(now)
		.split('-');
	return `${year}/${month}/${randomUUID()}`;
}

const KEY = /^[0-9]{4}\/[0-9]{2}\/[0-9a-f-]{36}$/;

function checkedKey(key: string): string {
	if (!KEY.test(key)) throw new Error(`not a storage key: ${key}`);
	return key;
}

export function localStore(dir: string): BlobStore {
	const root = resolve(dir);
	const pathOf = (key: string) => {
		const path = resolve(root, checkedKey(key));
		if (!path.startsWith(root + sep)) throw new Error(`storage key outside the store: ${key}`);
		return path;
	};
	return {
		async put(key, bytes) {
			const path = pathOf(key);
			await mkdir(dirname(path), { recursive: true });
			// Written beside and renamed, so a reader never sees half a file.
			const partial = `${path}.${randomUUID()}.part`;
			await writeFile(partial, bytes, { flag: 'wx' });
			await rename(partial, path);
		},
		async get(key) {
			const path = pathOf(key);
			const found = await stat(path).catch(() => null);
			if (!found?.isFile()) return null;
			return Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>;
		},
		async delete(key) {
			await rm(pathOf(key), { force: true });
		}
	};
}

export interface S3Options {
	endpoint: string;
	bucket: string;
	region: string;
	accessKeyId: string;
	secretAccessKey: string;
	/** `https://host/bucket/key` (MinIO) rather than `https://bucket.host/key` (OSS, COS and AWS prefer this) */
	forcePathStyle: boolean;
}

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export function s3Store(opts: S3Options): BlobStore {
	const client = new AwsClient({
		accessKeyId: opts.accessKeyId,
		secretAccessKey: opts.secretAccessKey,
		service: 's3',
		region: opts.region,
		retries: 2
	});
	const base = new URL(opts.endpoint);
	const urlOf = (key: string) => {
		const path = checkedKey(key).split('/').map(encodeURIComponent).join('/');
		const url = new URL(base);
		const prefix = base.pathname.replace(/\/+$/, '');
		if (opts.forcePathStyle) url.pathname = `${prefix}/${encodeURIComponent(opts.bucket)}/${path}`;
		else {
			url.hostname = `${opts.bucket}.${base.hostname}`;
			url.pathname = `${prefix}/${path}`;
		}
		return url;
	};
	const failure = async (what: string, res: Response) =>
		new Error(`S3 ${what} failed: ${res.status} ${(await res.text().catch(() => '')).slice(0, 300)}`);
	return {
		async put(key, bytes, mime) {
			// The payload's own hash, signed: every S3-compatible store accepts it, not all accept UNSIGNED-PAYLOAD.
			const res = await client.fetch(urlOf(key), {
				method: 'PUT',
				body: bytes as Uint8Array<ArrayBuffer>,
				headers: {
					'content-type': mime,
					'x-amz-content-sha256': createHash('sha256').update(bytes).digest('hex')
				}
			});
			if (!res.ok) throw await failure(`PUT ${key}`, res);
			await res.body?.cancel();
		},
		async get(key) {
			const res = await client.fetch(urlOf(key), { method: 'GET', headers: { 'x-amz-content-sha256': EMPTY_SHA256 } });
			if (res.status === 404) {
				await res.body?.cancel();
				return null;
			}
			if (!res.ok || !res.body) throw await failure(`GET ${key}`, res);
			return res.body;
		},
		async delete(key) {
			const res = await client.fetch(urlOf(key), { method: 'DELETE', headers: { 'x-amz-content-sha256': EMPTY_SHA256 } });
			if (!res.ok && res.status !== 404) throw await failure(`DELETE ${key}`, res);
			await res.body?.cancel();
		}
	};
}

/** The store the environment asks for: S3 when S3_ENDPOINT and S3_BUCKET are set, else FILES_DIR or .data/files. */
export function storeFromEnv(env: NodeJS.ProcessEnv = process.env): BlobStore {
	if (env.S3_ENDPOINT && env.S3_BUCKET) {
		return s3Store({
			endpoint: env.S3_ENDPOINT,
			bucket: env.S3_BUCKET,
			region: env.S3_REGION || 'us-east-1',
			accessKeyId: env.S3_ACCESS_KEY_ID ?? '',
			secretAccessKey: env.S3_SECRET_ACCESS_KEY ?? '',
			forcePathStyle: !['false', '0', 'no'].includes((env.S3_FORCE_PATH_STYLE ?? 'true').toLowerCase())
		});
	}
	// The server runs from the project root (scripts/lib/serve.ts), so the default sits beside .data/pg.
	return localStore(env.FILES_DIR || resolve(process.cwd(), '.data', 'files'));
}

let current: BlobStore | null = null;

/** The app's one store, made on first use. */
export function blobStore(): BlobStore {
	current ??= storeFromEnv();
	return current;
}
