// A settled notice's messages outside the app. Web Push replaces the notification on each phone with a quiet
// one saying it is done (a push must show something; the same tag replaces the old card); WeCom and DingTalk
// recall their message, which they allow for a day. Each delivery is withdrawn once (deliveries.withdrawn_at);
// a platform that asks to wait makes the job try again, and what it could not take back stays as it was.
// The quiet replacement is in the recipient's language, like the notice it replaces.
import { render, text, type Locale, type Text } from '../../i18n/index.ts';
import { m } from '../../paraglide/messages.js';
import { settledLine, type Settlement } from '../../inbox.ts';
import { sql } from '../db.ts';
import { inLocale, localeOf } from '../locale.ts';
import { storedText } from './text.ts';
import type { WithdrawData } from '../jobs/index.ts';
import { devicesOfPeople, type DeviceRow } from './devices.ts';
import type { Senders } from './pipeline.ts';

/** WeCom: 只能撤回24小时内通过该应用发送的消息; DingTalk's recall has the same day. */
const RECALL_WINDOW_MS = 24 * 3_600_000;

interface Row extends Omit<Settlement, 'settledNote'> {
	id: string;
	channel: 'web_push' | 'wecom' | 'dingtalk' | 'sms';
	providerMessageId: string | null;
	sentAt: Date;
	recipientId: string;
	locale: string | null;
	/** stored texts (jsonb) */
	title: unknown;
	settledNote: unknown;
	url: string;
}

export interface WithdrawResult {
	withdrawn: number;
	/** could not be taken back (SMS, older than a day, refused) */
	kept: number;
}

export async function withdrawNotices(data: WithdrawData, senders: Senders, now: Date = new Date()): Promise<WithdrawResult> {
	const rows = await sql<Row[]>`
		select d.id::text, d.channel, d.provider_message_id, d.sent_at, d.recipient_id, p.locale,
			n.title, n.url, n.settled_as, n.settled_note, n.settled_at
		from notifications n
		join people p on p.id = n.person_id
		-- a notice's own deliveries (keyed by it), or its clock step's (keyed by clock, step and person): each by its index
		join lateral (
			select * from deliveries where notification_id = n.id and clock_id is null
			union all
			select * from deliveries where n.clock_id is not null and clock_id = n.clock_id and step_index = n.step_index and recipient_id = n.person_id
		) d on d.channel <> 'inbox'
		where n.id = any(${data.notificationIds}::uuid[]) and n.settled_at is not null
			and d.withdrawn_at is null and d.sent_at is not null and d.status <> 'failed'
		order by d.id`;
	if (!rows.length) return { withdrawn: 0, kept: 0 };
	const devices = await devicesOfPeople(sql, rows.filter((r) => r.channel === 'web_push').map((r) => r.recipientId));

	let withdrawn = 0;
	let kept = 0;
	let retry: Text | null = null;
	for (const row of rows) {
		const outcome = await withdrawOne(row, senders, devices.get(row.recipientId) ?? [], now);
		if (outcome === 'done') {
			await sql`update deliveries set withdrawn_at = ${now}, updated_at = ${now} where id = ${row.id} and withdrawn_at is null`;
			withdrawn += 1;
		} else {
			kept += 1;
			if (outcome !== 'kept') retry = outcome;
		}
	}
	// pg-boss runs the job again later; what was withdrawn is not touched twice
	if (retry) throw new Error(render(text('notify.withdraw_retry', { reason: retry })));
	return { withdrawn, kept };
}

/** 'done', 'kept' (cannot or need not be taken back), or the reason worth trying again for. */
async function withdrawOne(row: Row, senders: Senders, devices: DeviceRow[], now: Date): Promise<'done' | 'kept' | Text> {
	if (row.channel === 'web_push') {
		if (!senders.webPush || !devices.length) return 'kept';
		const locale: Locale = localeOf(row.locale);
		const note = row.settledNote === null ? null : storedText(row.settledNote);
		const { title, body } = inLocale(locale, () => ({
			title: m['inbox.settled_title']({ title: render(storedText(row.title)) }),
			body: settledLine({ settledAs: row.settledAs, settledAt: row.settledAt, settledNote: note && render(note) })
		}));
		const message = {
			deliveryId: row.id,
			title,
			body,
			url: row.url,
			urgency: 'normal' as const,
			acknowledgeable: false,
			settled: true
		};
		const results = await Promise.all(devices.map((device) => senders.webPush!(device, message)));
		if (results.some((r) => r.ok)) return 'done';
		const retryable = results.find((r) => !r.ok && r.retryable && !r.gone);
		return retryable && !retryable.ok ? retryable.reason : 'kept';
	}
	if (row.channel === 'wecom' || row.channel === 'dingtalk') {
		const recall = senders.recall?.[row.channel];
		if (!recall || !row.providerMessageId || now.getTime() - row.sentAt.getTime() > RECALL_WINDOW_MS) return 'kept';
		const outcome = await recall(row.providerMessageId);
		if (outcome.ok) return 'done';
		return outcome.retryable ? outcome.reason : 'kept';
	}
	// a text message cannot be taken back
	return 'kept';
}
