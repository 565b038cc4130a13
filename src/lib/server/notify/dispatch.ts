// The job side of deliveries: try the person's next channel; after a success wait for the receipt,
// after a failure move on at once.
import type { DeliverData, FallbackData } from '../jobs/index.ts';
import { enqueueDeliveryAt, enqueueFallback } from '../jobs/index.ts';
import { sql } from '../db.ts';
import { fallbackSeconds, sendOnNextChannel, type Senders } from './pipeline.ts';

export async function deliver(data: DeliverData, senders: Senders): Promise<void> {
	for (;;) {
		const attempt = await sendOnNextChannel(data, senders);
		if (attempt.retryAfterMs !== undefined) {
			await enqueueDeliveryAt(data, new Date(Date.now() + attempt.retryAfterMs));
			return;
		}
		if (!attempt.channel || !attempt.deliveryId) return;
		if (attempt.outcome?.ok) {
			const seconds = attempt.fallbackSeconds ?? (await fallbackSeconds());
			await enqueueFallback({ ...data, deliveryId: attempt.deliveryId }, new Date(Date.now() + seconds * 1000));
			return;
		}
	}
}

/**
 * Web Push reports back from the phone: sent but not received in the window means it never arrived.
 * WeCom and DingTalk report no receipt, so a message they accepted stands.
 */
export async function fallback(data: FallbackData, senders: Senders): Promise<void> {
	const [row] = await sql<{ status: string; channel: string }[]>`select status, channel from deliveries where id = ${data.deliveryId}`;
	if (!row) return;
	const unconfirmed = row.status === 'failed' || (row.channel === 'web_push' && (row.status === 'queued' || row.status === 'sent'));
	if (unconfirmed) await deliver(data, senders);
}
