// The delivery pipeline, continued: 收到 on any channel stops the rest of the step, and each channel sends a notice
// once, however often its job runs. deliver() and fallback() are called as the jobs would.
import { describe, expect, it } from 'vitest';
import { runClock } from '../clocks/flows.ts';
import { sql } from '../db.ts';
import type { PersonRow } from '../people/queries.ts';
import { signInAs } from '../test-helpers.ts';
import { deliver, fallback } from './dispatch.ts';
import type { Senders } from './pipeline.ts';
import { deliveries, fake, fallbackJobs, linkChannel, payloadOf, phone, told, usePipelineWorld, wiring } from './test-pipeline.ts';

usePipelineWorld();

describe('收到 on any channel stops the rest of the step', () => {
	it('after 收到 from the notification, the receipt check sends nothing, for this person or the others told', async () => {
		const { notice, people } = await told(2);
		const [chen, lin] = people as [PersonRow, PersonRow];
		const a = await phone(chen);
		await linkChannel(chen, 'wecom', 'chen.xuanchuan');
		await linkChannel(lin, 'wecom', 'lin.xuanchuan');
		const { senders, wecom } = await wiring();

		await deliver(notice(chen), senders);
		const { id, token } = payloadOf(a);
		const me = await signInAs(chen.username!);
		expect(await me.caller.delivery.acknowledge({ deliveryId: id, token: token! })).toEqual({ acknowledged: true });

		await fallback({ ...notice(chen), deliveryId: id }, senders);
		await deliver(notice(lin), senders);
		expect(wecom.calls).toEqual([]);
		expect(await deliveries(notice(lin))).toEqual({});
		expect((await deliveries(notice(chen))).web_push).toMatchObject({ status: 'acknowledged' });
	});

	it('after 收到 in the app, nothing goes out at all for that step, but the next step still does', async () => {
		const { clockId, occurred, notice, person: chen } = await told();
		const a = await phone(chen);
		await linkChannel(chen, 'wecom', 'chen.xuanchuan');
		const { senders, wecom } = await wiring();

		const me = await signInAs(chen.username!);
		expect(await me.caller.clock.acknowledge({ clockId, stepIndex: 0, channel: 'inbox' })).toMatchObject({ acknowledged: true });
		await deliver(notice(chen), senders);
		expect(fake.receivedBy(a.endpoint)).toEqual([]);
		expect(wecom.calls).toEqual([]);
		expect(await deliveries(notice(chen))).toEqual({});

		// "2 hours left" is a new step: it is told again.
		await runClock(clockId, new Date(occurred.getTime() + 3 * 3_600_000));
		await deliver(notice(chen, 1), senders);
		expect(fake.receivedBy(a.endpoint)).toHaveLength(1);
		expect((await deliveries(notice(chen, 1))).web_push).toMatchObject({ status: 'sent' });
	});

	it('after 收到 from one person’s WeCom card, another’s unreported push does not fall back', async () => {
		const { clockId, notice, people } = await told(2);
		const [chen, lin] = people as [PersonRow, PersonRow];
		await linkChannel(chen, 'wecom', 'chen.xuanchuan');
		const b = await phone(lin);
		await linkChannel(lin, 'wecom', 'lin.xuanchuan');
		const { senders, wecom } = await wiring();

		await deliver(notice(chen), senders);
		await deliver(notice(lin), senders);
		expect(wecom.calls.map((c) => c.to)).toEqual(['chen.xuanchuan']);
		expect(fake.receivedBy(b.endpoint)).toHaveLength(1);

		// The card's link opens the app, where 收到 is recorded as coming from WeCom.
		const me = await signInAs(chen.username!);
		expect(await me.caller.clock.acknowledge({ clockId, stepIndex: 0, channel: 'wecom' })).toMatchObject({ acknowledged: true });
		await fallback({ ...notice(lin), deliveryId: (await deliveries(notice(lin))).web_push!.id }, senders);
		expect(wecom.calls.map((c) => c.to)).toEqual(['chen.xuanchuan']);
		const [ack] = await sql<{ channel: string }[]>`select channel from clock_acknowledgements where clock_id = ${clockId}`;
		expect(ack!.channel).toBe('wecom');
	});
});

describe('one send per channel', () => {
	it('sends once when the same notice is delivered twice at the same moment', async () => {
		const { notice, person: chen } = await told();
		const [a, b] = [await phone(chen), await phone(chen)];
		await linkChannel(chen, 'wecom', 'chen.xuanchuan');
		const { senders, wecom } = await wiring();

		await Promise.all([deliver(notice(chen), senders), deliver(notice(chen), senders)]);

		expect(fake.receivedBy(a.endpoint)).toHaveLength(1);
		expect(fake.receivedBy(b.endpoint)).toHaveLength(1);
		expect(wecom.calls).toEqual([]);
		const rows = await deliveries(notice(chen));
		expect(Object.keys(rows)).toEqual(['web_push']);
		expect(await fallbackJobs(rows.web_push!.id)).toHaveLength(1);

		// Two receipt checks at once: one WeCom card.
		const check = { ...notice(chen), deliveryId: rows.web_push!.id };
		await Promise.all([fallback(check, senders), fallback(check, senders)]);
		expect(wecom.calls).toHaveLength(1);
	});

	it('does not jump to WeCom while the first delivery is still pushing to the phone', async () => {
		const { notice, person: chen } = await told();
		const a = await phone(chen);
		await linkChannel(chen, 'wecom', 'chen.xuanchuan');
		const { senders, wecom } = await wiring();
		let release!: () => void;
		const held = new Promise<void>((r) => (release = r));
		let started!: () => void;
		const inFlight = new Promise<void>((r) => (started = r));
		const slow: Senders = {
			...senders,
			webPush: async (device, message) => {
				started();
				await held;
				return senders.webPush!(device, message);
			}
		};

		const first = deliver(notice(chen), slow);
		await inFlight;
		await deliver(notice(chen), senders);
		release();
		await first;

		expect(wecom.calls).toEqual([]);
		expect(fake.receivedBy(a.endpoint)).toHaveLength(1);
		expect(Object.keys(await deliveries(notice(chen)))).toEqual(['web_push']);
	});
	it('lets the job’s retry move on after a send that broke off, or a worker that died mid-send', async () => {
		const { notice, people } = await told(2);
		const [chen, lin] = people as [PersonRow, PersonRow];
		await phone(chen);
		await linkChannel(chen, 'wecom', 'chen.xuanchuan');
		const { senders, wecom } = await wiring();
		const broken: Senders = {
			...senders,
			webPush: async () => {
				throw new Error('connection terminated');
			}
		};

		await expect(deliver(notice(chen), broken)).rejects.toThrow('connection terminated');
		expect((await deliveries(notice(chen))).web_push).toMatchObject({ status: 'failed', failure: { key: 'notify.send_interrupted' } });
		await deliver(notice(chen), senders);
		expect(wecom.calls.map((c) => c.to)).toEqual(['chen.xuanchuan']);

		// A worker that died leaves its row unfinished; two minutes on, nobody is sending it any more.
		await phone(lin);
		await linkChannel(lin, 'wecom', 'lin.xuanchuan');
		await sql`
			insert into deliveries (clock_id, step_index, tier, recipient_id, channel, status, due_at, created_at)
			select clock_id, step_index, tier, recipient_id, 'web_push', 'queued', due_at, now() - interval '3 minutes'
			from deliveries where clock_id = ${notice(lin).clockId} and recipient_id = ${lin.id} and channel = 'inbox'`;
		await deliver(notice(lin), senders);
		expect(wecom.calls.map((c) => c.to)).toEqual(['chen.xuanchuan', 'lin.xuanchuan']);
	});
});
