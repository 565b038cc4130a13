// 0011 gives sign-off its own name in the database: the reviews table and its constraints, and the timeline
// entries that releases and documents wrote for their sign-off steps before, history included.
import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { migrate } from '../migrate.ts';
import { migrationFiles } from '../migrations.ts';
import { scratchDatabase } from '../test-scratch-db.ts';

const scratch = scratchDatabase('s');

it('renames the reviews and rewrites the sign-off kinds of the timeline, leaving every other entry as it was', async () => {
	const db = await scratch();
	await migrate(db, migrationFiles.filter((f) => f.name < '0011'));
	const release = randomUUID();
	const document = randomUUID();
	const incident = randomUUID();
	const before: [string, string, string][] = [
		['release', release, 'release.created'],
		['release', release, 'release.review_passed'],
		['release', release, 'release.approved'],
		['incident', incident, 'release.approved'],
		['release', release, 'release.signoff_flagged'],
		['release', release, 'release.published'],
		['document', document, 'release.countersigned'],
		['document', document, 'release.rejected'],
		['document', document, 'release.requests_renewed'],
		['document', document, 'release.request_lapsed'],
		['document', document, 'release.review_rejected'],
		['document', document, 'document.submitted']
	];
	for (const [subject, id, kind] of before) await db`insert into timeline_events (subject, subject_id, kind) values (${subject}, ${id}, ${kind})`;

	await migrate(db, migrationFiles);
	const after = await db<{ kind: string }[]>`select kind from timeline_events order by id`;
	expect(after.map((e) => e.kind)).toEqual([
		'release.created',
		'signoff.review_passed',
		'signoff.approved',
		'signoff.approved',
		'signoff.flagged',
		'release.published',
		'signoff.countersigned',
		'signoff.rejected',
		'signoff.renewed',
		'signoff.lapsed',
		'signoff.review_rejected',
		'document.submitted'
	]);
	const [tables] = await db<{ old: string | null; now: string | null }[]>`select to_regclass('release_reviews')::text as old, to_regclass('signoff_reviews')::text as now`;
	expect(tables).toEqual({ old: null, now: 'signoff_reviews' });
	const constraints = await db<{ conname: string }[]>`select conname from pg_constraint where conrelid = 'signoff_reviews'::regclass order by conname`;
	expect(constraints.length).toBeGreaterThan(3);
	expect(constraints.every((c) => c.conname.startsWith('signoff_reviews'))).toBe(true);
});
