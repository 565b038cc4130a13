// Beyond the inbox: each notice goes to the person's channels in their order (Web Push, then WeCom or
// DingTalk where configured). A delivery not received within the fallback window, or failed, moves to
// the next channel; an acknowledgement on any channel stops the rest for that step. Each notice goes out in
// its recipient's language (people.locale): its title and body, and every word a channel adds.
import type { Urgency } from '../../clocks.ts';
import { render, text, type Locale, type Text } from '../../i18n/index.ts';
import { inLocale, localeOf } from '../locale.ts';
import { sql, type Tx } from '../db.ts';
import type { ChannelName, OutgoingMessage, SendOutcome } from './channel.ts';
import { devicesOf, forgetEndpoint, markDeviceResult, markDevicesReached, type DeviceRow } from './devices.ts';
import { issueDeliveryToken } from './tokens.ts';
import type { Subject } from '../clocks/index.ts';
import { addEvent } from '../timeline/index.ts';
import type { DeliverData } from '../jobs/index.ts';
import { storedText } from './text.ts';

export type ExternalChannel = Exclude<ChannelName, 'inbox'>;

/** Where one channel sends; the app wires the real clients, tests wire fakes. */
export interface Senders {
	webPush?: (device: DeviceRow, message: OutgoingMessage) => Promise<SendOutcome>;
	wecom?: (externalId: string, message: OutgoingMessage) => Promise<SendOutcome>;
	dingtalk?: (externalId: string, message: OutgoingMessage) => Promise<SendOutcome>;
	sms?: (externalId: string, message: OutgoingMessage) => Promise<SendOutcome>;
	/** takes back a message the platform accepted, by the id it returned (notify/withdraw.ts) */
	recall?: Partial<Record<'wecom' | 'dingtalk', (providerMessageId: string) => Promise<SendOutcome>>>;
}

export type Notice = DeliverData;
/** A clock step's notice to one person. */
export type ClockNotice = Extract<DeliverData, { clockId: string }>;

interface Context {
	tier: number;
	dueAt: Date;
	title: Text;
	body: Text;
	url: string;
	/** the recipient's language: the notice is rendered in it */
	locale: Locale;
	urgency: Urgency;
	/** who and what, for the timeline */
	subject: Subject['type'];
	subjectId: string;
	/** the clock's rule, or the notice's own title (a Text) when it has no clock */
	rule: string | Text;
	person: string;
	order: ExternalChannel[];
	externalIds: Partial<Record<ExternalChannel, string>>;
	enabled: Set<ExternalChannel>;
	devices: DeviceRow[];
	tried: Set<string>;
	/** another worker is sending this step to this person right now */
	sending: boolean;
	acknowledged: boolean;
	/** a later step of the same clock already reached this person's inbox: that one is the news now */
	superseded: boolean;
	fallbackSeconds: number;
}

// Longer than any one send takes (three pushes of 10 s each with their waits; WeCom's token and message):
// a row still unfinished after this was left by a worker that died, and the job's retry moves past it.
const SENDING_SECONDS = 120;

// Every job of a big step runs this at once (500 people, 8 × 20 in flight): one query for the notice, the
// person and the step's state, one for the phones, rather than a query for each.
async function contextOf(db: Tx, n: Notice): Promise<Context | null> {
	if ('notificationId' in n) return noticeContextOf(db, n.notificationId, n.recipientId);
	const [row] = await db<ContextRow[]>`
		select d.tier, d.due_at, n.title, n.body, n.url, n.urgency,
			c.subject, c.subject_id, c.rule_name as rule, p.name as person, p.locale, p.channel_order as "order",
			coalesce((select json_object_agg(pc.channel, pc.external_id) from person_channels pc where pc.person_id = p.id), '{}') as external_ids,
			array(select cs.channel from channel_settings cs where cs.enabled) as enabled,
			array(select t.channel from deliveries t where t.clock_id = d.clock_id and t.step_index = d.step_index and t.recipient_id = d.recipient_id) as tried,
			exists (
				select 1 from deliveries t
				where t.clock_id = d.clock_id and t.step_index = d.step_index and t.recipient_id = d.recipient_id
					and t.channel <> 'inbox' and t.attempts = 0 and t.created_at > now() - make_interval(secs => ${SENDING_SECONDS})
			) as sending,
			-- answered (收到) or settled (the clock met or cancelled): no channel tries it further
			(n.settled_at is not null or exists (select 1 from clock_acknowledgements a where a.clock_id = d.clock_id and a.step_index >= d.step_index)) as acknowledged,
			exists (
				select 1 from deliveries l
				where l.clock_id = d.clock_id and l.recipient_id = d.recipient_id and l.channel = 'inbox' and l.step_index > d.step_index
			) as superseded,
			coalesce((select (value #>> '{}')::numeric from settings where key = 'notify.fallback_seconds'), 60)::float8 as fallback_seconds
		from deliveries d
		join notifications n on n.id = d.notification_id
		join clocks c on c.id = d.clock_id
		join people p on p.id = d.recipient_id and p.active
		where d.clock_id = ${n.clockId} and d.step_index = ${n.stepIndex} and d.recipient_id = ${n.recipientId} and d.channel = 'inbox'`;
	if (!row) return null;
	return withDevices(db, row, n.recipientId);
}

type ContextRow = Omit<Context, 'enabled' | 'devices' | 'tried' | 'title' | 'body' | 'rule' | 'locale'> & {
	enabled: ExternalChannel[];
	tried: string[];
	title: unknown;
	body: unknown;
	rule: unknown;
	locale: string | null;
};

async function withDevices(db: Tx, row: ContextRow, recipientId: string): Promise<Context> {
	const devices = await devicesOf(db, recipientId);
	return {
		...row,
		title: storedText(row.title),
		body: storedText(row.body),
		rule: typeof row.rule === 'string' ? row.rule : storedText(row.rule),
		locale: localeOf(row.locale),
		enabled: new Set(row.enabled),
		devices,
		tried: new Set(row.tried)
	};
}

/** A notice outside any clock: answered (a sign-off decided, an alert seen) means no further channel. */
async function noticeContextOf(db: Tx, notificationId: string, recipientId: string): Promise<Context | null> {
	const [row] = await db<ContextRow[]>`
		select 0 as tier, d.due_at, n.title, n.body, n.url, n.urgency,
			n.subject, n.subject_id, n.title as rule, p.name as person, p.locale, p.channel_order as "order",
			coalesce((select json_object_agg(pc.channel, pc.external_id) from person_channels pc where pc.person_id = p.id), '{}') as external_ids,
			array(select cs.channel from channel_settings cs where cs.enabled) as enabled,
			array(select t.channel from deliveries t where t.notification_id = n.id) as tried,
			exists (
				select 1 from deliveries t
				where t.notification_id = n.id and t.channel <> 'inbox' and t.attempts = 0
					and t.created_at > now() - make_interval(secs => ${SENDING_SECONDS})
			) as sending,
			(n.acknowledged_at is not null or n.settled_at is not null) as acknowledged,
			false as superseded,
			coalesce((select (value #>> '{}')::numeric from settings where key = 'notify.fallback_seconds'), 60)::float8 as fallback_seconds
		from notifications n
		join deliveries d on d.notification_id = n.id and d.channel = 'inbox' and d.clock_id is null
		join people p on p.id = n.person_id and p.active
		where n.id = ${notificationId} and n.person_id = ${recipientId}`;
	if (!row) return null;
	return withDevices(db, row, recipientId);
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
	/** the office's fallback window, read with the notice */
	fallbackSeconds?: number;
	/** the channel asked to wait (its pace per person): send again after this long */
	retryAfterMs?: number;
}

/**
 * Sends the notice on the next channel for this person and step. Returns what was tried; the caller
 * schedules the fallback check (or moves on at once after a failure).
 */
export async function sendOnNextChannel(n: Notice, senders: Senders): Promise<Attempt> {
	const ctx = await contextOf(sql, n);
	// While a channel is still being tried, the next one is not: that would tell the person twice at once.
	// A held-back notice whose clock has moved on collapses into the newer one: one card per clock, not a burst.
	if (!ctx || ctx.acknowledged || ctx.sending || ctx.superseded) return { channel: null, deliveryId: null, outcome: null };
	const channel = nextChannel(ctx, senders);
	if (!channel) return { channel: null, deliveryId: null, outcome: null };

	const [row] =
		'notificationId' in n
			? await sql<{ id: string }[]>`
				insert into deliveries (notification_id, tier, recipient_id, channel, status, due_at)
				values (${n.notificationId}, 0, ${n.recipientId}, ${channel}, 'queued', ${ctx.dueAt})
				on conflict (notification_id, channel) where clock_id is null do nothing
				returning id::text`
			: await sql<{ id: string }[]>`
				insert into deliveries (clock_id, step_index, tier, recipient_id, channel, status, due_at)
				values (${n.clockId}, ${n.stepIndex}, ${ctx.tier}, ${n.recipientId}, ${channel}, 'queued', ${ctx.dueAt})
				on conflict (clock_id, step_index, recipient_id, channel) do nothing
				returning id::text`;
	// Another worker took this channel already.
	if (!row) return { channel, deliveryId: null, outcome: null };
	const deliveryId = row.id;
	const notice = 'notificationId' in n;
	const message: OutgoingMessage = {
		deliveryId,
		title: render(ctx.title, ctx.locale),
		body: render(ctx.body, ctx.locale),
		url: ctx.url,
		urgency: ctx.urgency,
		topic: notice ? n.notificationId : n.clockId,
		// "收到" answers a clock's step; a sign-off or an alert is answered on its own screen
		acknowledgeable: !notice
	};

	let outcome: SendOutcome;
	try {
		// Whatever a channel adds (the urgency word, 查看, the notice number) is in the recipient's language too.
		outcome = await inLocale(ctx.locale, () => sendOn(channel, ctx, message, deliveryId, senders));
	} catch (error) {
		// Finished as failed, so the job's retry moves on instead of waiting for a send that is not happening.
		await sql`update deliveries set attempts = attempts + 1, updated_at = now(), status = 'failed', failed_at = now(),
			failure = ${sql.json(text('notify.send_interrupted') as never)} where id = ${deliveryId} and status = 'queued'`.catch(() => {});
		throw error;
	}

	// WeCom and DingTalk drop what exceeds their per-person pace: hold it instead, and try again when they allow.
	if (!outcome.ok && outcome.retryable && outcome.retryAfterMs !== undefined && channel !== 'web_push') {
		await sql`delete from deliveries where id = ${deliveryId} and status = 'queued'`;
		return { channel, deliveryId: null, outcome, retryAfterMs: outcome.retryAfterMs };
	}

	await sql`
		update deliveries set attempts = attempts + 1, updated_at = now(),
			-- a receipt or 收到 from the phone that answered first stands while slower phones are still tried
			status = case when status = 'queued' then ${outcome.ok ? 'sent' : 'failed'} else status end,
			sent_at = ${outcome.ok ? new Date() : null},
			failed_at = ${outcome.ok ? null : new Date()},
			failure = ${outcome.ok ? null : sql.json(outcome.reason as never)},
			provider_message_id = ${outcome.ok ? (outcome.providerMessageId ?? null) : null}
		where id = ${deliveryId}`;
	await addDeliveryEvent({ ...ctx, channel }, outcome.ok ? 'delivery.sent' : 'delivery.failed', outcome.ok ? null : outcome.reason);
	return { channel, deliveryId, outcome, fallbackSeconds: ctx.fallbackSeconds };
}

/** One attempt on one channel: every phone for Web Push (each phone's result kept on it), else the platform. */
async function sendOn(channel: ExternalChannel, ctx: Context, message: OutgoingMessage, deliveryId: string, senders: Senders): Promise<SendOutcome> {
	if (channel !== 'web_push') {
		return senders[channel === 'wecom' ? 'wecom' : channel === 'dingtalk' ? 'dingtalk' : 'sms']!(ctx.externalIds[channel]!, message);
	}
	const token = await issueDeliveryToken(sql, deliveryId);
	const results = await Promise.all(
		ctx.devices.map(async (device) => {
			const result = await senders.webPush!(device, { ...message, token });
			if (!result.ok && result.gone) await forgetEndpoint(sql, device.endpoint);
			else if (!result.ok) await markDeviceResult(sql, device.id, result.reason);
			return result;
		})
	);
	// The phones that took it, in one statement: most sends reach every phone.
	await markDevicesReached(sql, ctx.devices.filter((_, i) => results[i]!.ok).map((d) => d.id));
	return results.find((r) => r.ok) ?? results[0]!;
}

type DeliveryEvent = 'delivery.sent' | 'delivery.failed' | 'delivery.received' | 'delivery.opened';
interface Told {
	subject: Subject['type'];
	subjectId: string;
	rule: string | Text;
	person: string;
	channel: string;
}

/** The line on the timeline stores the reason as its text: each reader reads it in their language. */
async function addDeliveryEvent(d: Told, kind: DeliveryEvent, reason: Text | null) {
	// an alert about nothing in particular has no timeline to go on
	if (!d.subject) return;
	await addEvent(sql, { type: d.subject, id: d.subjectId }, kind, null, { rule: d.rule, person: d.person, channel: d.channel, ...(reason ? { reason } : {}) });
}

/** Which channel reached whom, and when: the evidence on the subject's timeline. */
export async function recordOnTimeline(deliveryId: string, kind: DeliveryEvent, reason: Text | null = null): Promise<void> {
	const [d] = await sql<(Omit<Told, 'subject' | 'rule'> & { subject: Subject['type'] | null; ruleName: string | null; title: unknown })[]>`
		select coalesce(c.subject, n.subject) as subject, coalesce(c.subject_id, n.subject_id) as subject_id,
			c.rule_name, n.title, p.name as person, d.channel
		from deliveries d
		left join clocks c on c.id = d.clock_id
		left join notifications n on n.id = d.notification_id
		join people p on p.id = d.recipient_id
		where d.id = ${deliveryId}`;
	if (d?.subject) await addDeliveryEvent({ ...d, subject: d.subject, rule: d.ruleName ?? storedText(d.title) }, kind, reason);
}

export async function fallbackSeconds(): Promise<number> {
	const [row] = await sql<{ value: number }[]>`select value from settings where key = 'notify.fallback_seconds'`;
	return Number(row?.value ?? 60);
}
