import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../db.ts';
import { putSetting } from '../settings/queries.ts';
import { makeCity, makePerson, makeUnit, signInAs, TEST_ACTOR, type SignedIn } from '../test-helpers.ts';
import { fileAccess, fileForDownload, FileRefused, openFile, removeUnusedUploads, storeFile } from './flows.ts';
import type { FileRow } from './queries.ts';
import { localStore, type BlobStore } from './store.ts';
import { sampleDocx, samplePdf, samplePng, sampleText } from '../../../../tests/support/sample-files.ts';

let dir: string;
let store: BlobStore;
let city: Awaited<ReturnType<typeof makeCity>>;
let deptC: { id: string };
let officeAdmin: SignedIn, sysadmin: SignedIn, staffA: SignedIn, staffB: SignedIn, staffC: SignedIn;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'huiying-files-'));
	store = localStore(dir);
	city = await makeCity();
	deptC = await makeUnit('江城市教育局', city.government.id);
	await makePerson(deptC.id, ['press_officer'], { username: 'staff-c' });
	[officeAdmin, sysadmin, staffA, staffB, staffC] = await Promise.all([
		signInAs('office-admin'),
		signInAs('root-admin'),
		signInAs('staff-a'),
		signInAs('staff-b'),
		signInAs('staff-c')
	]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const uploader = (s: SignedIn) => ({ personId: s.user.id, actor: s.actor });
const read = async (f: FileRow) => new Uint8Array(await new Response(await openFile(f, store)).arrayBuffer());
const storedKeys = async () => (await sql<{ storageKey: string }[]>`select storage_key from files`).map((r) => r.storageKey);

describe('storing a file', () => {
	it('keeps the bytes under a random key, with the sniffed type, the hash and who uploaded it', async () => {
		const png = samplePng();
		const row = await storeFile(png, '现场照片.pdf', uploader(staffA), store);
		expect(row).toMatchObject({ name: '现场照片.pdf', size: png.byteLength, mime: 'image/png', uploadedBy: staffA.user.id });
		expect(row.sha256).toMatch(/^[0-9a-f]{64}$/);
		expect(row.storageKey).not.toContain('现场照片');
		expect(await read(row)).toEqual(png);
		const [entry] = await sql<{ actorId: string; after: { name: string; mime: string }; ip: string }[]>`
			select actor_id, after, ip from audit_log where action = 'file.uploaded' and entity_id = ${row.id}`;
		expect(entry).toMatchObject({ actorId: staffA.user.id, after: { name: '现场照片.pdf', mime: 'image/png' }, ip: TEST_ACTOR.ip });
	});

	it('refuses a text file dressed as a PDF, an empty file and one over the limit, naming 「文件」 and keeping nothing', async () => {
		const before = await storedKeys();
		const refusal = async (bytes: Uint8Array, name: string) => {
			const e = await storeFile(bytes, name, uploader(staffA), store).catch((x: unknown) => x);
			expect(e).toBeInstanceOf(FileRefused);
			return (e as FileRefused).message;
		};
		expect(await refusal(sampleText(), '通知.pdf')).toBe('「文件」是不支持的文件类型（仅限 PDF、图片、Word）');
		expect(await refusal(new Uint8Array(), '空.pdf')).toBe('「文件」为空');
		expect(await refusal(samplePdf(20 * 1024 * 1024 + 1), '大.pdf')).toBe('「文件」超过 20 MB');
		expect(await storedKeys()).toEqual(before);
	});

	it('takes its limit from the office setting files.max_mb', async () => {
		await putSetting(sql, 'files.max_mb', 1, null);
		try {
			await expect(storeFile(samplePdf(1024 * 1024 + 1), '大.pdf', uploader(staffA), store)).rejects.toThrow('「文件」超过 1 MB');
			await expect(storeFile(samplePdf(1024 * 1024), '刚好.pdf', uploader(staffA), store)).resolves.toMatchObject({ mime: 'application/pdf' });
		} finally {
			await putSetting(sql, 'files.max_mb', 20, null);
		}
	});

	it('removes the bytes again when the row cannot be written', async () => {
		const ghost = { personId: randomUUID(), actor: TEST_ACTOR };
		const put: string[] = [];
		const spy: BlobStore = { ...store, put: (key, bytes, mime) => (put.push(key), store.put(key, bytes, mime)) };
		await expect(storeFile(sampleDocx(), '解读.docx', ghost, spy)).rejects.toThrow();
		expect(put).toHaveLength(1);
		expect(existsSync(join(dir, put[0]!))).toBe(false);
	});
});

let serial = 0;

/** A document drafted by `unitId` and interpreted by `interpretingUnitId`, its versions' disclosures in order. */
async function makeDocument(opts: {
	unitId: string;
	interpretingUnitId: string;
	drafterId: string;
	versions: ('proactive' | 'on_request' | 'withheld')[];
	fileIds?: string[];
	materialFileIds?: string[];
}): Promise<string> {
	serial += 1;
	const [doc] = await sql<{ id: string }[]>`
		insert into documents (unit_id, interpreting_unit_id, drafter_id, created_by, current_version)
		values (${opts.unitId}, ${opts.interpretingUnitId}, ${opts.drafterId}, ${opts.drafterId}, ${opts.versions.length})
		returning id`;
	for (const [i, disclosure] of opts.versions.entries()) {
		await sql`
			insert into document_versions (document_id, number, title, disclosure, withheld_reason, file_ids, hash, created_by)
			values (${doc!.id}, ${i + 1}, ${`关于印发政策文件${serial}的通知`}, ${disclosure},
				${disclosure === 'withheld' ? '涉及国家秘密' : ''}, ${i === 0 ? (opts.fileIds ?? []) : []}::uuid[],
				${'0'.repeat(63) + String(i + 1)}, ${opts.drafterId})`;
	}
	if (opts.materialFileIds) {
		const [m] = await sql<{ id: string }[]>`
			insert into materials (document_id, kind, created_by) values (${doc!.id}, 'graphic', ${opts.drafterId}) returning id`;
		await sql`
			insert into material_versions (material_id, number, title, file_ids, hash, created_by)
			values (${m!.id}, 1, '一图读懂', ${opts.materialFileIds}::uuid[], ${'a'.repeat(64)}, ${opts.drafterId})`;
	}
	return doc!.id;
}

describe('who may download a file', () => {
	const may = async (s: SignedIn, f: FileRow) => (await fileAccess(s.user, f.id))?.id === f.id;

	it('lets the uploader read a file attached to nothing, and nobody else but a system administrator', async () => {
		const f = await storeFile(samplePdf(), '草稿.pdf', uploader(staffA), store);
		expect(await may(staffA, f)).toBe(true);
		expect(await may(staffB, f)).toBe(false);
		expect(await may(officeAdmin, f)).toBe(false);
		expect(await may(sysadmin, f)).toBe(true);
	});

	it('opens a document’s files to the drafting unit, its office, and the interpreting unit, but not to another department', async () => {
		const f = await storeFile(samplePdf(), '政策原文.pdf', uploader(staffA), store);
		await makeDocument({ unitId: city.deptA.id, interpretingUnitId: city.deptB.id, drafterId: city.staffA.id, versions: ['proactive'], fileIds: [f.id] });
		const colleague = await signInAs('admin-a');
		expect(await may(colleague, f)).toBe(true);
		expect(await may(officeAdmin, f)).toBe(true);
		expect(await may(staffB, f)).toBe(true);
		expect(await may(staffC, f)).toBe(false);
	});

	it('keeps a withheld document’s files with the drafting unit: the interpreting unit is refused', async () => {
		const f = await storeFile(samplePdf(), '内部文件.pdf', uploader(staffA), store);
		await makeDocument({ unitId: city.deptA.id, interpretingUnitId: city.deptB.id, drafterId: city.staffA.id, versions: ['withheld'], fileIds: [f.id] });
		expect(await may(await signInAs('admin-a'), f)).toBe(true);
		expect(await may(officeAdmin, f)).toBe(true);
		expect(await may(staffB, f)).toBe(false);
		expect(await may(staffC, f)).toBe(false);
	});

	it('follows the current version: a document withheld after a proactive draft closes its files to the interpreting unit', async () => {
		const f = await storeFile(samplePdf(), '初稿.pdf', uploader(staffA), store);
		await makeDocument({ unitId: city.deptA.id, interpretingUnitId: city.deptB.id, drafterId: city.staffA.id, versions: ['proactive', 'withheld'], fileIds: [f.id] });
		expect(await may(staffB, f)).toBe(false);
		const g = await storeFile(samplePdf(), '依申请公开.pdf', uploader(staffA), store);
		await makeDocument({ unitId: city.deptA.id, interpretingUnitId: city.deptB.id, drafterId: city.staffA.id, versions: ['proactive', 'on_request'], fileIds: [g.id] });
		expect(await may(staffB, g)).toBe(true);
	});

	it('keeps a withheld version’s file with the drafting unit when a later version is public without it', async () => {
		const f = await storeFile(samplePdf(), '涉密附件.pdf', uploader(staffA), store);
		await makeDocument({ unitId: city.deptA.id, interpretingUnitId: city.deptB.id, drafterId: city.staffA.id, versions: ['withheld', 'proactive'], fileIds: [f.id] });
		expect(await may(staffB, f)).toBe(false);
		expect(await may(staffC, f)).toBe(false);
		expect(await may(await signInAs('admin-a'), f)).toBe(true);
		expect(await may(officeAdmin, f)).toBe(true);
	});

	it('opens files of an interpretation material as those of its document', async () => {
		const f = await storeFile(samplePng(), '一图读懂.png', uploader(staffB), store);
		await makeDocument({ unitId: city.deptA.id, interpretingUnitId: city.deptB.id, drafterId: city.staffA.id, versions: ['proactive'], materialFileIds: [f.id] });
		expect(await may(staffA, f)).toBe(true);
		expect(await may(staffC, f)).toBe(false);
	});

	it('answers nothing for an id that is not a file, or not an id at all', async () => {
		expect(await fileAccess(sysadmin.user, randomUUID())).toBeNull();
		expect(await fileAccess(sysadmin.user, 'not-a-uuid')).toBeNull();
	});

	it('opens a file nothing holds yet only to its uploader, so nobody opens up a file by attaching its id', async () => {
		const mine = await storeFile(samplePdf(), '我的.pdf', uploader(staffC), store);
		const theirs = await storeFile(samplePdf(), '别人的.pdf', uploader(staffA), store);
		expect((await fileAccess(staffC.user, mine.id))?.id).toBe(mine.id);
		expect(await fileAccess(staffC.user, theirs.id)).toBeNull();
	});

	it('for a download, records a refused read of a file out of reach, and nothing for one in reach', async () => {
		const theirs = await storeFile(samplePdf(), '别人的方案.pdf', uploader(staffA), store);
		const refusals = async () =>
			sql<{ actorId: string; entityId: string }[]>`
				select actor_id::text, entity_id from audit_log where action = 'access.refused' and entity = 'file' and entity_id = ${theirs.id}`;
		expect(await fileForDownload(staffC.user, theirs.id, staffC.actor)).toBeNull();
		expect(await refusals()).toEqual([{ actorId: staffC.user.id, entityId: theirs.id }]);
		expect((await fileForDownload(staffA.user, theirs.id, staffA.actor))?.id).toBe(theirs.id);
		expect(await refusals()).toHaveLength(1);
	});
});

describe('uploads no record took up', () => {
	const exists = async (id: string) => (await sql`select 1 from files where id = ${id}`).length > 0;
	const age = (f: FileRow, hours: number) => sql`update files set created_at = now() - make_interval(hours => ${hours}) where id = ${f.id}`;

	it('are removed after a day, row and bytes, while anything a document, material or opinion item holds stays', async () => {
		const { captureItem } = await import('../opinions/flows.ts');
		const { authorFor } = await import('../test-helpers.ts');
		const abandoned = await storeFile(samplePng(), '没提交的截图.png', uploader(staffA), store);
		const recent = await storeFile(samplePng(), '刚上传.png', uploader(staffA), store);
		const attached = await storeFile(samplePdf(), '政策原文.pdf', uploader(staffA), store);
		const inMaterial = await storeFile(samplePng(), '图解.png', uploader(staffA), store);
		const screenshot = await storeFile(samplePng(), '舆情截图.png', uploader(staffA), store);
		await makeDocument({ unitId: city.deptA.id, interpretingUnitId: city.deptA.id, drafterId: city.staffA.id, versions: ['proactive'], fileIds: [attached.id], materialFileIds: [inMaterial.id] });
		await captureItem(
			{ clientKey: randomUUID(), source: 'weibo', url: null, summary: '网传化工园区爆炸', firstSeenAt: new Date(), type: 'rumour', unitId: city.deptA.id, screenshotIds: [screenshot.id], deviceRecordedAt: null },
			{ ...authorFor(city.staffA), unitId: city.staffA.unitId }
		);
		for (const f of [abandoned, attached, inMaterial, screenshot]) await age(f, 25);
		await age(recent, 23);

		const { removed } = await removeUnusedUploads(new Date(), store);
		expect(removed).toBeGreaterThanOrEqual(1);
		expect(await exists(abandoned.id)).toBe(false);
		expect(await openFile(abandoned, store)).toBeNull();
		for (const kept of [recent, attached, inMaterial, screenshot]) {
			expect(await exists(kept.id)).toBe(true);
			expect(await read(kept)).toEqual(kept.mime === 'application/pdf' ? samplePdf() : samplePng());
		}
		const [entry] = await sql<{ before: { name: string } }[]>`select before from audit_log where action = 'file.removed_unused' and entity_id = ${abandoned.id}`;
		expect(entry!.before.name).toBe('没提交的截图.png');
		// Nothing left to do: a second run removes nothing.
		expect((await removeUnusedUploads(new Date(), store)).removed).toBe(0);
	});
});
