// What the WeCom and DingTalk clients share: one HTTP call with a timeout, turned into text or into the
// failure an office admin reads; and an access token cached until shortly before it expires.
import { text, type Text } from '../../i18n/index.ts';
import type { SendOutcome } from './channel.ts';
import { seconds } from './text.ts';

export type Failure = Extract<SendOutcome, { ok: false }>;

/** The platform's answer as text, or why there is none (`platform` opens each reason: 企业微信, 钉钉). */
export async function callPlatform(
	platform: Text,
	fetch: typeof globalThis.fetch,
	url: URL,
	init: RequestInit,
	timeoutMs: number
): Promise<{ ok: true; text: string } | { ok: false; failure: Failure }> {
	let res: Response;
	let body: string;
	try {
		res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
		body = await res.text();
	} catch (error) {
		if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
			return { ok: false, failure: { ok: false, retryable: true, reason: text('notify.reason.timeout', { platform, seconds: seconds(timeoutMs) }) } };
		}
		const code = (error as { cause?: { code?: string } }).cause?.code;
		const reason = code ? text('notify.reason.unreachable', { platform, code }) : text('notify.reason.unreachable_unknown', { platform });
		return { ok: false, failure: { ok: false, retryable: true, reason } };
	}
	if (!res.ok) {
		const retryable = res.status === 429 || res.status >= 500;
		const after = Number(res.headers.get('retry-after'));
		return {
			ok: false,
			failure: {
				ok: false,
				retryable,
				reason: text(retryable ? 'notify.reason.server_down' : 'notify.reason.bad_address', { platform, status: res.status }),
				...(retryable && after > 0 ? { retryAfterMs: after * 1_000 } : {})
			}
		};
	}
	return { ok: true, text: body };
}

// Within this long of expires_in the token is renewed first, so a slow send never carries a just-expired one.
const TOKEN_RENEW_EARLY_MS = 5 * 60_000;

export type TokenResult = { token: string } | { failure: Failure };

/**
 * The cached access token, or one fetch shared by every send that needs it (both platforms rate-limit
 * gettoken). `fetchToken` answers the token and its expires_in in seconds.
 */
export function tokenCache(now: () => number, fetchToken: () => Promise<{ token: string; expiresIn: unknown } | { failure: Failure }>) {
	let token: { value: string; renewAt: number } | null = null;
	let fetching: Promise<TokenResult> | null = null;
	return {
		get(): Promise<TokenResult> {
			if (token && now() < token.renewAt) return Promise.resolve({ token: token.value });
			fetching ??= fetchToken()
				.then((got): TokenResult => {
					if ('failure' in got) return got;
					const lifetimeMs = (typeof got.expiresIn === 'number' && got.expiresIn > 0 ? got.expiresIn : 7_200) * 1_000;
					token = { value: got.token, renewAt: now() + Math.max(lifetimeMs - TOKEN_RENEW_EARLY_MS, lifetimeMs / 2) };
					return { token: got.token };
				})
				.finally(() => {
					fetching = null;
				});
			return fetching;
		},
		/** Forgets only the token that failed: a concurrent send may already have fetched its successor. */
		forget(value: string) {
			if (token?.value === value) token = null;
		}
	};
}
