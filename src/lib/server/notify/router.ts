import { z } from 'zod';
import { toIso } from '../../time.ts';
import { audit } from '../audit/index.ts';
import { sql } from '../db.ts';
import { FieldError, notFound } from '../errors.ts';
import { text, authedProcedure, router } from '../trpc/index.ts';
import { m } from '../../paraglide/messages.js';
import { render } from '../../i18n/index.ts';
import { devicesOf, forgetEndpoint, getDevice, markDeviceResult, removeDevice, renameDevice, upsertDevice, type DeviceRow } from './devices.ts';
import { endpointProblem } from './endpoints.ts';
import { appSenders } from './senders.ts';
import { vapidKeys } from './vapid.ts';

const base64url = z.string().regex(/^[A-Za-z0-9_-]+={0,2}$/).max(200);

export function deviceOut(d: DeviceRow, currentKey: string) {
	return {
		id: d.id,
		name: d.name,
		platform: d.platform,
		createdAt: toIso(d.createdAt),
		lastSuccessAt: d.lastSuccessAt ? toIso(d.lastSuccessAt) : null,
		lastFailureAt: d.lastFailureAt ? toIso(d.lastFailureAt) : null,
		// in the reader's language: the reason is stored as its key
		lastFailure: d.lastFailure ? render(d.lastFailure) : null,
		// Subscribed with an older key: the device subscribes again on its next visit.
		stale: d.vapidPublicKey !== currentKey,
		endpoint: d.endpoint
	};
}
export type DeviceOut = ReturnType<typeof deviceOut>;

export const deviceRouter = router({
	/** The application server key a browser subscribes with. */
	vapidPublicKey: authedProcedure.query(async () => (await vapidKeys(sql)).publicKey),
	list: authedProcedure.query(async ({ ctx }) => {
		const key = (await vapidKeys(sql)).publicKey;
		return (await devicesOf(sql, ctx.user.id)).map((d) => deviceOut(d, key));
	}),
	register: authedProcedure
		.input(
			z.object({
				endpoint: z.url().max(1000).refine((u) => u.startsWith('https://')),
				keys: z.object({ p256dh: base64url, auth: base64url }),
				name: text(60, { min: 1 }),
				platform: text(60).default('')
			})
		)
		.mutation(async ({ ctx, input }) => {
			// Only a real push service's endpoint: the server connects to it later, so it must not name our network.
			const problem = await endpointProblem(input.endpoint);
			if (problem) throw new FieldError('endpoint', problem === 'unresolvable' ? 'notify.endpoint_unresolvable' : 'notify.endpoint_not_allowed');
			return sql.begin(async (tx) => {
				const key = (await vapidKeys(tx)).publicKey;
				const device = await upsertDevice(tx, {
					personId: ctx.user.id,
					endpoint: input.endpoint,
					p256dh: input.keys.p256dh,
					auth: input.keys.auth,
					vapidPublicKey: key,
					name: input.name,
					platform: input.platform,
					userAgent: ctx.actor.userAgent
				});
				await audit(tx, ctx.actor, { action: 'device.registered', entity: 'push_device', entityId: device.id, after: { name: device.name, platform: device.platform } });
				return deviceOut(device, key);
			});
		}),
	rename: authedProcedure.input(z.object({ id: z.uuid(), name: text(60, { min: 1 }) })).mutation(async ({ ctx, input }) => {
		if (!(await renameDevice(sql, input.id, ctx.user.id, input.name))) throw notFound();
		return { ok: true as const };
	}),
	/** "发送测试通知": one push to this device now, outside any clock, to see that it arrives. */
	test: authedProcedure.input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) => {
		const device = await getDevice(sql, input.id, ctx.user.id);
		if (!device) throw notFound();
		const send = (await appSenders()).webPush!;
		const outcome = await send(device, {
			deliveryId: `test-${Date.now()}`,
			title: m['notify.test_title'](),
			body: m['notify.test_body'](),
			url: '/me/notifications',
			urgency: 'normal'
		});
		if (!outcome.ok && outcome.gone) await forgetEndpoint(sql, device.endpoint);
		else await markDeviceResult(sql, device.id, outcome.ok ? null : outcome.reason);
		return outcome.ok ? { sent: true as const } : { sent: false as const, reason: render(outcome.reason) };
	}),
	remove: authedProcedure.input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) =>
		sql.begin(async (tx) => {
			if (!(await removeDevice(tx, input.id, ctx.user.id))) throw notFound();
			await audit(tx, ctx.actor, { action: 'device.removed', entity: 'push_device', entityId: input.id });
			return { ok: true as const };
		})
	)
});
