// Web Push delivery: encrypts one small JSON payload per subscription (RFC 8291), signs VAPID once per push
// service and reuses it, and turns the push service's answer into a SendOutcome the dispatcher can act on.
import { createHash } from 'node:crypto';
import https from 'node:https';
import { isIP } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import webpush, { type VapidKeys } from 'web-push';
import type { Urgency } from '../../clocks.ts';
import { text } from '../../i18n/index.ts';
import type { OutgoingMessage, SendOutcome } from './channel.ts';
import { seconds } from './text.ts';
import { allowedEndpointUrl, EndpointRefused, isPublicAddress, isTestPushOrigin, publicOnlyLookup } from './endpoints.ts';

export interface PushSubscriptionJson {
	endpoint: string;
	keys: { p256dh: string; auth: string };
}

export interface VapidDetails {
	subject: string;
	publicKey: string;
	privateKey: string;
}

export type WebPushOutcome = SendOutcome & { status?: number };

export interface WebPushSender {
	send(subscription: PushSubscriptionJson, message: OutgoingMessage): Promise<WebPushOutcome>;
}

/** What the service worker receives: enough to show the notification and report the receipt, nothing more. */
export interface PushPayload {
	id: string;
	token?: string;
	title: string;
	body?: string;
	url?: string;
	urgency?: Urgency;
	/** false: no "收到" button (the notice is answered on its own screen) */
	ack?: boolean;
	/** replaces the notification of the same delivery quietly: it is done */
	settled?: boolean;
}

/** Push services accept about 4 KB encrypted; 3,000 bytes of plaintext leaves room for the record overhead on every one. */
export const MAX_PAYLOAD_BYTES = 3_000;

const HOUR = 3_600;
/** How long a push service keeps an undelivered message, in seconds: a stale alert on a phone that was off only confuses. */
export const TTL_SECONDS: Record<Urgency, number> = {
	// critical ladder steps come at most an hour apart, so the next one supersedes an older copy
	critical: 1 * HOUR,
	// a high reminder still helps anywhere inside the 5-hour release clock
	high: 4 * HOUR,
	// routine notices still matter the next working day
	normal: 24 * HOUR
};

// web-push signs for 12 h by default; we refresh an hour early so a token never expires in flight.
const VAPID_LIFETIME_S = 12 * HOUR;
const VAPID_REFRESH_AFTER_MS = 11 * HOUR * 1_000;

/** RFC 8030 topics: at most 32 characters of the URL-safe base64 alphabet. */
export function pushTopic(topic: string): string {
	// Hashed always, so any clock key fits and the push service never sees our identifiers.
	return createHash('sha256').update(topic).digest('base64url').slice(0, 32);
}

const graphemes = new Intl.Segmenter('zh', { granularity: 'grapheme' });
const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/** Cuts `text` to the longest whole-grapheme prefix (plus an ellipsis) whose JSON-escaped form fits `budget` bytes. */
function fitText(text: string, budget: number): string {
	const ellipsis = '…';
	let used = jsonBytes(ellipsis) - 2;
	if (used > budget) return '';
	let out = '';
	for (const { segment } of graphemes.segment(text)) {
		// JSON escaping is per character, so the cost of a prefix is the sum of its parts.
		const cost = jsonBytes(segment) - 2;
		if (used + cost > budget) break;
		used += cost;
		out += segment;
	}
	return out + ellipsis;
}

/** The JSON the service worker reads, its body (then, if need be, its title) shortened to stay under MAX_PAYLOAD_BYTES. */
export function buildPayload(message: OutgoingMessage): string {
	const full: PushPayload = { id: message.deliveryId, token: message.token, title: message.title, body: message.body, url: message.url, urgency: message.urgency, ...(message.acknowledgeable === false ? { ack: false } : {}), ...(message.settled ? { settled: true } : {}) };
	const json = JSON.stringify(full);
	if (Buffer.byteLength(json) < MAX_PAYLOAD_BYTES) return json;
	const room = MAX_PAYLOAD_BYTES - 1 - jsonBytes({ ...full, body: '' });
	if (room >= 0) return JSON.stringify({ ...full, body: fitText(message.body, room) });
	// A title this long is a bug upstream, but the person still gets the start of it.
	const titleRoom = MAX_PAYLOAD_BYTES - 1 - jsonBytes({ ...full, title: '', body: '' });
	return JSON.stringify({ ...full, title: fitText(message.title, titleRoom), body: '' });
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
	const raw = Array.isArray(value) ? value[0] : value;
	if (!raw) return undefined;
	const trimmed = raw.trim();
	if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1_000;
	const at = Date.parse(trimmed);
	return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

interface PushResponse {
	status: number;
	headers: Record<string, string | string[] | undefined>;
}

class PushTimeout extends Error {}

function post(endpoint: URL, headers: Record<string, string | number>, body: Buffer, timeoutMs: number, agent?: https.Agent) {
	return new Promise<PushResponse>((resolve, reject) => {
		// Every address the name resolves to is checked as the socket connects: the checked address is the one used.
		const lookup = isTestPushOrigin(endpoint) ? undefined : publicOnlyLookup;
		const req = https.request(endpoint, { method: 'POST', headers, agent, ...(lookup ? { lookup } : {}) });
		// A wall-clock deadline: a socket timeout alone never fires on a server that trickles bytes.
		const timer = setTimeout(() => req.destroy(new PushTimeout()), timeoutMs);
		req.on('response', (res) => {
			clearTimeout(timer);
			// Drained so a keep-alive socket goes back to the pool; the body says nothing we act on.
			res.resume();
			resolve({ status: res.statusCode ?? 0, headers: res.headers });
		});
		req.on('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		req.end(body);
	});
}

export function createWebPushSender(options: { vapid: VapidDetails; timeoutMs?: number; agent?: https.Agent }): WebPushSender {
	const { vapid, timeoutMs = 10_000, agent } = options;
	const vapidByOrigin = new Map<string, { authorization: string; refreshAt: number }>();

	function authorization(origin: string): string {
		const now = Date.now();
		const cached = vapidByOrigin.get(origin);
		if (cached && now < cached.refreshAt) return cached.authorization;
		const exp = Math.floor(now / 1_000) + VAPID_LIFETIME_S;
		const { Authorization } = webpush.getVapidHeaders(origin, vapid.subject, vapid.publicKey, vapid.privateKey, 'aes128gcm', exp);
		vapidByOrigin.set(origin, { authorization: Authorization, refreshAt: now + VAPID_REFRESH_AFTER_MS });
		return Authorization;
	}

	async function attempt(subscription: PushSubscriptionJson, message: OutgoingMessage, payload: string): Promise<WebPushOutcome> {
		// Only a real push service, on a public address: never a connection into our own network.
		const url = allowedEndpointUrl(subscription.endpoint);
		const literal = url?.hostname.replace(/^\[(.*)\]$/, '$1');
		if (!url || (literal && isIP(literal) && !isTestPushOrigin(url) && !isPublicAddress(literal))) {
			return { ok: false, retryable: false, reason: text('notify.push_endpoint_refused') };
		}
		let origin: string;
		let body: Buffer;
		try {
			origin = url.origin;
			body = webpush.encrypt(subscription.keys.p256dh, subscription.keys.auth, payload, 'aes128gcm').cipherText;
		} catch {
			return { ok: false, retryable: false, reason: text('notify.webpush.cannot_encrypt') };
		}
		let signature: string;
		try {
			signature = authorization(origin);
		} catch {
			return { ok: false, retryable: false, reason: text('notify.webpush.bad_vapid') };
		}
		const headers: Record<string, string | number> = {
			Authorization: signature,
			TTL: TTL_SECONDS[message.urgency],
			Urgency: message.urgency === 'normal' ? 'normal' : 'high',
			'Content-Encoding': 'aes128gcm',
			'Content-Type': 'application/octet-stream',
			'Content-Length': body.length,
			...(message.topic ? { Topic: pushTopic(message.topic) } : {})
		};

		let res: PushResponse;
		try {
			res = await post(url, headers, body, timeoutMs, agent);
		} catch (error) {
			if (error instanceof PushTimeout) {
				return { ok: false, retryable: true, reason: text('notify.webpush.timeout', { seconds: seconds(timeoutMs) }) };
			}
			if (error instanceof EndpointRefused) {
				// A name that resolves inside a network stays refused; one that does not resolve may come back.
				if (error.problem === 'unresolvable') return { ok: false, retryable: true, reason: text('notify.push_unreachable') };
				return { ok: false, retryable: false, reason: text('notify.push_endpoint_refused') };
			}
			// The network's own words (ECONNREFUSED, a certificate error) would describe our network to whoever reads them.
			return { ok: false, retryable: true, reason: text('notify.push_unreachable') };
		}

		const { status } = res;
		if (status >= 200 && status < 300) {
			const location = res.headers.location;
			return { ok: true, status, ...(typeof location === 'string' ? { providerMessageId: location } : {}) };
		}
		if (status === 404 || status === 410) {
			return { ok: false, gone: true, retryable: false, status, reason: text('notify.webpush.gone', { status }) };
		}
		if (status === 429 || status >= 500) {
			const retryAfterMs = parseRetryAfter(res.headers['retry-after']);
			const reason = text(status === 429 ? 'notify.webpush.too_many' : 'notify.webpush.service_down', { status });
			return { ok: false, retryable: true, status, reason, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
		}
		// A rejected VAPID token must not be reused on the next attempt.
		if (status === 401 || status === 403) vapidByOrigin.delete(origin);
		if (status === 413) return { ok: false, retryable: false, status, reason: text('notify.webpush.too_large', { status }) };
		const why = status === 401 || status === 403 ? 'notify.webpush.signature_refused' : 'notify.webpush.refused';
		return { ok: false, retryable: false, status, reason: text(why, { status }) };
	}

	return {
		async send(subscription, message) {
			const outcome = await attempt(subscription, message, buildPayload(message));
			if (outcome.ok || outcome.status !== 413) return outcome;
			// Some services cap payloads below the spec; the title alone still tells the person to open the app.
			// Still enough to show it, report its receipt and take "收到".
			const minimal: PushPayload = { id: message.deliveryId, token: message.token, title: message.title };
			return attempt(subscription, message, JSON.stringify(minimal));
		}
	};
}

export interface RetryOptions {
	attempts?: number;
	baseMs?: number;
	maxMs?: number;
	sleep?: (ms: number) => Promise<unknown>;
	random?: () => number;
}

/**
 * Calls `attempt` until it succeeds, the address is gone, the failure is permanent or the attempts run out.
 * Waits use exponential backoff with full jitter, but never less than the provider's Retry-After. A Retry-After
 * longer than `maxMs` ends the loop early: the last outcome keeps `retryAfterMs` so the caller can reschedule.
 * When attempts run out the outcome stays `retryable: true`, which tells the caller to try the next channel.
 */
export async function withRetries<T extends SendOutcome>(
	attempt: () => Promise<T>,
	options: RetryOptions = {}
): Promise<{ outcome: T; attempts: number }> {
	const { attempts = 4, baseMs = 500, maxMs = 30_000, sleep = (ms: number) => delay(ms), random = Math.random } = options;
	let made = 0;
	for (;;) {
		const outcome = await attempt();
		made += 1;
		if (outcome.ok || !outcome.retryable || outcome.gone || made >= attempts) return { outcome, attempts: made };
		const backoff = random() * Math.min(maxMs, baseMs * 2 ** (made - 1));
		const wait = Math.max(backoff, outcome.retryAfterMs ?? 0);
		if (wait > maxMs) return { outcome, attempts: made };
		await sleep(wait);
	}
}

/** A new VAPID key pair (base64url), for first-time setup. */
export const generateVapidKeys = (): VapidKeys => webpush.generateVAPIDKeys();
