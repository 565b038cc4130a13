// A shared duty phone's outbox names each entry's author (OWNER_HEADER): the server takes the entry only
// under that person's own session, whoever else happens to be signed in on the phone.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { toIso } from '../../time.ts';
import { sql } from '../db.ts';
import { makeProvince, refusal, signInAs, type SignedIn } from '../test-helpers.ts';
import { createCaller } from './root.ts';

let city: Awaited<ReturnType<typeof makeProvince>>;
let duty: SignedIn, press: SignedIn;
beforeAll(async () => {
	city = await makeProvince();
	[duty, press] = await Promise.all([signInAs('duty-a'), signInAs('press-a')]);
});

const asDevice = (s: SignedIn, ownerId: string) => createCaller({ user: s.user, session: s.session, actor: s.actor, ownerId });
const report = (title: string) => ({
	clientKey: randomUUID(),
	title,
	category: 'accident' as const,
	level: 2,
	occurredAt: toIso(new Date(Date.now() - 10 * 60_000)),
	location: '',
	leadUnitId: city.deptA.id,
	description: ''
});
const byTitle = async (title: string) => sql<{ createdBy: string }[]>`select created_by from incidents where title = ${title}`;

describe('an outbox entry sent on a shared phone', () => {
	it('is refused under another person’s session, and nothing is created in their name', async () => {
		const entry = report('共用手机：他人登录时重放');
		const error = await refusal(asDevice(press, duty.user.id).incident.create(entry));
		expect(error.code).toBe('PRECONDITION_FAILED');
		expect(error.message).toBe('这条记录是另一位人员在本机登记的，只能在其本人登录时提交');
		expect(await byTitle(entry.title)).toEqual([]);
	});

	it('is created under its author’s session, once however often it is sent', async () => {
		const entry = report('共用手机：本人登录后重放');
		const first = await asDevice(duty, duty.user.id).incident.create(entry);
		const again = await asDevice(duty, duty.user.id).incident.create(entry);
		expect(again.id).toBe(first.id);
		expect(await byTitle(entry.title)).toEqual([{ createdBy: duty.user.id }]);
	});
});
