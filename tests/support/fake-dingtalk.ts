// A local stand-in for oapi.dingtalk.com that checks every request the way DingTalk does (path, query, method,
// JSON shape, limits), answers with DingTalk's own shapes and codes, and, like DingTalk, silently drops a
// second message of identical content to the same user. Users named `hang`, `ghost`, `busy`, `crowded` and
// `ip-banned` get no answer, 33012, 90018, 90002 and the IP ban.
import { randomUUID } from 'node:crypto';
import { brokenText, jsonBody, useFakeIm, type FakeIm } from './fake-im.ts';

export const DINGTALK = {
	appKey: 'dingtestappkey0001',
	appSecret: 'app-secret-for-tests',
	agentId: 3000001,
	origin: 'https://huiying.example.gov.cn'
} as const;

// Past 2^53, where JSON.parse would quietly change the last digit.
const FIRST_TASK_ID = 9_007_199_254_740_993n;

export interface ActionCard {
	title: string;
	markdown: string;
	single_title: string;
	single_url: string;
}
export interface Notice {
	userid: string;
	card: ActionCard;
	taskId: string;
}

interface DingTalkState {
	/** notices accepted by the API (errcode 0) */
	accepted: Notice[];
	/** task ids taken back */
	recalled: string[];
	/** of those, the ones the user actually sees: DingTalk shows identical content to a user once a day */
	shown: Notice[];
	seen: Set<string>;
}

const requestId = () => randomUUID().replace(/-/g, '').slice(0, 12);
// oapi wraps authentication failures in errcode 88, the cause in sub_code
const authFailure = (subCode: string, subMsg: string) => ({
	errcode: 88,
	sub_code: subCode,
	sub_msg: subMsg,
	errmsg: `ding talk error[subcode=${subCode},submsg=${subMsg}]`,
	request_id: requestId()
});

function checkNotice(body: Record<string, unknown>): string[] {
	const problems: string[] = [];
	if (body.agent_id !== DINGTALK.agentId) problems.push(`agent_id ${String(body.agent_id)} is not the app's AgentId`);
	if (typeof body.userid_list !== 'string' || !body.userid_list || body.userid_list.includes(',')) problems.push('userid_list must name one user');
	const msg = body.msg as { msgtype?: unknown; action_card?: Partial<ActionCard> } | undefined;
	if (!msg || msg.msgtype !== 'action_card' || !msg.action_card) return [...problems, 'msg must be an action_card'];
	if (Buffer.byteLength(JSON.stringify(msg)) > 2048) problems.push(`msg is ${Buffer.byteLength(JSON.stringify(msg))} bytes`);
	const { title, markdown, single_title: singleTitle, single_url: singleUrl } = msg.action_card;
	if (typeof title !== 'string' || !title || title.length > 64 || brokenText(title)) problems.push(`title ${String(title)}`);
	if (typeof markdown !== 'string' || !markdown || brokenText(markdown)) problems.push('markdown');
	// the button reads in the recipient's language: 查看, or View
	if (singleTitle !== '查看' && singleTitle !== 'View') problems.push(`single_title ${String(singleTitle)}`);
	if (typeof singleUrl !== 'string' || !/^https?:\/\//.test(singleUrl) || new URL(singleUrl).origin !== DINGTALK.origin) problems.push(`single_url ${String(singleUrl)}`);
	return problems;
}

export function useFakeDingTalk(): FakeIm<DingTalkState> {
	return useFakeIm<DingTalkState>({
		tokenPath: '/gettoken',
		credentials: { appkey: DINGTALK.appKey, appsecret: DINGTALK.appSecret },
		refuseCredentials: () => ({ errcode: 40096, errmsg: '不合法的appKey或appSecret' }),
		issueToken: (n) => {
			const token = `${randomUUID().replace(/-/g, '')}${n}`;
			return { token, answer: { errcode: 0, access_token: token, errmsg: 'ok', expires_in: 7200 } };
		},
		unknownToken: () => authFailure('40014', '不合法的access_token'),
		expiredToken: () => authFailure('42001', 'access_token超时'),
		fresh: () => ({ accepted: [], recalled: [], shown: [], seen: new Set() }),
		routes: {
			'/topapi/message/corpconversation/asyncsend_v2': {
				method: 'POST',
				handle(x, state) {
					const body = jsonBody(x.raw);
					if (!body) {
						state.problems.push('body is not UTF-8 JSON');
						return x.answer({ errcode: 40035, errmsg: '不合法的参数', request_id: requestId() });
					}
					const problems = checkNotice(body);
					if (problems.length) {
						state.problems.push(...problems);
						return x.answer({ errcode: 40035, errmsg: '不合法的参数', request_id: requestId() });
					}
					const userid = body.userid_list as string;
					if (userid === 'hang') return x.hang();
					if (userid === 'ghost') return x.answer({ errcode: 33012, errmsg: '无效的USERID', request_id: requestId() });
					if (userid === 'busy') return x.answer({ errcode: 90018, errmsg: '每个企业的每个appkey调用单个接口的频率不可超过40次/秒', request_id: requestId() });
					if (userid === 'crowded') return x.answer({ errcode: 90002, errmsg: '您的服务器调用钉钉开放平台当前接口的所有请求都被暂时禁用了', request_id: requestId() });
					if (userid === 'ip-banned') return x.answer({ status: 1111, wait: 5, source: 'x5', punish: 'deny', uuid: randomUUID() });

					const card = (body.msg as { action_card: ActionCard }).action_card;
					const taskId = String(FIRST_TASK_ID + BigInt(state.accepted.length));
					const notice = { userid, card, taskId };
					state.accepted.push(notice);
					const content = `${userid}\n${JSON.stringify(body.msg)}`;
					if (!state.seen.has(content)) state.shown.push(notice);
					state.seen.add(content);
					// The raw digits, as DingTalk writes them: a number too long for a double.
					return x.answer(`{"errcode":0,"task_id":${taskId},"request_id":"${requestId()}"}`);
				}
			},
			// 撤回工作通知消息: agent_id and msg_task_id, the task id digit for digit as send returned it.
			'/topapi/message/corpconversation/recall': {
				method: 'POST',
				handle(x, state) {
					const text = x.raw.toString('utf8');
					const taskId = /"msg_task_id"\s*:\s*(\d+)/.exec(text)?.[1];
					const agent = jsonBody(x.raw)?.agent_id;
					if (agent !== DINGTALK.agentId) state.problems.push(`recall agent_id ${String(agent)}`);
					const accepted = state.accepted.find((n) => n.taskId === taskId);
					if (!taskId || !accepted || state.recalled.includes(taskId)) return x.answer({ errcode: 40035, errmsg: '不合法的参数', request_id: requestId() });
					state.recalled.push(taskId);
					return x.answer({ errcode: 0, errmsg: 'ok', request_id: requestId() });
				}
			}
		},
		unknownPath: (x) =>
			x.answer({ errcode: 22, sub_msg: `不合法ApiName，ApiName = dingtalk.oapi${x.url.pathname.replace(/\//g, '.')}`, errmsg: 'Invalid method' })
	});
}
