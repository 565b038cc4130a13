// DingTalk (钉钉) work notifications (工作通知): one action card to one user, sent as the office's internal app.
// 获取企业内部应用的access_token https://open.dingtalk.com/document/orgapp/obtain-orgapp-token
// 发送工作通知 https://open.dingtalk.com/document/orgapp/asynchronous-sending-of-enterprise-session-messages
// 撤回工作通知消息 https://open.dingtalk.com/document/orgapp/notification-of-work-withdrawal
// 错误码 https://developers.dingtalk.com/document/app/server-api-error-codes-1 · 调用频率限制 https://help.dingtalk.io/open/development/call-frequency-limit
import { t, text, type MessageKey, type Text } from '../../i18n/index.ts';
import type { OutgoingMessage, SendOutcome } from './channel.ts';
import { callPlatform, tokenCache, type Failure } from './platform.ts';
import { absoluteUrl, fitText, plain } from './text.ts';


/** What the office sets on the channel's page (and where taps land): swapped in without a new client. */
export interface DingTalkSettings {
	/** the internal app's AppKey and AppSecret, from 开发者后台 → 应用详情 → 凭证与基础信息 */
	appKey: string;
	appSecret: string;
	/** the same app's AgentId: work notifications appear under its name */
	agentId: number;
	/** where a tap lands, e.g. https://huiying.example.gov.cn; message URLs are relative to it */
	publicOrigin: string;
}

export interface DingTalkOptions extends DingTalkSettings {
	baseUrl?: string;
	fetch?: typeof globalThis.fetch;
	now?: () => number;
	/** per HTTP call; after 10 s the answer is not coming */
	timeoutMs?: number;
}

export interface DingTalkClient {
	/**
	 * Sends one action card to `toUserId` (the user's userid). DingTalk accepts it asynchronously: `ok` with the
	 * task_id means the request was accepted, not that the phone showed it (getsendresult tells that).
	 */
	send(toUserId: string, message: OutgoingMessage): Promise<SendOutcome>;
	/** 撤回工作通知消息, by the task_id send returned. */
	recall(taskId: string): Promise<SendOutcome>;
	/** The office changed the channel's settings: the access token is kept unless the AppKey or AppSecret changed. */
	configure(settings: DingTalkSettings): void;
}

/** "消息内容，最长不超过2048个字节" for the whole msg. */
export const MSG_MAX_BYTES = 2_048;
/** DingTalk's limit for a card title (34016 消息内容长度超过限制: title 64). */
export const TITLE_MAX_CHARS = 64;

// oapi wraps authentication failures as errcode 88 with the real cause in sub_code (a string), e.g. "40014".
const TOKEN_ERRORS = new Set(['40001', '40014', '41001', '42001']);

const THROTTLED: Record<number, { what: MessageKey; retryAfterMs: number }> = {
	// the app's own per-interface limit (每个应用调用每个接口 40 次/秒): the next second is free again
	90018: { what: 'notify.what.app_rate_limited', retryAfterMs: 1_000 },
	90019: { what: 'notify.what.app_rate_limited', retryAfterMs: 1_000 },
	// every organisation's calls together hit the interface's ceiling; DingTalk advises backing off 1 s, 2 s, 4 s…
	90002: { what: 'notify.what.global_limited', retryAfterMs: 2_000 },
	// "暂时禁用" without a stated length: a minute before the next look
	90001: { what: 'notify.what.server_banned', retryAfterMs: 60_000 },
	90003: { what: 'notify.what.corp_banned', retryAfterMs: 60_000 },
	90004: { what: 'notify.what.app_key_banned', retryAfterMs: 60_000 },
	90005: { what: 'notify.what.corp_overused', retryAfterMs: 60_000 },
	90006: { what: 'notify.what.app_overused', retryAfterMs: 60_000 },
	45009: { what: 'notify.what.over_limit', retryAfterMs: 60_000 }
};
const MEMBER_UNREACHABLE: Record<number, MessageKey> = {
	33012: 'notify.what.user_invalid',
	40003: 'notify.what.user_malformed',
	60111: 'notify.what.user_missing',
	60121: 'notify.what.user_not_found',
	50002: 'notify.what.user_out_of_scope'
};
/** What the office set wrong; `settings`: the reason sends them to the channel's settings. */
const MISCONFIGURED: Record<number, { what: MessageKey; settings?: true }> = {
	40089: { what: 'notify.what.bad_app_key', settings: true },
	40096: { what: 'notify.what.bad_app_key', settings: true },
	40056: { what: 'notify.what.bad_agent_id', settings: true },
	52019: { what: 'notify.what.bad_agent_id', settings: true },
	60011: { what: 'notify.what.no_notify_permission' },
	60020: { what: 'notify.what.ip_not_listed' },
	90020: { what: 'notify.what.quota_used' }
};

const DINGTALK: Text = text('channel.dingtalk');
const coded = (what: MessageKey, code: string): Text => text('notify.reason.coded', { platform: DINGTALK, what: text(what), code });

const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

// Counted in UTF-16 units, as DingTalk's Java side does: never fewer than the characters seen.
const charCost = (piece: string) => piece.length;
/** Bytes a piece adds inside a JSON string: CJK stays raw UTF-8, a line break becomes \n. */
const jsonCost = (piece: string) => jsonBytes(piece) - 2;

/** What people typed stays text: no links or images of its own, and a line break stays a line break. */
const markdownText = (text: string) => plain(text).replace(/\]\(/g, '] (').replace(/\n/g, '\n\n');

export function cardTitle(title: string): string {
	return fitText(plain(title).replace(/\n/g, ' '), TITLE_MAX_CHARS, charCost);
}

/**
 * The card body: heading, urgency, the text, and the delivery id. DingTalk shows a user only one message of
 * identical content a day, so the id keeps a new notice that repeats an earlier one's words from vanishing;
 * a retry of the same delivery stays identical, and DingTalk shows it at most once.
 */
export function cardMarkdown(message: OutgoingMessage, singleUrl: string): string {
	const title = cardTitle(message.title);
	const label = t(`urgency.${message.urgency}`);
	const head = `#### ${markdownText(title)}\n\n${message.urgency === 'normal' ? label : `**${label}**`}\n\n`;
	const foot = `\n\n${t('notify.card.number', { id: message.deliveryId })}`;
	const shell = { msgtype: 'action_card', action_card: { title, markdown: head + foot, single_title: t('notify.card.open'), single_url: singleUrl } };
	const room = MSG_MAX_BYTES - jsonBytes(shell);
	return head + fitText(markdownText(message.body), room, jsonCost) + foot;
}

type Reply = { ok: true; body: Record<string, unknown>; text: string } | { ok: false; failure: Failure };

export function createDingTalkClient(options: DingTalkOptions): DingTalkClient {
	const { baseUrl = 'https://oapi.dingtalk.com', fetch = globalThis.fetch, now = Date.now, timeoutMs = 10_000 } = options;
	let settings: DingTalkSettings = { appKey: options.appKey, appSecret: options.appSecret, agentId: options.agentId, publicOrigin: options.publicOrigin };

	async function call(path: string, init: RequestInit = {}): Promise<Reply> {
		const answer = await callPlatform(DINGTALK, fetch, new URL(path, baseUrl), init, timeoutMs);
		if (!answer.ok) return answer;
		const raw = answer.text;
		let body: unknown;
		try {
			body = JSON.parse(raw);
		} catch {
			// The IP limit (20 s / 10,000 calls, then 5 minutes' ban) may answer with an HTML page instead of JSON.
			return { ok: false, failure: { ok: false, retryable: true, reason: text('notify.dingtalk.unreadable_ip') } };
		}
		if (body && typeof body === 'object') {
			const record = body as Record<string, unknown>;
			if (record.punish === 'deny') {
				// The IP limit's JSON form: {"status":1111,"wait":5,"punish":"deny"}, a ban of `wait` minutes.
				const minutes = typeof record.wait === 'number' && record.wait > 0 ? record.wait : 5;
				return { ok: false, failure: { ok: false, retryable: true, retryAfterMs: minutes * 60_000, reason: text('notify.dingtalk.ip_limited') } };
			}
			if (typeof record.errcode === 'number') return { ok: true, body: record, text: raw };
		}
		return { ok: false, failure: { ok: false, retryable: true, reason: text('notify.reason.unreadable', { platform: DINGTALK }) } };
	}

	/** The reason an admin reads for an errcode (and sub_code under 88), and whether trying again later can help. */
	function failureFor(body: Record<string, unknown>): Failure {
		const errcode = Number(body.errcode);
		const subCode = Number(body.sub_code);
		const code = errcode === 88 && Number.isFinite(subCode) ? subCode : errcode;
		const shown = errcode === 88 ? `88/${String(body.sub_code ?? '')}` : String(errcode);
		const throttled = THROTTLED[code];
		if (throttled) return { ok: false, retryable: true, retryAfterMs: throttled.retryAfterMs, reason: coded(throttled.what, shown) };
		if (code === -1) return { ok: false, retryable: true, reason: text('notify.reason.retry_later', { platform: DINGTALK, what: text('notify.what.busy'), code: shown }) };
		const member = MEMBER_UNREACHABLE[code];
		if (member) return { ok: false, retryable: false, reason: coded(member, shown) };
		const config = MISCONFIGURED[code];
		if (config?.settings) return { ok: false, retryable: false, reason: text('notify.reason.check_settings', { platform: DINGTALK, what: text(config.what), code: shown }) };
		if (config) return { ok: false, retryable: false, reason: coded(config.what, shown) };
		// Anything else is a request DingTalk refuses as such; sending it again would be refused again.
		return { ok: false, retryable: false, reason: text('notify.reason.refused', { platform: DINGTALK, code: shown }) };
	}

	const isTokenError = (body: Record<string, unknown>) =>
		TOKEN_ERRORS.has(String(body.errcode === 88 ? body.sub_code : body.errcode));

	/** The token of one AppKey and AppSecret: a fetch still under way when they change fills a cache nobody reads. */
	const tokensFor = ({ appKey, appSecret }: DingTalkSettings) =>
		tokenCache(now, async () => {
			const reply = await call(`/gettoken?${new URLSearchParams({ appkey: appKey, appsecret: appSecret })}`);
			if (!reply.ok) return { failure: reply.failure };
			const { errcode, access_token: value, expires_in: expiresIn } = reply.body;
			if (errcode !== 0) return { failure: failureFor(reply.body) };
			if (typeof value !== 'string' || !value) return { failure: { ok: false, retryable: true, reason: text('notify.reason.no_token', { platform: DINGTALK }) } };
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

	/** One call with the app's token; a token DingTalk revoked early is fetched again, once. */
	async function postWithToken(path: string, body: string): Promise<Reply> {
		let got = await tokens.get();
		if ('failure' in got) return { ok: false, failure: got.failure };
		let reply = await post(path, got.token, body);
		if (reply.ok && isTokenError(reply.body)) {
			tokens.forget(got.token);
			got = await tokens.get();
			if ('failure' in got) return { ok: false, failure: got.failure };
			reply = await post(path, got.token, body);
			if (reply.ok && isTokenError(reply.body)) return { ok: false, failure: { ok: false, retryable: true, reason: text('notify.reason.token_revoked', { platform: DINGTALK }) } };
		}
		return reply;
	}

	return {
		async send(toUserId, message) {
			const { agentId, publicOrigin } = settings;
			const singleUrl = absoluteUrl(publicOrigin, message.url);
			const body = JSON.stringify({
				agent_id: agentId,
				userid_list: toUserId,
				msg: {
					msgtype: 'action_card',
					action_card: { title: cardTitle(message.title), markdown: cardMarkdown(message, singleUrl), single_title: t('notify.card.open'), single_url: singleUrl }
				}
			});

			const reply = await postWithToken('/topapi/message/corpconversation/asyncsend_v2', body);
			if (!reply.ok) return reply.failure;
			if (reply.body.errcode !== 0) return failureFor(reply.body);
			// task_id can outgrow a double's exact integers, so it is read from the text, digit for digit.
			const taskId = /"task_id"\s*:\s*"?(\d+)/.exec(reply.text)?.[1];
			return taskId ? { ok: true, providerMessageId: taskId } : { ok: true };
		},

		async recall(taskId) {
			// Written by hand: the task id is kept digit for digit, beyond a double's exact integers.
			if (!/^\d{1,30}$/.test(taskId)) return { ok: false, retryable: false, reason: text('notify.dingtalk.bad_task') };
			const reply = await postWithToken('/topapi/message/corpconversation/recall', `{"agent_id":${settings.agentId},"msg_task_id":${taskId}}`);
			if (!reply.ok) return reply.failure;
			return reply.body.errcode === 0 ? { ok: true } : failureFor(reply.body);
		},

		configure(next) {
			if (next.appKey !== settings.appKey || next.appSecret !== settings.appSecret) tokens = tokensFor(next);
			settings = { appKey: next.appKey, appSecret: next.appSecret, agentId: next.agentId, publicOrigin: next.publicOrigin };
		}
	};
}
