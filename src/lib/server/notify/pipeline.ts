// Beyond the inbox: each notice goes to the person's channels in their order (Web Push, then WeCom or
// DingTalk where configured). A delivery not received within the fallback window, or failed, moves to
// the next channel; an acknowledgement on any channel stops the rest for that step.
import type { Urgency } from '../../clocks.ts';
import { sql, type Tx } from '../db.ts';
import type { ChannelName, OutgoingMessage, SendOutcome } from './channel.ts';
import { forgetEndpoint, markDeviceResult, type DeviceRow } from './devices.ts';
import { issueDeliveryToken } from './tokens.ts';
import type { Subject } from '../clocks/queries.ts';
import { addEvent } from '../timeline/queries.ts';

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
	/** another worker is sending this step to this person right now */
	sending: boolean;
	acknowledged: boolean;
}

// Longer than any one send takes (three pushes of 10 s each with their waits; WeCom's token and message):
// a row still unfinished after this was left by a worker that died, and the job's retry moves past it.
const SENDING_SECONDS = 120;

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
	const tried = await db<{ channel: string; sending: boolean }[]>`
		select channel, (channel <> 'inbox' and attempts = 0 and created_at > now() - make_interval(secs => ${SENDING_SECONDS})) as sending
		from deliveries where clock_id = ${n.clockId} and step_index = ${n.stepIndex} and recipient_id = ${n.recipientId}`;
	const [ack] = await db`
		select 1 from clock_acknowledgements where clock_id = ${n.clockId} and step_index >= ${n.stepIndex} limit 1`;
	return {
		...inbox,
		order: person.channelOrder,
		externalIds: Object.fromEntries(ids.map((i) => [i.channel, i.externalId])),
		enabled: new Set(enabled.map((e) => e.channel)),
		devices,
		tried: new Set(tried.map((t) => t.channel)),
		sending: tried.some((t) => t.sending),
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
	// While a channel is still being tried, the next one is not: that would tell the person twice at once.
	if (!ctx || ctx.acknowledged || ctx.sending) return { channel: null, deliveryId: null, outcome: null };
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
	try {
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
	} catch (error) {
		// Finished as failed, so the job's retry moves on instead of waiting for a send that is not happening.
		await sql`update deliveries set attempts = attempts + 1, updated_at = now(), status = 'failed', failed_at = now(),
			failure = '发送中断（服务器内部错误）' where id = ${deliveryId} and status = 'queued'`.catch(() => {});
		throw error;
	}

	await sql`
		update deliveries set attempts = attempts + 1, updated_at = now(),
			-- a receipt or 收到 from the phone that answered first stands while slower phones are still tried
			status = case when status = 'queued' then ${outcome.ok ? 'sent' : 'failed'} else status end,
			sent_at = ${outcome.ok ? new Date() : null},
			failed_at = ${outcome.ok ? null : new Date()},
			failure = ${outcome.ok ? null : outcome.reason},
			provider_message_id = ${outcome.ok ? (outcome.providerMessageId ?? null) : null}
		where id = ${deliveryId}`;
	await recordOnTimeline(deliveryId, outcome.ok ? 'delivery.sent' : 'delivery.failed', outcome.ok ? null : outcome.reason);
	return { channel, deliveryId, outcome };
}

/** Which channel reached whom, and when: the evidence on the subject's timeline. */
export async function recordOnTimeline(deliveryId: string, kind: 'delivery.sent' | 'delivery.failed' | 'delivery.received' | 'delivery.opened', reason: string | null = null): Promise<void> {
	const [d] = await sql<{ subject: Subject['type']; subjectId: string; rule: string; person: string; channel: string }[]>`
		select c.subject, c.subject_id, c.rule_name as rule, p.name as person, d.channel
		from deliveries d join clocks c on c.id = d.clock_id join people p on p.id = d.recipient_id
		where d.id = ${deliveryId}`;
	if (!d) return;
	await addEvent(sql, { type: d.subject, id: d.subjectId }, kind, null, { rule: d.rule, person: d.person, channel: d.channel, ...(reason ? { reason } : {}) });
}

export async function fallbackSeconds(): Promise<number> {
	const [row] = await sql<{ value: number }[]>`select value from settings where key = 'notify.fallback_seconds'`;
	return Number(row?.value ?? 60);
}
