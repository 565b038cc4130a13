// Beyond the inbox: each notice goes to the person's channels in their order (Web Push, then WeCom or
// DingTalk where configured). A delivery not received within the fallback window, or failed, moves to
// the next channel; an acknowledgement on any channel stops the rest for that step.
import type { Urgency } from '../../clocks.ts';
import { sql, type Tx } from '../db.ts';
import type { ChannelName, OutgoingMessage, SendOutcome } from './channel.ts';
import { forgetEndpoint, markDeviceResult, type DeviceRow } from './devices.ts';
import { issueDeliveryToken } from './tokens.ts';

export type ExternalChannel = Exclude<ChannelName, 'inbox'>;

/** Where one channel sends; the app wires the real clients, tests wire fakes. */
export interface Senders {
	webPush?: (device: DeviceRow, message: OutgoingMessage) => Promise<SendOutcome>;
	wecom?: (externalId: string, message: OutgoingMessage) => Promise<SendOutcome>;
	dingtalk?: (externalId: string, message: OutgoingMessage) => Promise<SendOutcome>;
	sms?: (externalId: string, message: OutgoingMessage) => Promise<SendOutcome>;
}

export interface Notice {
	clockId: string;
	stepIndex: number;
	recipientId: string;
}

interface Context {
	tier: number;
	dueAt: Date;
	title: string;
	body: string;
	url: string;
	urgency: Urgency;
	order: ExternalChannel[];
	externalIds: Partial<Record<ExternalChannel, string>>;
	enabled: Set<ExternalChannel>;
	devices: DeviceRow[];
	tried: Set<string>;
	acknowledged: boolean;
}

async function contextOf(db: Tx, n: Notice): Promise<Context | null> {
	const [inbox] = await db<{ tier: number; dueAt: Date; title: string; body: string; url: string; urgency: Urgency }[]>`
		select d.tier, d.due_at, n.title, n.body, n.url, n.urgency
		from deliveries d join notifications n on n.id = d.notification_id
		where d.clock_id = ${n.clockId} and d.step_index = ${n.stepIndex} and d.recipient_id = ${n.recipientId} and d.channel = 'inbox'`;
	if (!inbox) return null;
	const [person] = await db<{ channelOrder: ExternalChannel[] }[]>`select channel_order from people where id = ${n.recipientId} and active`;
	if (!person) return null;
	const ids = await db<{ channel: ExternalChannel; externalId: string }[]>`
		select channel, external_id from person_channels where person_id = ${n.recipientId}`;
	const enabled = await db<{ channel: ExternalChannel }[]>`select channel from channel_settings where enabled`;
	const devices = await db<DeviceRow[]>`
		select id, person_id, endpoint, p256dh, auth, vapid_public_key, name, platform, created_at, last_success_at, last_failure_at, last_failure
		from push_devices where person_id = ${n.recipientId}`;
	const tried = await db<{ channel: string }[]>`
		select channel from deliveries where clock_id = ${n.clockId} and step_index = ${n.stepIndex} and recipient_id = ${n.recipientId}`;
	const [ack] = await db`
		select 1 from clock_acknowledgements where clock_id = ${n.clockId} and step_index >= ${n.stepIndex} limit 1`;
	return {
		...inbox,
		order: person.channelOrder,
		externalIds: Object.fromEntries(ids.map((i) => [i.channel, i.externalId])),
		enabled: new Set(enabled.map((e) => e.channel)),
		devices,
		tried: new Set(tried.map((t) => t.channel)),
		acknowledged: ack !== undefined
	};
}

/** The first channel in the person's order that can reach them and was not tried for this step. */
export function nextChannel(ctx: Pick<Context, 'order' | 'externalIds' | 'enabled' | 'devices' | 'tried'>, senders: Senders): ExternalChannel | null {
	for (const channel of ctx.order) {
		if (ctx.tried.has(channel)) continue;
		if (channel === 'web_push' && senders.webPush && ctx.devices.length > 0) return channel;
		if (channel === 'wecom' && senders.wecom && ctx.enabled.has('wecom') && ctx.externalIds.wecom) return channel;
		if (channel === 'dingtalk' && senders.dingtalk && ctx.enabled.has('dingtalk') && ctx.externalIds.dingtalk) return channel;
		if (channel === 'sms' && senders.sms && ctx.enabled.has('sms') && ctx.externalIds.sms) return channel;
	}
	return null;
}

export interface Attempt {
	channel: ExternalChannel | null;
	deliveryId: string | null;
	outcome: SendOutcome | null;
}

/**
 * Sends the notice on the next channel for this person and step. Returns what was tried; the caller
 * schedules the fallback check (or moves on at once after a failure).
 */
export async function sendOnNextChannel(n: Notice, senders: Senders): Promise<Attempt> {
	const ctx = await contextOf(sql, n);
	if (!ctx || ctx.acknowledged) return { channel: null, deliveryId: null, outcome: null };
	const channel = nextChannel(ctx, senders);
	if (!channel) return { channel: null, deliveryId: null, outcome: null };

	const [row] = await sql<{ id: string }[]>`
		insert into deliveries (clock_id, step_index, tier, recipient_id, channel, status, due_at)
		values (${n.clockId}, ${n.stepIndex}, ${ctx.tier}, ${n.recipientId}, ${channel}, 'queued', ${ctx.dueAt})
		on conflict (clock_id, step_index, recipient_id, channel) do nothing
		returning id::text`;
	// Another worker took this channel already.
	if (!row) return { channel, deliveryId: null, outcome: null };
	const deliveryId = row.id;
	const message: OutgoingMessage = { deliveryId, title: ctx.title, body: ctx.body, url: ctx.url, urgency: ctx.urgency, topic: n.clockId };

	let outcome: SendOutcome;
	if (channel === 'web_push') {
		const token = await issueDeliveryToken(sql, deliveryId);
		const results = await Promise.all(
			ctx.devices.map(async (device) => {
				const result = await senders.webPush!(device, { ...message, token });
				if (!result.ok && result.gone) await forgetEndpoint(sql, device.endpoint);
				else await markDeviceResult(sql, device.id, result.ok ? null : result.reason);
				return result;
			})
		);
		outcome = results.find((r) => r.ok) ?? results[0]!;
	} else {
		outcome = await senders[channel === 'wecom' ? 'wecom' : channel === 'dingtalk' ? 'dingtalk' : 'sms']!(ctx.externalIds[channel]!, message);
	}

	await sql`
		update deliveries set attempts = attempts + 1, updated_at = now(),
			status = ${outcome.ok ? 'sent' : 'failed'},
			sent_at = ${outcome.ok ? new Date() : null},
			failed_at = ${outcome.ok ? null : new Date()},
			failure = ${outcome.ok ? null : outcome.reason},
			provider_message_id = ${outcome.ok ? (outcome.providerMessageId ?? null) : null}
		where id = ${deliveryId}`;
	return { channel, deliveryId, outcome };
}

export async function fallbackSeconds(): Promise<number> {
	const [row] = await sql<{ value: number }[]>`select value from settings where key = 'notify.fallback_seconds'`;
	return Number(row?.value ?? 60);
}
