// A long record on a phone: an incident escalated for days has more lines than its page shows at first. The page
// shows the latest, in the order they happened; 显示更早的记录 reads the older ones above them, page after page.
import { expect, test } from '@playwright/test';
import postgres from 'postgres';
import { freePort } from '../../scripts/lib/embedded-pg.ts';
import { serveApp } from '../../scripts/lib/serve.ts';
import { cleanupsAfterEach, ownDemoDatabase } from './push-support.ts';
import { DEMO_PASSWORD, ready, shootPhone, signInDirectly } from './support.ts';

const cleanups = cleanupsAfterEach();
// A database of its own: an incident with 230 lines would show on the other specs' lists.
const database = ownDemoDatabase('huiying_timeline');
const SHOTS = process.env.SHOTS_DIR;

test('an incident with a long record shows its latest lines and reads the earlier ones on request', async ({ page }) => {
	test.setTimeout(SHOTS ? 180_000 : 60_000);
	const db = postgres(database.url, { max: 1, onnotice: () => {} });
	cleanups.push(() => db.end({ timeout: 5 }));
	const [incident] = await db<{ id: string }[]>`
		insert into incidents (title, category, level, occurred_at, lead_unit_id, status, created_by, client_key, body_hash)
		select '城北水厂停水', 'accident', 3, now() - interval '3 days', p.unit_id, 'open', p.id, gen_random_uuid(), 'h'
		from people p where p.username = 'em-duty'
		returning id`;
	// 230 notes, one every quarter of an hour, numbered so the order can be read on the screen
	await db`
		insert into timeline_events (subject, subject_id, kind, actor_id, data, at)
		select 'incident', ${incident!.id}, 'incident.updated', p.id, jsonb_build_object('fields', jsonb_build_array('description')),
			now() - interval '3 days' + n * interval '15 minutes'
		from generate_series(1, 230) as n, (select id from people where username = 'em-duty') p
		order by n`;
	const server = await serveApp({ databaseUrl: database.url, port: await freePort(), buildDir: process.env.E2E_BUILD_DIR, quiet: true, env: { SHUTDOWN_TIMEOUT: '1' } });
	cleanups.push(() => server.stop());

	await signInDirectly(page, 'em-duty', DEMO_PASSWORD, server.url, `/incidents/${incident!.id}`);
	const lines = page.locator('ol.timeline > li');
	await expect(lines).toHaveCount(100);
	const earlier = page.getByRole('button', { name: '显示更早的记录' });
	await earlier.scrollIntoViewIfNeeded();
	await shootPhone(page, SHOTS, 'timeline-latest');
	const firstShown = await lines.first().locator('time').getAttribute('datetime');

	await earlier.tap();
	await expect(lines).toHaveCount(200);
	// the older page goes above the latest, in order: the line shown first before is now the 101st
	await expect(lines.nth(100).locator('time')).toHaveAttribute('datetime', firstShown!);
	await earlier.tap();
	await expect(lines).toHaveCount(230);
	await expect(earlier).toHaveCount(0);
	const times = await lines.locator('time').evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime')!));
	expect([...times].sort()).toEqual(times);
	await shootPhone(page, SHOTS, 'timeline-all');
});
