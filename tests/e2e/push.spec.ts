// Web Push from a clock to a phone: the press officer turns notifications on, a level II incident's first
// steps reach her device through the push service, and a notification opens the incident or says "收到".
// No push service is reachable from this Chromium, so PushManager hands out subscriptions of a fake one that
// checks VAPID and decrypts as FCM would; what it decrypted goes to the service worker over CDP, as Chromium
// does with a message from its push service (tests/e2e/push-support.ts).
import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import postgres from 'postgres';
import { startFakePushService } from '../support/fake-push-service.ts';
import {
	cleanupsAfterEach,
	logIncident,
	ownDemoDatabase,
	pushChannel,
	shownNotifications,
	startPushServer,
	stubPushManager,
	tapNotification,
	type Payload
} from './push-support.ts';
import { DEMO_PASSWORD, ready, signInDirectly, waitForServiceWorkerControl } from './support.ts';

const cleanups = cleanupsAfterEach();
const database = ownDemoDatabase('huiying_push');

test('a clock step reaches the phone by Web Push; its notification opens the incident, and 收到 on it acknowledges', async ({ context, page }) => {
	test.setTimeout(60_000);
	const push = await startFakePushService();
	cleanups.push(() => push.close());
	const server = await startPushServer(cleanups, database.url, push);
	const db = postgres(database.url, { max: 1, onnotice: () => {} });
	cleanups.push(() => db.end({ timeout: 1 }));
	const delivery = async (id: string) =>
		(await db<{ status: string; receivedAt: Date | null; openedAt: Date | null }[]>`
			select status, received_at as "receivedAt", opened_at as "openedAt" from deliveries where id = ${id} and channel = 'web_push'`)[0];
	// A phone of hers that never had notifications on; an earlier try's device would be a second "Linux Chrome".
	await db`delete from push_devices where person_id = (select id from people where username = 'em-press')`;
	await context.grantPermissions(['notifications'], { origin: server.url });
	await stubPushManager(context, push);

	await signInDirectly(page, 'em-press', DEMO_PASSWORD, server.url);
	await waitForServiceWorkerControl(page);
	await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '我的' }).tap();
	await page.getByRole('link', { name: '通知设置' }).tap();
	await ready(page);
	await page.getByRole('button', { name: '在本设备开启通知' }).tap();
	await expect(page.getByRole('status').filter({ hasText: '本设备已开启通知' })).toBeVisible();
	const device = page.getByRole('region', { name: '我的设备' }).getByRole('article', { name: 'Linux Chrome' });
	await expect(device).toContainText('尚未送达过');
	const endpoint = await page.evaluate(async () => (await (await navigator.serviceWorker.ready).pushManager.getSubscription())?.endpoint);
	expect(endpoint).toMatch(new RegExp(`^${push.origin}/push/`));

	// Both clocks of a level II incident tell the press office at once: release (5 h) and press conference (24 h).
	const title = `化工园区爆燃-${randomUUID().slice(0, 8)}`;
	const incident = await logIncident(cleanups, server, title);
	await expect.poll(() => push.receivedBy(endpoint!).length, { timeout: 15_000 }).toBe(2);
	// Signed with the key the device subscribed with, and decryptable with the device's keys.
	expect(push.rejected).toEqual([]);
	const payloads = push.receivedBy(endpoint!).map((r) => r.payload as Payload);
	const release = payloads.find((p) => p.title === `【发布权威信息】${title}`);
	const conference = payloads.find((p) => p.title === `【召开新闻发布会】${title}`);
	expect(release?.url).toBe(`/incidents/${incident.id}`);
	expect(conference?.url).toBe(`/incidents/${incident.id}`);
	await page.reload();
	await expect(device).toContainText('最近一次送达');

	const deliver = await pushChannel(cleanups, context, page, server.url);
	// What the phone shows: the notifications, where each leads, and their buttons.
	const shown = () => shownNotifications(page);
	// One at a time, as a push service hands them over.
	for (const payload of [release!, conference!]) await deliver(payload);
	const byTitle = (a: { title: string }, b: { title: string }) => a.title.localeCompare(b.title);
	await expect
		.poll(async () => (await shown()).sort(byTitle))
		.toEqual([release!, conference!].map((p) => ({ title: p.title, url: p.url, buttons: ['收到', '查看'] })).sort(byTitle));
	// The worker reported both arrivals with the payload's token.
	await expect.poll(() => delivery(release!.id)).toMatchObject({ status: 'received', receivedAt: expect.any(Date), openedAt: null });
	await expect.poll(() => delivery(conference!.id)).toMatchObject({ status: 'received', receivedAt: expect.any(Date) });

	// Opening the release notice lands on the incident, with both clocks still asking for 收到.
	await tapNotification(context, release!.id);
	await expect(page).toHaveURL(`${server.url}/incidents/${incident.id}`);
	await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
	const askedFor = (rule: string) => page.locator('.clock-row', { has: page.getByRole('article', { name: new RegExp(`^${rule}`) }) }).getByRole('button', { name: '收到' });
	await expect(askedFor('发布权威信息')).toBeVisible();
	await expect(askedFor('召开新闻发布会')).toBeVisible();
	await expect.poll(() => delivery(release!.id)).toMatchObject({ status: 'opened', openedAt: expect.any(Date) });
	expect((await shown()).map((n) => n.title)).toEqual([conference!.title]);

	// 收到 on the press conference notice, without opening the app: the clock is acknowledged.
	await tapNotification(context, conference!.id, 'ack');
	const conferenceClock = incident.clocks.find((c) => c.ruleKey === 'incident.press_conference')!;
	await expect
		.poll(
			async () => [
				...(await db`
					select p.username, a.step_index as "stepIndex", a.channel from clock_acknowledgements a join people p on p.id = a.person_id
					where a.clock_id = ${conferenceClock.id}`)
			]
		)
		.toEqual([{ username: 'em-press', stepIndex: 0, channel: 'web_push' }]);
	expect(await delivery(conference!.id)).toMatchObject({ status: 'acknowledged' });
	await expect(page).toHaveURL(`${server.url}/incidents/${incident.id}`);
	expect(await shown()).toEqual([]);
	await page.reload();
	await expect(askedFor('发布权威信息')).toBeVisible();
	await expect(askedFor('召开新闻发布会')).toHaveCount(0);
});
