// A local stand-in for qyapi.weixin.qq.com that checks every request the way WeCom does (path, query, method,
// JSON shape, field limits) and answers with WeCom's own shapes and codes. Members named `hang`, `ghost` and
// `busy` get no answer, 81013 and 45009.
import { randomUUID } from 'node:crypto';
import { brokenText, jsonBody, useFakeIm, utf8Bytes as bytes, type FakeIm } from './fake-im.ts';

export const WECOM = {
	corpId: 'ww5f1c0ffee0d15ea5',
	secret: 'app-secret-for-tests',
	agentId: 1000002,
	origin: 'https://huiying.example.gov.cn'
} as const;

export interface Textcard {
	title: string;
	description: string;
	url: string;
	btntxt: string;
}
export interface SentCard {
	touser: string;
	textcard: Textcard;
}

interface WeComState {
	/** cards WeCom accepted, in order */
	sent: SentCard[];
	/** msgid → when it was sent (the stand-in's clock), for recall's 24-hour rule */
	msgids: Map<string, number>;
	recalled: string[];
}

const hint = () => `hint: [${Date.now()}${Math.floor(Math.random() * 1e9)}], from ip: 127.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query`;

function checkTextcard(body: Record<string, unknown>): string[] {
	const problems: string[] = [];
	const card = body.textcard as Partial<Textcard> | undefined;
	if (typeof body.touser !== 'string' || !body.touser || body.touser.includes('|')) problems.push('touser must name one member');
	if (body.msgtype !== 'textcard') problems.push(`msgtype ${String(body.msgtype)}`);
	if (body.agentid !== WECOM.agentId) problems.push(`agentid ${String(body.agentid)} is not the app's integer AgentId`);
	if (body.enable_duplicate_check !== 1) problems.push('enable_duplicate_check');
	if (body.duplicate_check_interval !== 1800) problems.push('duplicate_check_interval');
	if (!card || typeof card !== 'object') return [...problems, 'textcard missing'];
	const { title, description, url, btntxt } = card;
	if (typeof title !== 'string' || !title || bytes(title) > 128 || brokenText(title)) problems.push(`title (${bytes(String(title))} bytes)`);
	if (typeof description !== 'string' || !description || bytes(description) > 512 || brokenText(description)) {
		problems.push(`description (${bytes(String(description))} bytes)`);
	}
	if (typeof url !== 'string' || bytes(url) > 2048 || !/^https?:\/\//.test(url) || new URL(url).origin !== WECOM.origin) problems.push(`url ${String(url)}`);
	// the button reads in the recipient's language: 查看, or View
	if (btntxt !== '查看' && btntxt !== 'View') problems.push(`btntxt ${String(btntxt)}`);
	return problems;
}

export function useFakeWeCom(): FakeIm<WeComState> {
	return useFakeIm<WeComState>({
		tokenPath: '/cgi-bin/gettoken',
		credentials: { corpid: WECOM.corpId, corpsecret: WECOM.secret },
		refuseCredentials: (param) =>
			param === 'corpid' ? { errcode: 40013, errmsg: `invalid corpid, ${hint()}` } : { errcode: 40001, errmsg: `invalid credential, ${hint()}` },
		issueToken: (n) => {
			const token = `tok-${n}-${randomUUID()}`;
			return { token, answer: { errcode: 0, errmsg: 'ok', access_token: token, expires_in: 7200 } };
		},
		unknownToken: () => ({ errcode: 40014, errmsg: `invalid access_token, ${hint()}` }),
		expiredToken: () => ({ errcode: 42001, errmsg: `access_token expired, ${hint()}` }),
		fresh: () => ({ sent: [], msgids: new Map(), recalled: [] }),
		routes: {
			'/cgi-bin/message/send': {
				method: 'POST',
				handle(x, state) {
					if (!(x.req.headers['content-type'] ?? '').startsWith('application/json')) state.problems.push('content-type');
					const body = jsonBody(x.raw);
					if (!body) {
						state.problems.push('body is not UTF-8 JSON');
						return x.answer({ errcode: 47001, errmsg: `data format error, ${hint()}` });
					}
					const problems = checkTextcard(body);
					if (problems.length) {
						state.problems.push(...problems);
						return x.answer({ errcode: 40035, errmsg: `invalid param, ${hint()}` });
					}
					const touser = body.touser as string;
					if (touser === 'hang') return x.hang();
					if (touser === 'ghost') return x.answer({ errcode: 81013, errmsg: `user & party & tag all invalid, ${hint()}`, invaliduser: 'ghost' });
					if (touser === 'busy') return x.answer({ errcode: 45009, errmsg: `api freq out of limit, ${hint()}` });
					state.sent.push({ touser, textcard: body.textcard as Textcard });
					const msgid = `msg-${state.sent.length}-${randomUUID()}`;
					state.msgids.set(msgid, Date.now());
					return x.answer({ errcode: 0, errmsg: 'ok', msgid });
				}
			},
			// 撤回应用消息: POST {msgid}; only a message of this app, sent within 24 hours, and only once.
			'/cgi-bin/message/recall': {
				method: 'POST',
				handle(x, state) {
					const body = jsonBody(x.raw) ?? {};
					if (Object.keys(body).join() !== 'msgid' || typeof body.msgid !== 'string') state.problems.push(`recall body ${x.raw.toString('utf8')}`);
					const sentAt = state.msgids.get(String(body.msgid));
					// unknown, already recalled or older than a day: refused as a bad parameter
					if (sentAt === undefined || Date.now() - sentAt > 24 * 3_600_000) return x.answer({ errcode: 40035, errmsg: `invalid msgid, ${hint()}` });
					state.msgids.delete(String(body.msgid));
					state.recalled.push(String(body.msgid));
					return x.answer({ errcode: 0, errmsg: 'ok' });
				}
			}
		},
		unknownPath: (x) => x.answer('', 404)
	});
}
