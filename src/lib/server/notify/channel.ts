// What every delivery channel shares: a message to send and the outcome of one attempt. The inbox,
// Web Push, WeCom, DingTalk (and SMS) all sit behind these shapes.
import type { Urgency } from '../../clocks.ts';
import type { Text } from '../../i18n/index.ts';

export const CHANNELS = ['inbox', 'web_push', 'wecom', 'dingtalk', 'sms'] as const;
export type ChannelName = (typeof CHANNELS)[number];

export interface OutgoingMessage {
	/** the delivery this attempt belongs to: receipts and acknowledgements come back with it */
	deliveryId: string;
	title: string;
	body: string;
	/** where one tap lands, relative to the app's origin */
	url: string;
	urgency: Urgency;
	/** a newer message with the same topic replaces an older one still queued (one per clock) */
	topic?: string;
	/** the delivery's single-use token: receipts and "收到" from the notification prove themselves with it */
	token?: string;
	/** offers "收到" on the notification (a clock's step); false for a sign-off or an alert, answered on its screen */
	acknowledgeable?: boolean;
	/** replaces an earlier message about the same delivery: its reason has passed (shown quietly, asks nothing) */
	settled?: boolean;
}

export type SendOutcome =
	| { ok: true; providerMessageId?: string }
	| {
			ok: false;
			/** worth trying again later (rate limits, 5xx, timeouts) */
			retryable: boolean;
			/** the provider said when: Retry-After, or a documented back-off */
			retryAfterMs?: number;
			/** the address is dead for good (Web Push 404/410): forget it */
			gone?: boolean;
			/** for the office admin who reads it, in their language (stored as the text, rendered when read) */
			reason: Text;
	  };
