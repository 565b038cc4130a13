// The real senders: Web Push with the app's keys, and WeCom and DingTalk when the office enabled them with
// a secret. The clients live as long as the process; the settings are read again at most once a minute (at
// once after the office changes them) and swapped into the same clients, so an access token lasts its two
// hours and the push sender keeps its signed VAPID tokens and its connections.
import { sql } from '../db.ts';
import { openSecret } from '../security/index.ts';
import type { DingTalkConfig, WeComConfig } from './channels-router.ts';
import { createDingTalkClient, type DingTalkClient, type DingTalkOptions, type DingTalkSettings } from './dingtalk.ts';
import type { Senders } from './pipeline.ts';
import { channelSecretContext, SECRET_FIELD } from './secrets.ts';
import { vapidKeys } from './vapid.ts';
import { createWebPushSender, withRetries, type WebPushSender } from './webpush.ts';
import { createWeComClient, type WeComClient, type WeComOptions, type WeComSettings } from './wecom.ts';

const REFRESH_MS = 60_000;

/** Where the platforms are and how to reach them: the real ones by default; tests point them at stand-ins. */
export interface SenderOptions {
	wecom?: Omit<WeComOptions, keyof WeComSettings>;
	dingtalk?: Omit<DingTalkOptions, keyof DingTalkSettings>;
	/** where a tap lands; ORIGIN by default */
	publicOrigin?: string;
	now?: () => number;
}

export interface AppSenders {
	get(): Promise<Senders>;
	/** After the office changed a channel's settings: the next send uses them. */
	forget(): void;
}

export function createAppSenders(options: SenderOptions = {}): AppSenders {
	const now = options.now ?? Date.now;
	let wecom: WeComClient | null = null;
	let dingtalk: DingTalkClient | null = null;
	let push: { keys: string; sender: WebPushSender } | null = null;
	let current: { at: number; senders: Senders } | null = null;
	let reading: Promise<Senders> | null = null;
	// A read begun before forget() may carry the old settings: it serves its own callers, and is not kept.
	let generation = 0;

	async function read(): Promise<Senders> {
		const started = generation;
		const vapid = await vapidKeys(sql);
		const keys = JSON.stringify([vapid.subject, vapid.publicKey, vapid.privateKey]);
		if (push?.keys !== keys) push = { keys, sender: createWebPushSender({ vapid }) };
		const pushSender = push.sender;

		const publicOrigin = options.publicOrigin ?? process.env.ORIGIN ?? 'http://localhost:3000';
		const channels = await sql<{ channel: string; config: Record<string, unknown> }[]>`
			select channel, config from channel_settings where enabled`;
		const wecomConfig = channels.find((c) => c.channel === 'wecom')?.config as WeComConfig | undefined;
		const dingtalkConfig = channels.find((c) => c.channel === 'dingtalk')?.config as DingTalkConfig | undefined;

		let wecomNow: WeComClient | null = null;
		if (wecomConfig?.secret) {
			const secret = openSecret(wecomConfig.secret, channelSecretContext('wecom', SECRET_FIELD.wecom));
			const settings: WeComSettings = { corpId: wecomConfig.corpId, agentId: Number(wecomConfig.agentId), secret, publicOrigin };
			if (wecom) wecom.configure(settings);
			else wecom = createWeComClient({ ...options.wecom, ...settings });
			wecomNow = wecom;
		}
		let dingtalkNow: DingTalkClient | null = null;
		if (dingtalkConfig?.appSecret) {
			const settings: DingTalkSettings = {
				appKey: dingtalkConfig.appKey,
				appSecret: openSecret(dingtalkConfig.appSecret, channelSecretContext('dingtalk', SECRET_FIELD.dingtalk)),
				agentId: Number(dingtalkConfig.agentId),
				publicOrigin
			};
			if (dingtalk) dingtalk.configure(settings);
			else dingtalk = createDingTalkClient({ ...options.dingtalk, ...settings });
			dingtalkNow = dingtalk;
		}

		const senders: Senders = {
			...(wecomNow ? { wecom: (userId, message) => wecomNow.send(userId, message) } : {}),
			...(dingtalkNow ? { dingtalk: (userId, message) => dingtalkNow.send(userId, message) } : {}),
			recall: {
				...(wecomNow ? { wecom: (msgid: string) => wecomNow.recall(msgid) } : {}),
				...(dingtalkNow ? { dingtalk: (taskId: string) => dingtalkNow.recall(taskId) } : {})
			},
			// A few quick tries for a flaky push service; beyond that the next channel is the better bet.
			webPush: async (device, message) =>
				(
					await withRetries(() => pushSender.send({ endpoint: device.endpoint, keys: { p256dh: device.p256dh, auth: device.auth } }, message), {
						attempts: 3,
						maxMs: 10_000
					})
				).outcome
		};
		if (started === generation) current = { at: now(), senders };
		return senders;
	}

	return {
		get() {
			if (current && now() - current.at < REFRESH_MS) return Promise.resolve(current.senders);
			if (!reading) {
				const r: Promise<Senders> = read().finally(() => {
					if (reading === r) reading = null;
				});
				reading = r;
			}
			return reading;
		},
		forget() {
			generation += 1;
			current = null;
			reading = null;
		}
	};
}

const app = createAppSenders();

/** The senders every job uses, with the office's current settings. */
export const appSenders = (): Promise<Senders> => app.get();

/** After the office changed a channel's settings: the next send uses them. */
export const forgetSenders = (): void => app.forget();
