// Capturing a public-opinion item: screenshots must be images the person may use, and a refused entry stores
// nothing.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePdf, samplePng } from '../../../../tests/support/sample-files.ts';
import { sql } from '../db.ts';
import { fileAccess, storeFile } from '../files/flows.ts';
import { localStore, type BlobStore } from '../files/store.ts';
import type { SignedIn } from '../test-helpers.ts';
import { sightingsOf } from './queries.ts';
import { at, capture, city, MINUTE, officeAdmin, press, pressB, refusedWith, setUpOpinionWorld } from './test-world.ts';

let dir: string;
let store: BlobStore;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'huiying-opinions-'));
	store = localStore(dir);
	await setUpOpinionWorld();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('screenshots', () => {
	const uploader = (s: SignedIn) => ({ personId: s.user.id, actor: s.actor });

	it('refuses a file that is not an image, naming the field, stores nothing, and takes the same entry with an image', async () => {
		const pdf = await storeFile(samplePdf(), '截图.pdf', uploader(press), store);
		const png = await storeFile(samplePng(), '截图.png', uploader(press), store);
		const clientKey = randomUUID();
		const entry = { clientKey, summary: '网传江城一中学生集体中毒' };
		await refusedWith(capture(press, { ...entry, screenshotIds: [png.id, pdf.id] }), 'screenshotIds', '「截图」只能是图片');
		expect(await sql`select 1 from opinion_items where client_key = ${clientKey}`).toHaveLength(0);
		expect(await sql`select 1 from opinion_sightings where ${pdf.id}::uuid = any(screenshot_ids)`).toHaveLength(0);

		// The phone keeps the rest of the entry: sent again with the image only, it is taken.
		const { item: captured, replay } = await capture(press, { ...entry, screenshotIds: [png.id] });
		expect(replay).toBe(false);
		expect((await sightingsOf(sql, captured.id))[0]!.screenshotIds).toEqual([png.id]);
		// Whoever may see the item may see its screenshot; a department out of reach may not.
		expect(await fileAccess(officeAdmin.user, png.id)).toMatchObject({ id: png.id, mime: 'image/png' });
		expect(await fileAccess(pressB.user, png.id)).toBeNull();
	});

	it('refuses a screenshot the person may not read, or one that does not exist', async () => {
		const theirs = await storeFile(samplePng(), '别人的截图.png', uploader(pressB), store);
		const clientKey = randomUUID();
		await refusedWith(capture(press, { clientKey, screenshotIds: [theirs.id] }), 'screenshotIds', '「截图」中有图片不存在或无权使用，请重新上传');
		await refusedWith(capture(press, { clientKey, screenshotIds: [randomUUID()] }), 'screenshotIds', '「截图」中有图片不存在或无权使用，请重新上传');
		expect(await sql`select 1 from opinion_items where client_key = ${clientKey}`).toHaveLength(0);
	});
});

describe('capturing', () => {
	it('refuses a first sighting in the future and an empty summary, storing nothing', async () => {
		const now = new Date();
		const clientKey = randomUUID();
		await refusedWith(capture(press, { clientKey, firstSeenAt: at(now, 10 * MINUTE) }, now), 'firstSeenAt', '「首次发现时间」不能晚于现在');
		await refusedWith(capture(press, { clientKey, summary: ' \n ' }, now), 'summary', '「内容摘要」必须填写');
		expect(await sql`select 1 from opinion_items where client_key = ${clientKey}`).toHaveLength(0);
		// A phone clock a minute fast is not "the future".
		const { item: captured } = await capture(press, { clientKey, firstSeenAt: at(now, MINUTE) }, now);
		expect(captured.firstSeenAt).toEqual(at(now, MINUTE));
	});

	it('refuses a unit out of the person’s reach', async () => {
		await refusedWith(capture(press, { unitId: city.deptB.id }), 'unitId', '「涉及单位」不是可选的值');
	});
});
