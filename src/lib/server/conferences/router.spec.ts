// Conferences through the API, as the phone uses them: who may schedule and record them, who may see
// them, what the detail screen gets (the incident's clocks, the late warning, the attached releases),
// and the errors the form shows beside each field.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { toIso } from '../../time.ts';
import { sql } from '../db.ts';
import { makeProvince, postAs, refusal, signInAs, type SignedIn } from '../test-helpers.ts';

let city: Awaited<ReturnType<typeof makeProvince>>;
let duty: SignedIn, press: SignedIn, pressB: SignedIn, officeAdmin: SignedIn, director: SignedIn;
beforeAll(async () => {
	city = await makeProvince();
	[duty, press, pressB, officeAdmin, director] = await Promise.all([
		signInAs('duty-a'),
		signInAs('press-a'),
		signInAs('press-b'),
		signInAs('office-admin'),
		signInAs('director-a')
	]);
});

const HOUR = 3_600_000;
const fromNow = (hours: number) => toIso(new Date(Date.now() + hours * HOUR));

async function majorIncident(occurredHoursAgo = 1) {
	return duty.caller.incident.create({
		clientKey: randomUUID(),
		title: '江城化工园区储罐爆炸',
		category: 'accident',
		level: 2,
		occurredAt: fromNow(-occurredHoursAgo),
		location: '江城化工园区',
		leadUnitId: city.deptA.id,
		description: ''
	});
}

const conference = (incidentId: string | null, plannedAt: string) => ({
	kind: 'press_conference' as const,
	title: '储罐爆炸事故新闻发布会',
	incidentId,
	plannedAt,
	place: '市政府新闻发布厅',
	mediaInvited: ['新华社', ' 江城日报 ', '新华社', '']
});

describe('who may schedule', () => {
	it('refuses the duty officer, and lets the press officer and the principal plan', async () => {
		const incident = await majorIncident();
		const refused = await refusal(duty.caller.conference.create(conference(incident.id, fromNow(3))));
		expect(refused.code).toBe('FORBIDDEN');
		expect(refused.message).toBe('您没有权限执行此操作');
		expect((await sql<{ n: number }[]>`select count(*)::int as n from conferences where incident_id = ${incident.id}`)[0]!.n).toBe(0);

		const planned = await press.caller.conference.create(conference(incident.id, fromNow(3)));
		expect(planned).toMatchObject({ status: 'planned', unitId: city.deptA.id, mediaInvited: ['新华社', '江城日报'], lateWarning: null });
		const byPrincipal = await director.caller.conference.create({ ...conference(null, fromNow(5)), kind: 'briefing', title: '安全生产吹风会' });
		expect(byPrincipal).toMatchObject({ kind: 'briefing', unitId: city.deptA.id, incidentId: null });
		// Nor may duty staff record one as held.
		expect((await refusal(duty.caller.conference.markHeld({ id: planned.id, heldAt: fromNow(0) }))).code).toBe('FORBIDDEN');
	});
});

describe('who may see', () => {
	it("hides a conference from a unit outside its reach, and shows it to the office above", async () => {
		const incident = await majorIncident();
		const planned = await press.caller.conference.create(conference(incident.id, fromNow(4)));

		expect((await refusal(pressB.caller.conference.byId({ id: planned.id }))).code).toBe('NOT_FOUND');
		expect((await refusal(pressB.caller.conference.markHeld({ id: planned.id, heldAt: fromNow(0) }))).code).toBe('NOT_FOUND');
		const theirs = await pressB.caller.conference.list();
		expect([...theirs.upcoming, ...theirs.recent].map((c) => c.id)).not.toContain(planned.id);

		const office = await officeAdmin.caller.conference.list();
		expect(office.upcoming.map((c) => c.id)).toContain(planned.id);
		expect((await officeAdmin.caller.conference.byId({ id: planned.id })).title).toBe('储罐爆炸事故新闻发布会');
	});
});

describe('an incident out of reach', () => {
	it('shows a conference in reach but its incident only as not visible: no title, level, clocks or deadline', async () => {
		// The city's office plans the health commission's conference on the emergency bureau's incident.
		const incident = await majorIncident(20);
		const planned = await officeAdmin.caller.conference.create({ ...conference(incident.id, fromNow(6)), unitId: city.deptB.id, speakerIds: [] });
		expect(planned.incidentTitle).toBe('江城化工园区储罐爆炸');

		const shown = await pressB.caller.conference.byId({ id: planned.id });
		expect(shown.title).toBe('储罐爆炸事故新闻发布会');
		expect(shown.incident).toEqual({ visible: false });
		expect(shown.clocks).toEqual([]);
		expect(shown).toMatchObject({ incidentTitle: null, incidentLevel: null, deadlineAt: null, lateWarning: null });
		expect(JSON.stringify(shown)).not.toContain('江城化工园区储罐爆炸');
		const listed = (await pressB.caller.conference.list()).upcoming.find((c) => c.id === planned.id);
		expect(listed).toMatchObject({ incidentTitle: null, lateWarning: null });

		const held = await pressB.caller.conference.markHeld({ id: planned.id, heldAt: fromNow(0) });
		expect(JSON.stringify(held)).not.toContain('江城化工园区储罐爆炸');
	});
});

describe('the detail screen', () => {
	it("carries the incident's clocks, the late warning and the releases drafted for it; holding it meets the clock", async () => {
		// Occurred 20 hours ago: the 24-hour deadline is 4 hours away, and the conference is planned for 6.
		const incident = await majorIncident(20);
		const planned = await press.caller.conference.create({ ...conference(incident.id, fromNow(6)), speakerIds: [city.people.spokesperson.id] });
		expect(planned.lateWarning?.message).toMatch(/^计划时间晚于24小时时限（截止 \d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d）$/);

		const [release] = await sql<{ id: string }[]>`
			insert into releases (unit_id, kind, incident_id, conference_id, created_by)
			values (${city.deptA.id}, 'opening_statement', ${incident.id}, ${planned.id}, ${city.people.press.id}) returning id`;
		await sql`
			insert into release_versions (release_id, number, title, body, hash, created_by)
			values (${release!.id}, 1, '开场发布词', '各位记者朋友……', ${'a'.repeat(64)}, ${city.people.press.id})`;

		const shown = await press.caller.conference.byId({ id: planned.id });
		// The 5-hour clock is long past due but nothing has run it here: the breach is the engine's to record.
		expect(shown.clocks.map((c) => [c.ruleKey, c.status])).toEqual([
			['incident.authoritative_release', 'running'],
			['incident.press_conference', 'running']
		]);
		expect(shown.lateWarning?.dueAt).toBe(shown.clocks[1]!.dueAt);
		expect(shown.speakers).toEqual([{ id: city.people.spokesperson.id, name: '赵发言', publicPhone: null }]);
		expect(shown.releases).toEqual([{ id: release!.id, kind: 'opening_statement', status: 'draft', currentVersion: 1, title: '开场发布词' }]);
		expect(shown.incident).toMatchObject({ id: incident.id, level: 2, visible: true });
		expect(shown.canManage).toBe(true);

		// Brought forward after all and held now, before the deadline (a phone half a minute fast is fine).
		const heldAt = fromNow(0.01);
		await press.caller.conference.markHeld({ id: planned.id, heldAt });
		const after = await press.caller.conference.byId({ id: planned.id });
		expect(after).toMatchObject({ status: 'held', heldAt, lateWarning: null });
		expect(after.clocks[1]).toMatchObject({ ruleKey: 'incident.press_conference', status: 'satisfied', satisfiedAt: heldAt });
		expect(after.timeline.map((e) => e.kind)).toEqual(['conference.planned', 'conference.late_notified', 'conference.held']);
		const list = await press.caller.conference.list();
		expect(list.recent.map((c) => c.id)).toContain(planned.id);
		expect(list.upcoming.map((c) => c.id)).not.toContain(planned.id);
	});
});

describe('errors beside the field', () => {
	it('names the field of a missing reason, a future start and a malformed time', async () => {
		const planned = await press.caller.conference.create(conference(null, fromNow(2)));
		const noReason = await postAs(press, 'conference.postpone', { id: planned.id, plannedAt: fromNow(5), reason: ' ' });
		expect(noReason.status).toBe(400);
		expect(noReason.body.error.data.fieldErrors).toEqual({ reason: '「理由」延期须说明理由' });

		const future = await postAs(press, 'conference.markHeld', { id: planned.id, heldAt: fromNow(1) });
		expect(future.body.error.data.fieldErrors).toEqual({ heldAt: '「实际召开时间」不能晚于现在 5 分钟以上：请在发布会实际开始后再记录' });

		const malformed = await postAs(press, 'conference.create', { ...conference(null, '明天下午'), kind: 'banquet' });
		expect(malformed.body.error.data.fieldErrors).toEqual({ kind: '「发布形式」不是可选的值', plannedAt: '「计划时间」格式不正确' });

		const noCancelReason = await postAs(press, 'conference.cancel', { id: planned.id, reason: '' });
		expect(noCancelReason.body.error.data.fieldErrors).toEqual({ reason: '「理由」取消须说明理由' });
	});
});

describe('spokespersons', () => {
	it('lists them with their public phones; only the office sets a phone', async () => {
		const refused = await refusal(press.caller.conference.setPublicPhone({ personId: city.people.spokesperson.id, publicPhone: '0891-6321234' }));
		expect(refused.code).toBe('FORBIDDEN');

		const set = await officeAdmin.caller.conference.setPublicPhone({ personId: city.people.spokesperson.id, publicPhone: '0891-6321234' });
		expect(set).toEqual({ personId: city.people.spokesperson.id, publicPhone: '0891-6321234' });
		const bad = await postAs(officeAdmin, 'conference.setPublicPhone', { personId: city.people.director.id, publicPhone: 'abc' });
		expect(bad.body.error.data.fieldErrors).toEqual({ publicPhone: '「公开电话」只能填写数字、空格和 + - ( )，至少 5 位数字' });

		const units = await press.caller.conference.spokespersons();
		expect(units).toEqual([
			{
				unitId: city.deptA.id,
				unitName: '江城市应急管理局',
				people: [
					{ id: city.people.director.id, name: '周局长', roles: ['principal'], publicPhone: null, isPrincipal: true },
					{ id: city.people.spokesperson.id, name: '赵发言', roles: ['spokesperson'], publicPhone: '0891-6321234', isPrincipal: false }
				]
			}
		]);
		// Clearing the number takes it off the list's contact.
		expect((await officeAdmin.caller.conference.setPublicPhone({ personId: city.people.spokesperson.id, publicPhone: '' })).publicPhone).toBeNull();
	});
});

describe('the past conferences, a page at a time', () => {
	it('gives every held or called-off one in reach once, latest first, and the upcoming only on the first page', async () => {
		// 23 held in A's department over the last 23 days, to the microsecond, and 4 in B's.
		await sql`
			insert into conferences (unit_id, kind, title, planned_at, held_at, status, created_by)
			select case when n < 23 then ${city.deptA.id}::uuid else ${city.deptB.id}::uuid end, 'press_conference', '往期发布会' || n,
				now() - n * interval '1 day', now() - n * interval '1 day' + n * interval '7 microseconds', 'held', ${city.people.press.id}
			from generate_series(0, 26) as n`;
		const seen: { id: string; title: string; heldAt: string | null; unitId: string }[] = [];
		let cursor: string | null = null;
		for (let pages = 0; pages < 50; pages++) {
			const page: Awaited<ReturnType<SignedIn['caller']['conference']['list']>> = await press.caller.conference.list({ recentDays: null, limit: 5, cursor });
			if (cursor) expect(page.upcoming).toEqual([]);
			seen.push(...page.recent);
			cursor = page.nextCursor;
			if (!cursor) break;
		}
		const old = seen.filter((c) => c.title.startsWith('往期发布会'));
		expect(old).toHaveLength(23);
		expect(new Set(seen.map((c) => c.id)).size).toBe(seen.length);
		expect(seen.every((c) => c.unitId !== city.deptB.id)).toBe(true);
		for (let i = 1; i < old.length; i++) expect(Date.parse(old[i]!.heldAt!)).toBeLessThanOrEqual(Date.parse(old[i - 1]!.heldAt!));
		// The last 30 days only, by default.
		expect((await press.caller.conference.list({ limit: 100 })).recent.filter((c) => c.title.startsWith('往期发布会'))).toHaveLength(23);
		expect((await refusal(press.caller.conference.list({ cursor: 'bm90LWEta2V5' }))).code).toBe('BAD_REQUEST');
	});
});
