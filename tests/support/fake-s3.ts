// An S3-compatible store on 127.0.0.1, path-style (`/bucket/key`), doing what MinIO, OSS and COS do where it
// matters to us: PutObject, GetObject and DeleteObject, each refused unless signed with AWS Signature V4 by
// the one key pair it knows, with x-amz-content-sha256 present and, when it is a hash, matching the body.
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeS3Request {
	method: string;
	path: string;
	authorization: string | null;
	contentSha256: string | null;
	/** what was answered */
	status: number;
	/** why a request was refused; null when accepted */
	refusal: string | null;
}

export interface FakeS3 {
	endpoint: string;
	bucket: string;
	region: string;
	accessKeyId: string;
	secretAccessKey: string;
	objects: Map<string, { bytes: Buffer; contentType: string | null }>;
	requests: FakeS3Request[];
	close(): Promise<void>;
}

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** Recomputes the V4 signature from what arrived; a reason when it does not hold, else null. */
function signatureProblem(req: http.IncomingMessage, body: Buffer, s3: Pick<FakeS3, 'accessKeyId' | 'secretAccessKey' | 'region'>): string | null {
	const auth = req.headers.authorization ?? '';
	const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
	if (!m) return 'no AWS4-HMAC-SHA256 authorization';
	const [, keyId, day, region, signedHeaders, signature] = m as unknown as [string, string, string, string, string, string];
	if (keyId !== s3.accessKeyId) return 'unknown access key';
	if (region !== s3.region) return 'wrong region';
	const contentSha = req.headers['x-amz-content-sha256'];
	if (typeof contentSha !== 'string') return 'no x-amz-content-sha256';
	if (contentSha !== 'UNSIGNED-PAYLOAD' && contentSha !== sha256Hex(body)) return 'x-amz-content-sha256 does not match the body';
	const amzDate = req.headers['x-amz-date'];
	if (typeof amzDate !== 'string' || !amzDate.startsWith(day)) return 'no x-amz-date';
	const names = signedHeaders.split(';');
	if (!names.includes('host') || !names.includes('x-amz-content-sha256') || !names.includes('x-amz-date')) return 'required headers not signed';
	const url = new URL(req.url ?? '/', 'http://fake');
	const query = [...url.searchParams]
		.map(([k, v]) => [encodeURIComponent(k), encodeURIComponent(v)])
		.sort(([a], [b]) => (a! < b! ? -1 : 1))
		.map(([k, v]) => `${k}=${v}`)
		.join('&');
	const headers = names.map((n) => `${n}:${String(req.headers[n] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
	const canonical = [req.method, url.pathname, query, headers, signedHeaders, contentSha].join('\n');
	const scope = `${day}/${region}/s3/aws4_request`;
	const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
	const key = hmac(hmac(hmac(hmac(`AWS4${s3.secretAccessKey}`, day), region), 's3'), 'aws4_request');
	return hmac(key, toSign).toString('hex') === signature ? null : 'signature does not match';
}

export async function startFakeS3(opts: { bucket?: string; region?: string } = {}): Promise<FakeS3> {
	const s3 = {
		bucket: opts.bucket ?? 'huiying-files',
		region: opts.region ?? 'cn-east-1',
		accessKeyId: 'HUIYINGTESTKEY',
		secretAccessKey: 'fake-secret-0123456789',
		objects: new Map<string, { bytes: Buffer; contentType: string | null }>(),
		requests: [] as FakeS3Request[]
	};
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const body = Buffer.concat(chunks);
			const path = new URL(req.url ?? '/', 'http://fake').pathname;
			const answer = (status: number, refusal: string | null, payload?: Buffer, headers: Record<string, string> = {}) => {
				s3.requests.push({
					method: req.method ?? '',
					path,
					authorization: req.headers.authorization ?? null,
					contentSha256: (req.headers['x-amz-content-sha256'] as string | undefined) ?? null,
					status,
					refusal
				});
				res.writeHead(status, headers);
				res.end(payload ?? (refusal ? `<Error><Code>AccessDenied</Code><Message>${refusal}</Message></Error>` : undefined));
			};
			const problem = signatureProblem(req, body, s3);
			if (problem) return answer(403, problem);
			const prefix = `/${s3.bucket}/`;
			if (!path.startsWith(prefix) || path.length === prefix.length) return answer(404, 'NoSuchBucket');
			const key = decodeURIComponent(path.slice(prefix.length));
			switch (req.method) {
				case 'PUT':
					s3.objects.set(key, { bytes: body, contentType: req.headers['content-type'] ?? null });
					return answer(200, null, Buffer.alloc(0), { etag: `"${createHash('md5').update(body).digest('hex')}"` });
				case 'GET': {
					const found = s3.objects.get(key);
					if (!found) return answer(404, null, Buffer.from('<Error><Code>NoSuchKey</Code></Error>'));
					return answer(200, null, found.bytes, { 'content-type': found.contentType ?? 'application/octet-stream' });
				}
				case 'DELETE':
					s3.objects.delete(key);
					return answer(204, null);
				default:
					return answer(405, 'method not allowed');
			}
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		...s3,
		endpoint: `http://127.0.0.1:${port}`,
		close: () => new Promise<void>((resolve) => server.close(() => resolve()))
	};
}
