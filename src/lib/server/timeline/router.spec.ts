// A long record read a page at a time: a subject's page carries its latest lines, and 显示更早的记录 reads the older
// ones page after page until all of them were shown once, in the order they happened (by the minute, then as
// written); someone who cannot see the subject reads none of it.
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../db.ts';
import { makeCity, refusal, signInAs, walkPages, type SignedIn } from '../test-helpers.ts';
import { logMajorIncident } from '../test-helpers.ts';
import { timelineFor } from './queries.ts';

let city: Awaited<ReturnType<typeof makeCity>>;
let staffA: SignedIn;
let staffB: SignedIn;
let incidentId: string;

beforeAll(async () => {
	city = await makeCity();
	[staffA, staffB] = await Promise.all([signInAs('staff-a'), signInAs('staff-b')]);
	const occurred = new Date(Date.now() - 10 * 86_400_000);
	incidentId = (await logMajorIncident(city.staffA, city.deptA.id, occurred)).incident.id;
	// 250 lines over ten days, three to a minute: one written later with an earlier second of the same minute (a time
	// a person entered, without seconds), so only the order of writing keeps them in order within the minute.
	await sql`
		insert into timeline_events (subject, subject_id, kind, actor_id, data, at)
		select 'incident', ${incidentId}, 'incident.updated', ${city.staffA.id}, jsonb_build_object('n', n),
			${occurred}::timestamptz + (n / 3) * interval '1 hour' + case n % 3 when 0 then interval '40 seconds' when 1 then interval '10 seconds' else interval '50 seconds' end
		from generate_series(1, 250) as n
		order by n`;
});

describe('a subject’s timeline, a page at a time', () => {
	it('shows the latest lines on the subject’s page and reads every older one once, in order', async () => {
		const whole = await timelineFor(sql, { type: 'incident', id: incidentId }, { scope: city.deptA.id, personId: city.staffA.id });
		expect(whole.length).toBeGreaterThan(250);

		const incident = await staffA.caller.incident.byId({ id: incidentId });
		expect(incident.timeline).toHaveLength(100);
		expect(incident.timeline.map((e) => e.id)).toEqual(whole.slice(-100).map((e) => e.id));
		expect(incident.timeline[0]!.line).toBe(whole.at(-100)!.line);
		expect(incident.timelineOlder).not.toBeNull();

		// 显示更早的记录: each page newest first, each before the one read before it
		const older = await walkPages(
			(cursor) => staffA.caller.timeline.older({ subject: 'incident', id: incidentId, cursor: cursor ?? incident.timelineOlder! }),
			100
		);
		expect(older.pages).toBe(Math.ceil((whole.length - 100) / 100));
		expect([...older.rows].reverse().concat(incident.timeline).map((e) => e.id)).toEqual(whole.map((e) => e.id));
	});

	it('reads nothing of a subject out of the reader’s reach, and refuses a cursor it did not give', async () => {
		const { timelineOlder } = await staffA.caller.incident.byId({ id: incidentId });
		expect((await refusal(staffB.caller.timeline.older({ subject: 'incident', id: incidentId, cursor: timelineOlder! }))).code).toBe('NOT_FOUND');
		expect((await refusal(staffA.caller.timeline.older({ subject: 'incident', id: incidentId, cursor: 'bm90LWEtY3Vyc29y' }))).code).toBe('BAD_REQUEST');
	});

	it('carries no cursor for a record that fits on its page', async () => {
		const short = (await logMajorIncident(city.staffA, city.deptA.id, new Date())).incident.id;
		const incident = await staffA.caller.incident.byId({ id: short });
		expect(incident.timeline.length).toBeGreaterThan(0);
		expect(incident.timelineOlder).toBeNull();
	});
});
