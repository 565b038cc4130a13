// A step told to a whole press office at once: every person gets one inbox notice, one delivery linked to it, one
// live announcement and one job for their phone, written in a fixed number of statements; a second run adds nothing.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../db.ts';
import { CHANNEL } from '../live/bus.ts';
import { logMajorIncident, makePerson, makeProvince, makeUnit } from '../test-helpers.ts';
import { timelineOf } from '../timeline/queries.ts';
import { runClock } from './flows.ts';

const PEOPLE = 50;

let city: Awaited<ReturnType<typeof makeProvince>>;
let unitId: string;
let press: { id: string; name: string }[];
let duty: Awaited<ReturnType<typeof makePerson>>;
beforeAll(async () => {
	city = await makeProvince();
	const unit = await makeUnit('江城市交通运输局', city.government.id);
	unitId = unit.id;
	const tag = randomUUID().slice(0, 8);
	duty = await makePerson(unit.id, ['duty'], { username: `fanout-${tag}-duty`, name: '交通值班' });
	press = await Promise.all(
		Array.from({ length: PEOPLE }, (_, i) =>
			makePerson(unit.id, [i % 5 ? 'press_officer' : 'spokesperson'], { username: `fanout-${tag}-${i}`, name: `宣传${String(i).padStart(2, '0')}` })
		)
	);
});

describe('a step told to a whole press office', () => {
	it('gives each of 50 people one notice, one delivery linked to it, one announcement and one phone job; running it again adds nothing', async () => {
		const announced = new Set<string>();
		const listening = await sql.listen(CHANNEL, (payload) => {
			const change = JSON.parse(payload) as { kind: string; personId?: string };
			if (change.kind === 'inbox' && change.personId) announced.add(change.personId);
		});
		try {
			const now = new Date();
			const { incident, fiveHour } = await logMajorIncident(duty, unitId, now, now);
			const first = await runClock(fiveHour!.id, now);
			expect(first.notified).toBe(PEOPLE);

			const linked = await sql<{ personId: string; deliveries: number; notifications: number; linkedToOwn: number }[]>`
				select p.id::text as person_id,
					(select count(*)::int from deliveries d where d.clock_id = ${fiveHour!.id} and d.recipient_id = p.id) as deliveries,
					(select count(*)::int from notifications n where n.clock_id = ${fiveHour!.id} and n.person_id = p.id) as notifications,
					(select count(*)::int from deliveries d join notifications n on n.id = d.notification_id
						where d.clock_id = ${fiveHour!.id} and d.recipient_id = p.id and n.person_id = p.id and d.step_index = 0
							and d.channel = 'inbox' and d.status = 'sent') as linked_to_own
				from people p where p.id = any(${press.map((p) => p.id)}::uuid[])`;
			expect(linked).toHaveLength(PEOPLE);
			expect(linked.filter((r) => r.deliveries !== 1 || r.notifications !== 1 || r.linkedToOwn !== 1)).toEqual([]);

			const jobs = await sql<{ recipientId: string; singletonKey: string }[]>`
				select data->>'recipientId' as recipient_id, singleton_key from pgboss.job
				where name = 'deliver' and data->>'clockId' = ${fiveHour!.id}`;
			expect(jobs.map((j) => j.recipientId).sort()).toEqual(press.map((p) => p.id).sort());
			expect(jobs.every((j) => j.singletonKey === `${fiveHour!.id}:0:${j.recipientId}`)).toBe(true);

			// Announced on commit; the listener hears them a moment later.
			for (let i = 0; i < 100 && announced.size < PEOPLE; i++) await new Promise((ok) => setTimeout(ok, 20));
			expect([...announced].filter((id) => press.some((p) => p.id === id)).length).toBe(PEOPLE);

			const again = await runClock(fiveHour!.id, now);
			expect(again.notified).toBe(0);
			const [counts] = await sql<{ deliveries: number; notifications: number; jobs: number }[]>`
				select (select count(*)::int from deliveries where clock_id = ${fiveHour!.id}) as deliveries,
					(select count(*)::int from notifications where clock_id = ${fiveHour!.id}) as notifications,
					(select count(*)::int from pgboss.job where name = 'deliver' and data->>'clockId' = ${fiveHour!.id}) as jobs`;
			expect(counts).toEqual({ deliveries: PEOPLE, notifications: PEOPLE, jobs: PEOPLE });

			// One line on the timeline, naming everyone told in the audience's order.
			const lines = (await timelineOf(sql, { type: 'incident', id: incident.id })).filter((e) => e.kind === 'clock.notified');
			expect(lines).toHaveLength(1);
			expect((lines[0]!.data as { people: string[] }).people).toEqual(press.map((p) => p.name).sort());
		} finally {
			await listening.unlisten();
		}
	});
});
