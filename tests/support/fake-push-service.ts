// A push service on 127.0.0.1 that behaves like FCM or Mozilla's autopush where it matters to us: it checks the
// VAPID token, decrypts the aes128gcm body as a browser would, records what arrived and answers as scripted.
// Tests and benchmarks hand its `agent` to the sender; nothing here loosens TLS for the rest of the process.
import { createECDH, createPublicKey, generateKeyPairSync, randomBytes, randomUUID, sign, verify, type ECDH } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import ece from 'http_ece';

export interface Subscription {
	endpoint: string;
	keys: { p256dh: string; auth: string };
}

export interface Reply {
	status: number;
	headers?: Record<string, string>;
}

/** One answer: a status (with headers), or never answering at all. */
export type Step = Reply | 'hang';

export interface EndpointScript {
	/** answers used in order, one per request */
	replies?: Step[];
	/** the answer once `replies` is used up (default 201 Created) */
	otherwise?: Step;
	/** encrypted bodies larger than this get 413, whatever the script says */
	maxBodyBytes?: number;
}

export interface ReceivedPush {
	endpoint: string;
	at: number;
	/** what was answered; null while hanging */
	status: number | null;
	headers: { ttl?: string; urgency?: string; topic?: string; contentEncoding?: string };
	/** the VAPID JWT exactly as sent, so tests can see whether it was reused */
	token: string;
	claims: { aud: string; exp: number; sub: string };
	vapidPublicKey: string;
	bodyBytes: number;
	plaintext: string;
	payload: unknown;
}

export interface RejectedPush {
	endpoint: string;
	status: number;
	reason: string;
}

export interface FakePushService {
	/** https://127.0.0.1:PORT — what the VAPID `aud` must be */
	origin: string;
	/** trusts this service's certificate and nothing else; pass it to the sender */
	agent: https.Agent;
	/** the certificate in PEM, for clients other than node:https */
	ca: string;
	received: ReceivedPush[];
	/** requests that failed VAPID or decryption checks: a correct sender leaves this empty */
	rejected: RejectedPush[];
	/** A browser-like subscription; with `applicationServerKey`, other VAPID keys are refused (403) as real services do. */
	createSubscription(options?: { applicationServerKey?: string }): Subscription;
	script(endpoint: string, script: EndpointScript): void;
	receivedBy(endpoint: string): ReceivedPush[];
	clear(): void;
	close(): Promise<void>;
}

interface Registered {
	ecdh: ECDH;
	auth: Buffer;
	applicationServerKey?: string;
	script: EndpointScript;
}

export async function startFakePushService(): Promise<FakePushService> {
	const { key, cert } = selfSignedCertificate('127.0.0.1');
	const server = https.createServer({ key, cert });
	const sockets = new Set<Socket>();
	const subscriptions = new Map<string, Registered>();
	const received: ReceivedPush[] = [];
	const rejected: RejectedPush[] = [];
	let messages = 0;

	server.on('connection', (socket: Socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});

	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	const origin = `https://127.0.0.1:${port}`;

	server.on('request', (req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const endpoint = origin + (req.url ?? '');
			const body = Buffer.concat(chunks);
			const answer = (status: number, headers: Record<string, string> = {}) => {
				res.writeHead(status, headers);
				res.end();
			};
			const reject = (status: number, reason: string) => {
				rejected.push({ endpoint, status, reason });
				answer(status);
			};

			const id = req.method === 'POST' ? /^\/push\/([\w-]+)$/.exec(req.url ?? '')?.[1] : undefined;
			const sub = id ? subscriptions.get(id) : undefined;
			if (!sub) return answer(404);

			const vapid = checkVapid(req.headers.authorization, origin, sub.applicationServerKey);
			if ('error' in vapid) return reject(vapid.status, vapid.error);
			const contentEncoding = req.headers['content-encoding'];
			if (contentEncoding !== 'aes128gcm') return reject(400, `content-encoding ${contentEncoding ?? 'missing'}`);

			let plaintext: string;
			let payload: unknown;
			try {
				plaintext = ece.decrypt(body, { version: 'aes128gcm', privateKey: sub.ecdh, authSecret: sub.auth }).toString('utf8');
				payload = JSON.parse(plaintext);
			} catch (error) {
				return reject(400, `undecryptable body: ${(error as Error).message}`);
			}

			const step: Step =
				sub.script.maxBodyBytes !== undefined && body.length > sub.script.maxBodyBytes
					? { status: 413 }
					: (sub.script.replies?.shift() ?? sub.script.otherwise ?? { status: 201 });
			const record: ReceivedPush = {
				endpoint,
				at: Date.now(),
				status: step === 'hang' ? null : step.status,
				headers: {
					ttl: header(req.headers.ttl),
					urgency: header(req.headers.urgency),
					topic: header(req.headers.topic),
					contentEncoding
				},
				token: vapid.token,
				claims: vapid.claims,
				vapidPublicKey: vapid.k,
				bodyBytes: body.length,
				plaintext,
				payload
			};
			received.push(record);
			// Hanging means exactly that: the socket stays open until the client gives up or close() runs.
			if (step === 'hang') return;
			const headers = step.status === 201 ? { Location: `${origin}/message/${++messages}`, ...step.headers } : step.headers;
			answer(step.status, headers);
		});
	});

	const agent = new https.Agent({ ca: cert, keepAlive: true });

	return {
		origin,
		agent,
		ca: cert,
		received,
		rejected,
		createSubscription(options = {}) {
			const ecdh = createECDH('prime256v1');
			ecdh.generateKeys();
			const auth = randomBytes(16);
			const id = randomUUID();
			subscriptions.set(id, { ecdh, auth, applicationServerKey: options.applicationServerKey, script: {} });
			return {
				endpoint: `${origin}/push/${id}`,
				keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') }
			};
		},
		script(endpoint, script) {
			const id = endpoint.slice(`${origin}/push/`.length);
			const sub = subscriptions.get(id);
			if (!sub) throw new Error(`unknown endpoint ${endpoint}`);
			sub.script = { ...script, replies: [...(script.replies ?? [])] };
		},
		receivedBy: (endpoint) => received.filter((r) => r.endpoint === endpoint),
		clear() {
			received.length = 0;
			rejected.length = 0;
		},
		async close() {
			agent.destroy();
			const closed = new Promise<void>((resolve) => server.close(() => resolve()));
			for (const socket of sockets) socket.destroy();
			await closed;
		}
	};
}

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(', ') : value);

type VapidCheck =
	| { token: string; k: string; claims: { aud: string; exp: number; sub: string } }
	| { status: number; error: string };

/** RFC 8292: `vapid t=<ES256 JWT>, k=<P-256 public key>`, aud the service origin, exp within 24 h, sub present. */
function checkVapid(authorization: string | undefined, origin: string, expectedKey: string | undefined): VapidCheck {
	const match = /^vapid\s+(.*)$/i.exec(authorization ?? '');
	if (!match?.[1]) return { status: 401, error: 'no vapid authorization' };
	const params = new Map(
		match[1].split(',').map((part) => {
			const at = part.indexOf('=');
			return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
		})
	);
	const token = params.get('t');
	const k = params.get('k');
	if (!token || !k) return { status: 401, error: 'vapid t or k missing' };
	const [head, body, signature] = token.split('.');
	if (!head || !body || !signature) return { status: 401, error: 'malformed jwt' };

	let claims: { aud?: unknown; exp?: unknown; sub?: unknown };
	try {
		const header = JSON.parse(Buffer.from(head, 'base64url').toString()) as { alg?: unknown };
		if (header.alg !== 'ES256') return { status: 401, error: `jwt alg ${String(header.alg)}` };
		claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as typeof claims;
		const point = Buffer.from(k, 'base64url');
		if (point.length !== 65 || point[0] !== 4) return { status: 401, error: 'k is not an uncompressed P-256 point' };
		const publicKey = createPublicKey({
			key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') },
			format: 'jwk'
		});
		const valid = verify('sha256', Buffer.from(`${head}.${body}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
		if (!valid) return { status: 403, error: 'jwt signature does not verify with k' };
	} catch (error) {
		return { status: 401, error: `unreadable jwt: ${(error as Error).message}` };
	}

	const now = Date.now() / 1_000;
	if (claims.aud !== origin) return { status: 403, error: `aud ${String(claims.aud)} is not ${origin}` };
	if (typeof claims.exp !== 'number' || claims.exp <= now) return { status: 403, error: 'jwt expired' };
	if (claims.exp > now + 24 * 3_600) return { status: 403, error: 'jwt exp more than 24 h ahead' };
	if (typeof claims.sub !== 'string' || !/^(mailto:|https:)/.test(claims.sub)) return { status: 403, error: 'sub missing' };
	if (expectedKey && k !== expectedKey) return { status: 403, error: 'k is not the subscription applicationServerKey' };
	return { token, k, claims: { aud: claims.aud, exp: claims.exp, sub: claims.sub } };
}

// --- a throwaway self-signed certificate, built with node:crypto alone so the tests need no openssl binary ---

function der(tag: number, ...parts: Buffer[]): Buffer {
	const content = Buffer.concat(parts);
	const n = content.length;
	const length = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
	return Buffer.concat([Buffer.from([tag]), length, content]);
}

function oid(dotted: string): Buffer {
	const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
	const bytes = [40 * a + b];
	for (const arc of rest) {
		const base128 = [arc & 0x7f];
		for (let v = arc >> 7; v > 0; v >>= 7) base128.unshift((v & 0x7f) | 0x80);
		bytes.push(...base128);
	}
	return der(0x06, Buffer.from(bytes));
}

const utcTime = (date: Date) => der(0x17, Buffer.from(date.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z'));

/** An ECDSA P-256 certificate for one IP address, valid for a day, signed by its own key. */
function selfSignedCertificate(ip: string): { key: string; cert: string } {
	const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
	const name = der(0x30, der(0x31, der(0x30, oid('2.5.4.3'), der(0x0c, Buffer.from(ip)))));
	const ecdsaWithSha256 = der(0x30, oid('1.2.840.10045.4.3.2'));
	const serial = randomBytes(8);
	// positive and without a leading zero byte, as DER integers must be
	serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x01;
	const now = Date.now();
	const subjectAltName = der(0x30, oid('2.5.29.17'), der(0x04, der(0x30, der(0x87, Buffer.from(ip.split('.').map(Number))))));
	const tbs = der(
		0x30,
		der(0xa0, der(0x02, Buffer.from([2]))),
		der(0x02, serial),
		ecdsaWithSha256,
		name,
		der(0x30, utcTime(new Date(now - 60_000)), utcTime(new Date(now + 86_400_000))),
		name,
		publicKey.export({ type: 'spki', format: 'der' }),
		der(0xa3, der(0x30, subjectAltName))
	);
	const signature = sign('sha256', tbs, privateKey);
	const certificate = der(0x30, tbs, ecdsaWithSha256, der(0x03, Buffer.from([0]), signature));
	const pem = certificate.toString('base64').replace(/.{1,64}/g, '$&\n');
	return {
		key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
		cert: `-----BEGIN CERTIFICATE-----\n${pem}-----END CERTIFICATE-----\n`
	};
}
