// WeCom (企业微信) application messages: one textcard to one member, sent as the office's self-built app.
// 获取access_token https://developer.work.weixin.qq.com/document/path/91039
// 发送应用消息 https://developer.work.weixin.qq.com/document/path/90236 (textcard, duplicate check, per-member limits)
// 撤回应用消息 https://developer.work.weixin.qq.com/document/path/94867
// 全局错误码 https://developer.work.weixin.qq.com/document/path/90313
import { t, text, type MessageKey, type Text } from '../../i18n/index.ts';
import type { OutgoingMessage, SendOutcome } from './channel.ts';
import { databasePace, type Pace, type PaceLimit } from './pace.ts';
import { callPlatform, tokenCache, type Failure } from './platform.ts';
import { absoluteUrl, fitText, plain, utf8Bytes } from './text.ts';


/** What the office sets on the channel's page (and where taps land): swapped in without a new client. */
export interface WeComSettings {
	/** 企业ID, from 管理后台 → 我的企业 */
	corpId: string;
	/** the self-built app's AgentId */
	agentId: number;
	/** the same app's Secret: each app has its own, and its token only works for that app */
	secret: string;
	/** where a tap lands, e.g. https://huiying.example.gov.cn; message URLs are relative to it */
	publicOrigin: string;
}

export interface WeComOptions extends WeComSettings {
	baseUrl?: string;
	fetch?: typeof globalThis.fetch;
	now?: () => number;
	/** per HTTP call; WeCom answers in well under a second, so after 10 s the answer is not coming */
	timeoutMs?: number;
	/** the per-member counters; by default in PostgreSQL, shared by every app instance */
	pace?: Pace;
}

export interface WeComClient {
	/**
	 * Sends one textcard to `toUserId` (the member's 账号/UserID). A message the per-member limit would make
	 * WeCom drop silently is not sent: it comes back retryable with `retryAfterMs`, and the dispatcher
	 * reschedules it, where a newer message on the same topic replaces it (one card per clock, not a burst).
	 */
	send(toUserId: string, message: OutgoingMessage): Promise<SendOutcome>;
	/** 撤回应用消息 (msgid from send; WeCom allows it within 24 hours of sending). */
	recall(msgid: string): Promise<SendOutcome>;
	/** The office changed the channel's settings: the access token is kept unless the corp ID or Secret changed. */
	configure(settings: WeComSettings): void;
}

/** 每应用对同一个成员不可超过30次/分钟，1000次/小时，超过部分会被丢弃不下发 (发送应用消息). */
export const MEMBER_LIMITS: readonly PaceLimit[] = [
	{ windowMs: 60_000, max: 30, label: 'notify.window.minute' },
	{ windowMs: 3_600_000, max: 1_000, label: 'notify.window.hour' }
];

/** textcard: 标题不超过128个字节、描述不超过512个字节，超过会自动截断 (by bytes, which can split a character). */
export const TITLE_MAX_BYTES = 128;
export const DESCRIPTION_MAX_BYTES = 512;

// WeCom may revoke a token early (运营需要); these answers mean "fetch a new one", once.
const TOKEN_ERRORS = new Set([40001, 40014, 42001]);

// 按分钟拦截则被屏蔽60秒 (访问频率限制); a concurrency refusal clears as soon as in-flight calls finish.
const THROTTLED: Record<number, { what: MessageKey; retryAfterMs: number }> = {
	// 接口调用频率超限
	45009: { what: 'notify.what.rate_limited', retryAfterMs: 60_000 },
	// 接口并发调用超限
	45033: { what: 'notify.what.concurrency_limited', retryAfterMs: 2_000 }
};
// 系统繁忙, 数据版本冲突
const TRANSIENT: Record<number, MessageKey> = { [-1]: 'notify.what.busy', 6000: 'notify.what.version_conflict' };
const MEMBER_UNREACHABLE: Record<number, MessageKey> = {
	81013: 'notify.what.member_invisible',
	60111: 'notify.what.member_missing',
	40003: 'notify.what.member_invalid',
	46004: 'notify.what.member_not_found'
};
const MISCONFIGURED: Record<number, MessageKey> = {
	40001: 'notify.what.bad_secret',
	40013: 'notify.what.bad_corp_id',
	40056: 'notify.what.bad_agent_id',
	301002: 'notify.what.secret_agent_mismatch',
	60020: 'notify.what.ip_untrusted',
	48002: 'notify.what.no_send_permission'
};

const WECOM: Text = text('channel.wecom');
/** "企业微信：<what>（<code>）", and its kin, as stored texts. */
const coded = (what: MessageKey, code: string | number): Text => text('notify.reason.coded', { platform: WECOM, what: text(what), code: String(code) });

/** The longest whole-character prefix whose (encoded) form fits `maxBytes` UTF-8 bytes; an ellipsis marks a cut. */
export const truncateUtf8 = (text: string, maxBytes: number, encode?: (piece: string) => string): string =>
	fitText(text, maxBytes, utf8Bytes, encode);

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** The description is rendered as HTML (div classes, br): what people typed stays text. */
const escapeHtml = (piece: string) => (piece === '\n' ? '<br>' : piece.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c));

/** What the member sees: the urgency word (highlighted when it is not routine), then the body, inside 512 bytes. */
export function textcardDescription(message: Pick<OutgoingMessage, 'body' | 'urgency'>): string {
	const label = t(`urgency.${message.urgency}`);
	const head = message.urgency === 'normal' ? `<div class="gray">${label}</div>` : `<div class="highlight">${label}</div>`;
	const open = '<div class="normal">';
	const close = '</div>';
	const room = DESCRIPTION_MAX_BYTES - utf8Bytes(head + open + close);
	return head + open + truncateUtf8(plain(message.body), room, escapeHtml) + close;
}

export function textcardTitle(title: string): string {
	return truncateUtf8(plain(title).replace(/\n/g, ' '), TITLE_MAX_BYTES);
}

/** Whether a `|`-separated user list from WeCom names `userId` (it lower-cases userids in its answers). */
const listed = (list: unknown, userId: string) =>
	typeof list === 'string' && list.toLowerCase().split('|').includes(userId.toLowerCase());

/** `unsent`: no token, so nothing reached WeCom. */
type Reply = { ok: true; body: Record<string, unknown> } | { ok: false; failure: Failure; unsent?: true };

export function createWeComClient(options: WeComOptions): WeComClient {
	const {
		baseUrl = 'https://qyapi.weixin.qq.com',
		fetch = globalThis.fetch,
		now = Date.now,
		timeoutMs = 10_000,
		pace = databasePace('wecom', MEMBER_LIMITS)
	} = options;
	let settings: WeComSettings = { corpId: options.corpId, agentId: options.agentId, secret: options.secret, publicOrigin: options.publicOrigin };

	async function call(path: string, init: RequestInit = {}): Promise<Reply> {
		const answer = await callPlatform(WECOM, fetch, new URL(path, baseUrl), init, timeoutMs);
		if (!answer.ok) return answer;
		try {
			const body: unknown = JSON.parse(answer.text);
			if (body && typeof body === 'object' && typeof (body as { errcode?: unknown }).errcode === 'number') {
				return { ok: true, body: body as Record<string, unknown> };
			}
		} catch {
			// fall through: an HTML error page from a proxy says nothing we can act on
		}
		return { ok: false, failure: { ok: false, retryable: true, reason: text('notify.reason.unreadable', { platform: WECOM }) } };
	}

	/** The reason an admin reads for an errcode, and whether trying again later can help. */
	function failureFor(errcode: number): Failure {
		const throttled = THROTTLED[errcode];
		const code = String(errcode);
		if (throttled) return { ok: false, retryable: true, retryAfterMs: throttled.retryAfterMs, reason: coded(throttled.what, code) };
		const transient = TRANSIENT[errcode];
		if (transient) return { ok: false, retryable: true, reason: text('notify.reason.retry_later', { platform: WECOM, what: text(transient), code }) };
		const member = MEMBER_UNREACHABLE[errcode];
		if (member) return { ok: false, retryable: false, reason: coded(member, code) };
		const config = MISCONFIGURED[errcode];
		if (config) return { ok: false, retryable: false, reason: text('notify.reason.check_settings', { platform: WECOM, what: text(config), code }) };
		// Anything else is a request WeCom refuses as such; sending it again would be refused again.
		return { ok: false, retryable: false, reason: text('notify.reason.refused', { platform: WECOM, code }) };
	}

	/** The token of one corp ID and Secret: a fetch still under way when they change fills a cache nobody reads. */
	const tokensFor = ({ corpId, secret }: WeComSettings) =>
		tokenCache(now, async () => {
			const query = new URLSearchParams({ corpid: corpId, corpsecret: secret });
			const reply = await call(`/cgi-bin/gettoken?${query}`);
			if (!reply.ok) return { failure: reply.failure };
			const { errcode, access_token: value, expires_in: expiresIn } = reply.body;
			if (errcode !== 0) return { failure: failureFor(Number(errcode)) };
			if (typeof value !== 'string' || !value) return { failure: { ok: false, retryable: true, reason: text('notify.reason.no_token', { platform: WECOM }) } };
			return { token: value, expiresIn };
		});
	let tokens = tokensFor(settings);

	function post(path: string, accessTokenValue: string, body: string): Promise<Reply> {
		return call(`${path}?${new URLSearchParams({ access_token: accessTokenValue })}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json; charset=utf-8' },
			body
		});
	}

	/** One call with the app's token; a token WeCom revoked early is fetched again, once. */
	async function postWithToken(path: string, body: string): Promise<Reply> {
		let got = await tokens.get();
		if ('failure' in got) return { ok: false, failure: got.failure, unsent: true };
		let reply = await post(path, got.token, body);
		if (reply.ok && TOKEN_ERRORS.has(Number(reply.body.errcode))) {
			tokens.forget(got.token);
			got = await tokens.get();
			if ('failure' in got) return { ok: false, failure: got.failure };
			reply = await post(path, got.token, body);
			if (reply.ok && TOKEN_ERRORS.has(Number(reply.body.errcode))) {
				return { ok: false, failure: { ok: false, retryable: true, reason: text('notify.reason.token_revoked_coded', { platform: WECOM, code: String(reply.body.errcode) }) } };
			}
		}
		return reply;
	}

	return {
		async send(toUserId, message) {
			const slot = await pace.reserve(toUserId, now());
			if (!slot.ok) {
				return {
					ok: false,
					retryable: true,
					retryAfterMs: slot.heldMs,
					reason: text('notify.wecom.paced', { window: text(slot.limit.label), max: slot.limit.max })
				};
			}
			const { agentId, publicOrigin } = settings;
			const body = JSON.stringify({
				touser: toUserId,
				msgtype: 'textcard',
				agentid: agentId,
				textcard: {
					title: textcardTitle(message.title),
					description: textcardDescription(message),
					url: absoluteUrl(publicOrigin, message.url),
					btntxt: t('notify.card.open')
				},
				// A retry of a send that did arrive (timed out on our side) is the same JSON: WeCom shows it once.
				enable_duplicate_check: 1,
				duplicate_check_interval: 1_800
			});

			const reply = await postWithToken('/cgi-bin/message/send', body);
			// Not sent at all (no token): the slot goes back to the member's pace.
			if (!reply.ok && reply.unsent) await slot.release();
			if (!reply.ok) return reply.failure;

			const errcode = Number(reply.body.errcode);
			if (errcode !== 0) return failureFor(errcode);
			// With one recipient WeCom answers 81013 when it is invalid, but a partial answer is read the same way.
			if (listed(reply.body.invaliduser, toUserId)) {
				return { ok: false, retryable: false, reason: coded(MEMBER_UNREACHABLE[81013]!, 'invaliduser') };
			}
			if (listed(reply.body.unlicenseduser, toUserId)) {
				return { ok: false, retryable: false, reason: text('notify.wecom.unlicensed') };
			}
			const msgid = reply.body.msgid;
			return typeof msgid === 'string' && msgid ? { ok: true, providerMessageId: msgid } : { ok: true };
		},

		async recall(msgid) {
			const reply = await postWithToken('/cgi-bin/message/recall', JSON.stringify({ msgid }));
			if (!reply.ok) return reply.failure;
			const errcode = Number(reply.body.errcode);
			return errcode === 0 ? { ok: true } : failureFor(errcode);
		},

		configure(next) {
			if (next.corpId !== settings.corpId || next.secret !== settings.secret) tokens = tokensFor(next);
			settings = { corpId: next.corpId, agentId: next.agentId, secret: next.secret, publicOrigin: next.publicOrigin };
		}
	};
}
