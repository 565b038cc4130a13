// The real senders, built from the keys and the office's channel settings (WeCom and DingTalk when
// enabled with a secret). Rebuilt when the settings
// change, at most once a minute.
import { sql } from '../db.ts';
import type { Senders } from './pipeline.ts';
import { vapidKeys } from './vapid.ts';
import type { DingTalkConfig, WeComConfig } from './channels-router.ts';
import { createDingTalkClient } from './dingtalk.ts';
import { createWeComClient } from './wecom.ts';
import { createWebPushSender, withRetries } from './webpush.ts';

const REBUILD_MS = 60_000;
let cached: { at: number; senders: Senders } | null = null;

export async function appSenders(): Promise<Senders> {
	if (cached && Date.now() - cached.at < REBUILD_MS) return cached.senders;
	const vapid = await vapidKeys(sql);
	const push = createWebPushSender({ vapid });
	const publicOrigin = process.env.ORIGIN ?? 'http://localhost:3000';
	const channels = await sql<{ channel: string; config: Record<string, unknown> }[]>`
		select channel, config from channel_settings where enabled`;
	const wecom = channels.find((c) => c.channel === 'wecom')?.config as WeComConfig | undefined;
	const dingtalk = channels.find((c) => c.channel === 'dingtalk')?.config as DingTalkConfig | undefined;
	const wecomClient = wecom?.secret ? createWeComClient({ ...wecom, agentId: Number(wecom.agentId), publicOrigin }) : null;
	const dingtalkClient = dingtalk?.appSecret ? createDingTalkClient({ ...dingtalk, agentId: Number(dingtalk.agentId), publicOrigin }) : null;
	const senders: Senders = {
		...(wecomClient ? { wecom: (userId, message) => wecomClient.send(userId, message) } : {}),
		...(dingtalkClient ? { dingtalk: (userId, message) => dingtalkClient.send(userId, message) } : {}),
		recall: {
			...(wecomClient ? { wecom: (msgid: string) => wecomClient.recall(msgid) } : {}),
			...(dingtalkClient ? { dingtalk: (taskId: string) => dingtalkClient.recall(taskId) } : {})
		},
		// A few quick tries for a flaky push service; beyond that the next channel is the better bet.
		webPush: async (device, message) =>
			(await withRetries(() => push.send({ endpoint: device.endpoint, keys: { p256dh: device.p256dh, auth: device.auth } }, message), { attempts: 3, maxMs: 10_000 }))
				.outcome
	};
	cached = { at: Date.now(), senders };
	return senders;
}

/** After the office changed a channel's settings: the next send uses them. */
export function forgetSenders(): void {
	cached = null;
}
