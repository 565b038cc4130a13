// The inbox as a to-do list: a notice whose reason has passed (its clock met or cancelled, its request
// decided) is settled with what settled it, leaves the badge, stops its channels, and its pushes are
// replaced or recalled once; a step that reaches nobody tells the office on its 工作台 until the clock ends.
import { beforeAll, describe, expect, it } from 'vitest';
import { cancelClocks, runClock, satisfyClocks } from '../clocks/flows.ts';
import { sql } from '../db.ts';
import type { OutgoingMessage, SendOutcome } from '../notify/channel.ts';
import type { Senders } from '../notify/pipeline.ts';
import { withdrawNotices } from '../notify/withdraw.ts';
import { logMajorIncident, makePerson, makeProvince, makeUnit, signInAs } from '../test-helpers.ts';
import { t, text } from '../../i18n/index.ts';
import { inLocale } from '../locale.ts';

let city: Awaited<ReturnType<typeof makeProvince>>;
beforeAll(async () => {
	city = await makeProvince();
});

/** Web Push and the two platforms' recall, recorded; each answers as told. */
function fakeSenders(answers: { push?: SendOutcome; recall?: SendOutcome } = {}) {
	const pushed: { endpoint: string; message: OutgoingMessage }[] = [];
	const recalled: { channel: string; id: string }[] = [];
	const senders: Senders = {
		webPush: async (device, message) => {
			pushed.push({ endpoint: device.endpoint, message });
			return answers.push ?? { ok: true };
		},
		recall: {
			wecom: async (id) => {
				recalled.push({ channel: 'wecom', id });
				return answers.recall ?? { ok: true };
			},
			dingtalk: async (id) => {
				recalled.push({ channel: 'dingtalk', id });
				return answers.recall ?? { ok: true };
			}
		}
	};
	return { senders, pushed, recalled };
}

/** The 5-hour clock of a fresh incident, its first step in the press officers' inboxes. */
async function toldIncident() {
	const occurred = new Date(Date.now() - 60_000);
	const major = await logMajorIncident(city.people.duty, city.deptA.id, occurred);
	const clockId = major.fiveHour!.id;
	await runClock(clockId, new Date());
	const [note] = await sql<{ id: string }[]>`
		select id from notifications where clock_id = ${clockId} and person_id = ${city.people.press.id}`;
	return { ...major, clockId, noteId: note!.id };
}

describe('a notice whose clock is met', () => {
	it('shows as done with what settled it, leaves the badge and offers nothing to answer', async () => {
		const { incident, clockId } = await toldIncident();
		const press = await signInAs('press-a');
		const before = await press.caller.inbox.unreadCount();
		const open = (await press.caller.inbox.list()).items.filter((n) => n.clockId === clockId);
		expect(open).toHaveLength(1);
		expect(open[0]).toMatchObject({ kind: 'clock', settledAt: null, settledAs: null });
		// while open, the live deadline comes with it: the countdown in the text is the one at sending
		expect(open[0]!.dueAt).not.toBeNull();

		const at = new Date();
		await satisfyClocks({ type: 'incident', id: incident.id }, 'release.authoritative', at, { releaseId: null });
		const done = (await press.caller.inbox.list()).items.filter((n) => n.clockId === clockId);
		expect(done).toEqual([
			expect.objectContaining({ settledAs: 'met', settledNote: '权威信息已发布', dueAt: null, readAt: null, acknowledgedAt: null })
		]);
		expect(await press.caller.inbox.unreadCount()).toBe(before - 1);
		// the list puts what is open first: a settled notice never sits above one still asking
		const list = (await press.caller.inbox.list()).items;
		const firstDone = list.findIndex((n) => n.settledAt);
		expect(list.slice(firstDone).every((n) => n.settledAt)).toBe(true);
	});

	it('is settled once: a later cancellation keeps what settled it first', async () => {
		const { incident, clockId } = await toldIncident();
		await satisfyClocks({ type: 'incident', id: incident.id }, 'release.authoritative', new Date(), {});
		await sql.begin((tx) => cancelClocks(tx, { type: 'incident', id: incident.id }, text('clock.cancel.merged', { title: '另一事件' }), null, new Date()));
		const rows = await sql<{ settledAs: string }[]>`select settled_as from notifications where clock_id = ${clockId}`;
		expect(new Set(rows.map((r) => r.settledAs))).toEqual(new Set(['met']));
	});
});

describe('a notice whose clock is cancelled', () => {
	it('says so with the reason', async () => {
		const { incident, clockId } = await toldIncident();
		await sql.begin((tx) => cancelClocks(tx, { type: 'incident', id: incident.id }, text('clock.cancel.no_response'), null, new Date()));
		const [row] = await sql<{ settledAs: string; settledNote: unknown }[]>`
			select settled_as, settled_note from notifications where clock_id = ${clockId} and person_id = ${city.people.press.id}`;
		// stored as the reason's key, read in each reader's language
		expect(row).toEqual({ settledAs: 'cancelled', settledNote: { key: 'clock.cancel.no_response' } });
		const press = await signInAs('press-a');
		for (const [locale, line] of [['zh-CN', '研判为无需回应'], ['en', t('clock.cancel.no_response', {}, 'en')]] as const) {
			const [note] = (await inLocale(locale, () => press.caller.inbox.list())).items.filter((n) => n.clockId === clockId);
			expect(note!.settledNote).toBe(line);
		}
	});
});

describe("a settled notice's messages outside the app", () => {
	async function sentOn(noteId: string, channel: 'web_push' | 'wecom' | 'dingtalk', providerMessageId: string | null, sentAt: Date) {
		const [n] = await sql<{ clockId: string; stepIndex: number; personId: string }[]>`
			select clock_id, step_index, person_id from notifications where id = ${noteId}`;
		const [d] = await sql<{ id: string }[]>`
			insert into deliveries (clock_id, step_index, tier, recipient_id, channel, status, due_at, sent_at, provider_message_id)
			values (${n!.clockId}, ${n!.stepIndex}, 0, ${n!.personId}, ${channel}, 'sent', ${sentAt}, ${sentAt}, ${providerMessageId})
			returning id::text`;
		return d!.id;
	}

	it('replaces the push quietly, recalls WeCom and DingTalk within their day, and does it once', async () => {
		const { incident, noteId } = await toldIncident();
		const phone = await sql<{ endpoint: string }[]>`
			insert into push_devices (person_id, endpoint, p256dh, auth, vapid_public_key, name)
			values (${city.people.press.id}, ${`https://push.example.com/settle-${noteId}`}, 'p256dh', 'auth', 'vapid', '测试手机')
			returning endpoint`;
		const push = await sentOn(noteId, 'web_push', null, new Date());
		await sentOn(noteId, 'wecom', 'wecom-msg-1', new Date());
		// older than the platforms allow: stays as it is
		const old = await sentOn(noteId, 'dingtalk', '12345678901234567890', new Date(Date.now() - 25 * 3_600_000));

		await satisfyClocks({ type: 'incident', id: incident.id }, 'release.authoritative', new Date(), {});
		const { senders, pushed, recalled } = fakeSenders();
		expect(await withdrawNotices({ notificationIds: [noteId] }, senders)).toEqual({ withdrawn: 2, kept: 1 });
		expect(recalled).toEqual([{ channel: 'wecom', id: 'wecom-msg-1' }]);
		expect(pushed).toHaveLength(1);
		expect(pushed[0]!.endpoint).toBe(phone[0]!.endpoint);
		// the same delivery (the same notification tag on the phone), no 收到, saying it is done
		expect(pushed[0]!.message).toMatchObject({ deliveryId: push, settled: true, acknowledgeable: false, urgency: 'normal' });
		expect(pushed[0]!.message.title).toMatch(/^已办结：/);
		expect(pushed[0]!.message.body).toMatch(/^已按时完成：权威信息已发布（/);

		const kept = await sql<{ id: string }[]>`
			select id::text from deliveries where clock_id = (select clock_id from notifications where id = ${noteId})
				and channel <> 'inbox' and withdrawn_at is null`;
		expect(kept.map((k) => k.id)).toEqual([old]);
		// a second run (a retried job) sends nothing again
		const again = fakeSenders();
		expect(await withdrawNotices({ notificationIds: [noteId] }, again.senders)).toEqual({ withdrawn: 0, kept: 1 });
		expect([...again.pushed, ...again.recalled]).toEqual([]);
	});

	it('replaces the push in its recipient’s language', async () => {
		const { incident, noteId, clockId } = await toldIncident();
		const person = await makePerson(city.deptA.id, ['press_officer']);
		await sql`update people set locale = 'en' where id = ${person.id}`;
		// the same step's notice, to an English-speaking colleague
		await sql`update notifications set person_id = ${person.id} where id = ${noteId}`;
		await sql`
			insert into push_devices (person_id, endpoint, p256dh, auth, vapid_public_key, name)
			values (${person.id}, ${`https://push.example.com/settle-en-${noteId}`}, 'p256dh', 'auth', 'vapid', 'Phone')`;
		await sql`
			insert into deliveries (clock_id, step_index, tier, recipient_id, channel, status, due_at, sent_at)
			select clock_id, step_index, 0, ${person.id}, 'web_push', 'sent', now(), now() from notifications where id = ${noteId}`;

		await satisfyClocks({ type: 'incident', id: incident.id }, 'release.authoritative', new Date(), {});
		const { senders, pushed } = fakeSenders();
		expect(await withdrawNotices({ notificationIds: [noteId] }, senders)).toEqual({ withdrawn: 1, kept: 0 });
		const [rule] = await sql<{ ruleName: string }[]>`select rule_name from clocks where id = ${clockId}`;
		expect(pushed[0]!.message.title).toBe(`Done: [${rule!.ruleName}] ${incident.title}`);
		expect(pushed[0]!.message.body).toMatch(/^Done on time: Authoritative information published \(/);
	});

	it('leaves an open notice alone, and tries again later when a platform asks to wait', async () => {
		const { incident, noteId } = await toldIncident();
		await sentOn(noteId, 'wecom', 'wecom-msg-2', new Date());
		const waiting = fakeSenders({ recall: { ok: false, retryable: true, reason: text('notify.reason.coded', { platform: text('channel.wecom'), what: text('notify.what.rate_limited'), code: '45009' }) } });
		// not settled yet: nothing to withdraw
		expect(await withdrawNotices({ notificationIds: [noteId] }, waiting.senders)).toEqual({ withdrawn: 0, kept: 0 });
		expect(waiting.recalled).toEqual([]);

		await satisfyClocks({ type: 'incident', id: incident.id }, 'release.authoritative', new Date(), {});
		await expect(withdrawNotices({ notificationIds: [noteId] }, waiting.senders)).rejects.toThrow(/稍后重试/);
		const later = fakeSenders();
		expect(await withdrawNotices({ notificationIds: [noteId] }, later.senders)).toEqual({ withdrawn: 1, kept: 0 });
		expect(later.recalled).toEqual([{ channel: 'wecom', id: 'wecom-msg-2' }]);
	});
});

describe('a step that reaches nobody', () => {
	it("tells the office on its 工作台 and inbox until the clock ends", async () => {
		const bare = await makeUnit('江城市无人局', city.government.id);
		const duty = await makePerson(bare.id, ['duty']);
		const { incident, fiveHour } = await logMajorIncident(duty, bare.id, new Date(Date.now() - 60_000));
		await runClock(fiveHour!.id, new Date());

		const office = await signInAs('office-admin');
		const gaps = await office.caller.inbox.gaps();
		expect(gaps).toEqual([
			expect.objectContaining({ title: '应提醒的人员未设置：江城市无人局', url: `/admin/people?unit=${bare.id}` })
		]);
		expect(gaps[0]!.body).toContain('牵头单位宣传干事和新闻发言人');
		const [alert] = (await office.caller.inbox.list()).items.filter((n) => n.id === gaps[0]!.id);
		expect(alert).toMatchObject({ kind: 'alert', clockId: fiveHour!.id, settledAt: null });
		// a department's own administrator is not the office: it is not told
		const deptAdmin = await signInAs('admin-a');
		expect(await deptAdmin.caller.inbox.gaps()).toEqual([]);

		await sql.begin((tx) => cancelClocks(tx, { type: 'incident', id: incident.id }, text('clock.cancel.merged', { title: '另一事件' }), null, new Date()));
		expect(await office.caller.inbox.gaps()).toEqual([]);
	});
});
