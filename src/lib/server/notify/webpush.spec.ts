import { render, text, type Text } from '../../i18n/index.ts';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakePushService, type FakePushService } from '../../../../tests/support/fake-push-service.ts';
import { m } from '../../paraglide/messages.js';
import type { OutgoingMessage, SendOutcome } from './channel.ts';
import { createWebPushSender, generateVapidKeys, MAX_PAYLOAD_BYTES, parseRetryAfter, withRetries, type PushPayload } from './webpush.ts';

/** An outcome with its reason read as an office admin in Chinese reads it (the reason is stored as a text). */
const zh = <T,>(o: T): T =>
	o && typeof o === 'object' && 'reason' in o && typeof o.reason === 'object' ? { ...o, reason: render(o.reason as Text, 'zh-CN') } : o;

const vapid = { subject: 'mailto:huiying-admin@example.gov.cn', ...generateVapidKeys() };

let fake: FakePushService;
beforeAll(async () => {
	fake = await startFakePushService();
	// The one local origin the sender may reach, named explicitly as the test harnesses do.
	process.env.HUIYING_TEST_PUSH_ORIGIN = fake.origin;
});
afterAll(() => fake.close());
afterEach(() => {
	// Every request in every test must carry a valid token and a decryptable body.
	expect(fake.rejected).toEqual([]);
	vi.useRealTimers();
});

const message = (over: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
	deliveryId: 'dlv-0001',
	title: '5 小时时限将到：某区暴雨内涝',
	body: '请在 17:30 前发布权威信息。',
	url: '/incidents/42',
	urgency: 'high',
	...over
});

const sender = (timeoutMs?: number) => createWebPushSender({ vapid, agent: fake.agent, ...(timeoutMs ? { timeoutMs } : {}) });

/** What a person sees as separate characters (an emoji family is one). */
const characters = (text: string) => Array.from(new Intl.Segmenter('zh', { granularity: 'grapheme' }).segment(text), (s) => s.segment);

function recordingSleep() {
	const waits: number[] = [];
	return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe('web push payload', () => {
	it('arrives decrypted exactly as sent, with nothing but id, title, body, url and urgency', async () => {
		const sub = fake.createSubscription();
		const outcome = await sender().send(sub, message());
		expect(outcome).toMatchObject({ ok: true, status: 201 });
		const [got] = fake.receivedBy(sub.endpoint);
		expect(got?.payload).toEqual({ id: 'dlv-0001', title: '5 小时时限将到：某区暴雨内涝', body: '请在 17:30 前发布权威信息。', url: '/incidents/42', urgency: 'high' });
	});

	// Shifting the text by a few letters moves where the cut falls, so some cut would split the emoji if it could.
	it.each([0, 1, 2, 3, 5, 8, 13])('cuts a huge body to under 3,000 bytes without splitting a character (shifted by %i)', async (shift) => {
		// An emoji family is one character made of several code points; quotes and newlines grow when JSON-escaped.
		const unit = '👨‍👩‍👧"家\n';
		const body = 'a'.repeat(shift) + unit.repeat(2_000);
		const sub = fake.createSubscription();
		expect(await sender().send(sub, message({ body }))).toMatchObject({ ok: true });
		const [got] = fake.receivedBy(sub.endpoint);
		const payload = got?.payload as PushPayload;
		const bytes = Buffer.byteLength(got?.plaintext ?? '');
		expect(bytes).toBeLessThan(MAX_PAYLOAD_BYTES);
		// Cut no more than it had to: less than one more emoji group would have fitted.
		expect(bytes).toBeGreaterThan(MAX_PAYLOAD_BYTES - 1 - Buffer.byteLength(JSON.stringify(unit)));
		expect(payload.body?.endsWith('…')).toBe(true);
		const kept = payload.body?.slice(0, -1) ?? '';
		const keptCharacters = characters(kept);
		expect(keptCharacters.length).toBeGreaterThan(100);
		expect(keptCharacters).toEqual(characters(body).slice(0, keptCharacters.length));
		expect(payload).toMatchObject({ id: 'dlv-0001', title: message().title, url: '/incidents/42', urgency: 'high' });
	});
});

describe('web push headers', () => {
	it.each([
		['critical', '3600', 'high'],
		['high', '14400', 'high'],
		['normal', '86400', 'normal']
	] as const)('%s: TTL %s s and Urgency %s', async (urgency, ttl, header) => {
		const sub = fake.createSubscription();
		await sender().send(sub, message({ urgency }));
		expect(fake.receivedBy(sub.endpoint)[0]?.headers).toMatchObject({ ttl, urgency: header, contentEncoding: 'aes128gcm' });
	});

	it('turns any clock key into one stable, push-safe Topic, and sends none without one', async () => {
		const sub = fake.createSubscription();
		const topic = 'clock:3f6c1a2e-9b7d-4c4e-8f1a-2b3c4d5e6f70:release-5h';
		const s = sender();
		await s.send(sub, message({ topic }));
		await s.send(sub, message({ topic }));
		await s.send(sub, message());
		const [first, second, none] = fake.receivedBy(sub.endpoint);
		expect(first?.headers.topic).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
		expect(second?.headers.topic).toBe(first?.headers.topic);
		expect(first?.headers.topic).not.toContain('clock');
		expect(none?.headers.topic).toBeUndefined();
	});
});

describe('VAPID', () => {
	it('signs for the push service origin and reuses the token for the next send there', async () => {
		const s = sender();
		const a = fake.createSubscription();
		const b = fake.createSubscription();
		await s.send(a, message());
		await s.send(b, message());
		const [first] = fake.receivedBy(a.endpoint);
		const [second] = fake.receivedBy(b.endpoint);
		expect(first?.claims).toMatchObject({ aud: fake.origin, sub: vapid.subject });
		expect(first?.vapidPublicKey).toBe(vapid.publicKey);
		expect(first?.claims.exp).toBeGreaterThan(Date.now() / 1_000 + 11.9 * 3_600);
		expect(second?.token).toBe(first?.token);
	});

	it('signs afresh once the cached token is 11 hours old', async () => {
		vi.useFakeTimers({ toFake: ['Date'] });
		const s = sender();
		const sub = fake.createSubscription();
		await s.send(sub, message());
		vi.setSystemTime(Date.now() + 11 * 3_600_000 + 60_000);
		await s.send(sub, message());
		const [before, after] = fake.receivedBy(sub.endpoint);
		expect(after?.token).not.toBe(before?.token);
	});

	it('is refused (not retried) by a service whose subscription was made for other keys', async () => {
		const sub = fake.createSubscription({ applicationServerKey: generateVapidKeys().publicKey });
		const outcome = await sender().send(sub, message());
		expect(outcome).toMatchObject({ ok: false, retryable: false, status: 403 });
		fake.rejected.length = 0;
	});
});

describe('push service answers', () => {
	it.each([410, 404])('%i means the subscription is gone for good', async (status) => {
		const sub = fake.createSubscription();
		fake.script(sub.endpoint, { otherwise: { status } });
		const outcome = await sender().send(sub, message());
		expect(zh(outcome)).toEqual({ ok: false, gone: true, retryable: false, status, reason: `Web Push：订阅已失效（${status}）` });
		const { attempts } = await withRetries(() => sender().send(sub, message()), recordingSleep());
		expect(attempts).toBe(1);
	});

	it('waits out a 429 Retry-After, then delivers', async () => {
		const sub = fake.createSubscription();
		fake.script(sub.endpoint, { replies: [{ status: 429, headers: { 'Retry-After': '1' } }, { status: 201 }] });
		const { waits, sleep } = recordingSleep();
		const s = sender();
		const { outcome, attempts } = await withRetries(() => s.send(sub, message()), { sleep, random: () => 0 });
		expect(outcome).toMatchObject({ ok: true });
		expect(attempts).toBe(2);
		expect(waits).toHaveLength(1);
		expect(waits[0]).toBeGreaterThanOrEqual(1_000);
		expect(fake.receivedBy(sub.endpoint).map((r) => r.status)).toEqual([429, 201]);
	});

	it('retries 500s with growing waits, then gives up still retryable so the next channel takes over', async () => {
		const sub = fake.createSubscription();
		fake.script(sub.endpoint, { otherwise: { status: 500 } });
		const { waits, sleep } = recordingSleep();
		const s = sender();
		const { outcome, attempts } = await withRetries(() => s.send(sub, message()), { sleep, random: () => 1 });
		expect(attempts).toBe(4);
		expect(waits).toEqual([500, 1_000, 2_000]);
		expect(zh(outcome)).toMatchObject({ ok: false, retryable: true, status: 500, reason: 'Web Push：推送服务暂时故障（500）' });
		expect(fake.receivedBy(sub.endpoint)).toHaveLength(4);
	});

	it('resends a message the service finds too large with only its id and title', async () => {
		const sub = fake.createSubscription();
		fake.script(sub.endpoint, { maxBodyBytes: 400 });
		const outcome = await sender().send(sub, message({ body: '详细情况'.repeat(200) }));
		expect(outcome).toMatchObject({ ok: true, status: 201 });
		const [tooBig, minimal] = fake.receivedBy(sub.endpoint);
		expect(tooBig?.status).toBe(413);
		expect(minimal?.status).toBe(201);
		expect(minimal?.payload).toEqual({ id: 'dlv-0001', title: message().title });
	});

	it('treats other 4xx answers as permanent', async () => {
		const sub = fake.createSubscription();
		fake.script(sub.endpoint, { otherwise: { status: 400 } });
		expect(await sender().send(sub, message())).toMatchObject({ ok: false, retryable: false, status: 400 });
	});

	it('gives up on a service that never answers, without holding up sends elsewhere', async () => {
		const stuck = fake.createSubscription();
		const fine = fake.createSubscription();
		fake.script(stuck.endpoint, { otherwise: 'hang' });
		const s = sender(300);
		const started = Date.now();
		let fineDoneAt = 0;
		const [hung, delivered] = await Promise.all([
			s.send(stuck, message()),
			s.send(fine, message()).then((outcome) => {
				fineDoneAt = Date.now();
				return outcome;
			})
		]);
		const hungAfter = Date.now() - started;
		expect(hung).toMatchObject({ ok: false, retryable: true });
		expect(hung.ok === false && render(hung.reason, 'zh-CN')).toContain('超时');
		expect(hungAfter).toBeGreaterThanOrEqual(290);
		expect(hungAfter).toBeLessThan(5_000);
		expect(delivered).toMatchObject({ ok: true });
		expect(fineDoneAt - started).toBeLessThan(300);
		expect(fake.receivedBy(stuck.endpoint)[0]?.status).toBeNull();
	});

	it('does not trust the test certificate outside the agent handed to it', async () => {
		const sub = fake.createSubscription();
		const outcome = await createWebPushSender({ vapid }).send(sub, message());
		expect(outcome).toMatchObject({ ok: false, retryable: true });
		expect(fake.receivedBy(sub.endpoint)).toEqual([]);
	});
});

describe('where it connects', () => {
	it('never connects to a local address unless the test setting names exactly that origin', async () => {
		const sub = fake.createSubscription();
		delete process.env.HUIYING_TEST_PUSH_ORIGIN;
		try {
			const outcome = await sender().send(sub, message());
			expect(zh(outcome)).toEqual({ ok: false, retryable: false, reason: m['notify.push_endpoint_refused']({}, { locale: 'zh-CN' }) });
			// Another port of the same host is not the test service either.
			process.env.HUIYING_TEST_PUSH_ORIGIN = fake.origin.replace(/:\d+$/, ':1');
			expect(await sender().send(sub, message())).toMatchObject({ ok: false, retryable: false });
		} finally {
			process.env.HUIYING_TEST_PUSH_ORIGIN = fake.origin;
		}
		expect(fake.receivedBy(sub.endpoint)).toEqual([]);
	});

	it('says only that the service could not be reached, never the network error', async () => {
		const sub = fake.createSubscription();
		// No certificate trust without the agent: a TLS error (DEPTH_ZERO_SELF_SIGNED_CERT) the person must not read.
		const outcome = await createWebPushSender({ vapid }).send(sub, message());
		expect(zh(outcome)).toEqual({ ok: false, retryable: true, reason: m['notify.push_unreachable']({}, { locale: 'zh-CN' }) });
	});
});

describe('withRetries', () => {
	const fail = (over: Partial<Extract<SendOutcome, { ok: false }>> = {}): SendOutcome => ({ ok: false, retryable: true, reason: text('common.verbatim', { text: '失败' }), ...over });

	it('never waits less than Retry-After, and stops early when the service asks for longer than maxMs', async () => {
		const { waits, sleep } = recordingSleep();
		const { outcome, attempts } = await withRetries(async () => fail({ retryAfterMs: 60_000 }), { sleep, maxMs: 30_000 });
		expect(attempts).toBe(1);
		expect(waits).toEqual([]);
		expect(outcome).toMatchObject({ retryable: true, retryAfterMs: 60_000 });
	});

	it('stops at the first permanent failure', async () => {
		const { sleep } = recordingSleep();
		const { attempts } = await withRetries(async () => fail({ retryable: false }), { sleep });
		expect(attempts).toBe(1);
	});

	it('keeps waits within the cap', async () => {
		const { waits, sleep } = recordingSleep();
		await withRetries(async () => fail(), { sleep, attempts: 8, baseMs: 500, maxMs: 4_000, random: () => 1 });
		expect(waits).toEqual([500, 1_000, 2_000, 4_000, 4_000, 4_000, 4_000]);
	});
});

describe('Retry-After', () => {
	it('reads seconds and HTTP dates', () => {
		const now = Date.parse('2025-06-01T08:00:00Z');
		expect(parseRetryAfter('120', now)).toBe(120_000);
		expect(parseRetryAfter('Sun, 01 Jun 2025 08:00:30 GMT', now)).toBe(30_000);
		expect(parseRetryAfter('soon', now)).toBeUndefined();
		expect(parseRetryAfter(undefined, now)).toBeUndefined();
	});
});
