// Why a sign-off closed is stored as a message key with its parameters and read in each reader's language; a
// leader's typed reason stays their words; rows written before migration 0017 keep their words as they were.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { render } from '../../i18n/index.ts';
import { migrate } from '../migrate.ts';
import { migrationFiles } from '../migrations.ts';
import { scratchDatabase } from '../test-scratch-db.ts';
import { sql } from '../db.ts';
import { inLocale } from '../locale.ts';
import { approveWithPassword, press, requestsOf, setUpReleaseWorld, submitted, viceMayor } from '../releases/test-world.ts';

beforeAll(setUpReleaseWorld);

describe('a void reason', () => {
	it('is stored as its key and parameters, and reads in English for an English reader and in Chinese for a Chinese one', async () => {
		const r = await submitted(press);
		await approveWithPassword(viceMayor, r.id);
		const edited = await press.caller.release.update({ id: r.id, baseVersion: 1, title: r.title, body: `${r.body}\n\n补充：道路已恢复通行。`, talkingPoints: r.talkingPoints, channels: r.channels });

		const [row] = await sql<{ voidReason: unknown }[]>`select void_reason from approvals where release_id = ${r.id}`;
		expect(row!.voidReason).toEqual({ key: 'release.void_edited', params: { code: edited.code } });

		// What the release's page receives: rendered on the server, in the language of the request.
		const read = (locale: 'en' | 'zh-CN') => inLocale(locale, () => press.caller.release.byId({ id: r.id }));
		expect((await read('en')).approvals[0]!.voidReason).toBe(`Release changed (version ${edited.code}); the earlier sign-off no longer applies`);
		expect((await read('zh-CN')).approvals[0]!.voidReason).toBe(`稿件已修改（版本 ${edited.code}），原签发失效`);
	});

	it("keeps a leader's rejection in their words, whichever language it is read in", async () => {
		const r = await submitted(press);
		const q = r.requests[0]!;
		await viceMayor.caller.signoff.reject({ kind: 'release', id: r.id, requestId: q.id, reason: '请补充伤亡人数的来源' });
		const [row] = await sql<{ reason: unknown }[]>`select reason from signoff_requests where id = ${q.id}`;
		expect(row!.reason).toEqual({ key: 'reasons.typed', params: { text: '请补充伤亡人数的来源' } });
		const seen = await inLocale('en', () => press.caller.release.byId({ id: r.id }));
		expect(seen.requests.find((x) => x.id === q.id)!.reason).toBe('请补充伤亡人数的来源');
	});

	it('written before reasons were keys, still reads as it was written', async () => {
		const r = await submitted(press);
		await approveWithPassword(viceMayor, r.id);
		// the form migration 0017 gives an old row
		await sql`update approvals set voided_at = now(), void_reason = ${sql.json({ key: 'common.verbatim', params: { text: '稿件已修改（版本 9C1E），原签发失效' } })} where release_id = ${r.id}`;
		for (const locale of ['zh-CN', 'en'] as const) {
			const seen = await inLocale(locale, () => press.caller.release.byId({ id: r.id }));
			expect(seen.approvals[0]!.voidReason).toBe('稿件已修改（版本 9C1E），原签发失效');
		}
	});
});

describe('migration 0017', () => {
	const scratch = scratchDatabase('r');

	it('keeps every reason written before as its words, under common.verbatim, and an empty one empty', async () => {
		const db = await scratch();
		await migrate(db, migrationFiles.filter((f) => f.name < '0017'));
		// Only the reasons matter here: the rows they hang on are left out (foreign keys off for this session).
		await db`set session_replication_role = replica`;
		const [rejected, open] = [randomUUID(), randomUUID()];
		const request = (id: string, status: string, reason: string | null) => db`
			insert into signoff_requests (id, release_id, version, version_hash, seat, unit_id, requested_by, expires_at, status, reason)
			values (${id}, ${randomUUID()}, 1, 'h', 'sign', ${randomUUID()}, ${randomUUID()}, now(), ${status}, ${reason})`;
		await request(rejected, 'rejected', '数据来源需注明');
		await request(open, 'open', null);
		await db`
			insert into approvals (release_id, request_id, version, version_hash, person_id, factor, voided_at, void_reason)
			values (${randomUUID()}, ${rejected}, 1, 'h', ${randomUUID()}, 'password', now(), '稿件已撤回')`;
		await db`set session_replication_role = origin`;

		await migrate(db, migrationFiles);
		const requests = await db<{ id: string; reason: unknown }[]>`select id, reason from signoff_requests`;
		expect(Object.fromEntries(requests.map((q) => [q.id, q.reason]))).toEqual({
			[rejected]: { key: 'common.verbatim', params: { text: '数据来源需注明' } },
			[open]: null
		});
		const [approval] = await db<{ voidReason: { key: 'common.verbatim'; params: { text: string } } }[]>`select void_reason as "voidReason" from approvals`;
		expect(render(approval!.voidReason, 'en')).toBe('稿件已撤回');
	});
});
