import type { Tx } from '../db.ts';
import { documentVisible, versionVisible } from '../documents/index.ts';
import { inReach, reachesEveryUnit } from '../units/index.ts';

export interface FileRow {
	id: string;
	sha256: string;
	size: number;
	mime: string;
	name: string;
	storageKey: string;
	uploadedBy: string;
	createdAt: Date;
}

const select = (db: Tx) => db`
	select f.id, f.sha256, f.size::float8 as size, f.mime, f.name, f.storage_key, f.uploaded_by, f.created_at
	from files f`;

export async function insertFile(
	db: Tx,
	f: { sha256: string; size: number; mime: string; name: string; storageKey: string; uploadedBy: string }
): Promise<FileRow> {
	const [row] = await db<{ id: string }[]>`
		insert into files (sha256, size, mime, name, storage_key, uploaded_by)
		values (${f.sha256}, ${f.size}, ${f.mime}, ${f.name}, ${f.storageKey}, ${f.uploadedBy})
		returning id`;
	return (await getFile(db, row!.id))!;
}

export async function getFile(db: Tx, id: string): Promise<FileRow | undefined> {
	const [row] = await db<FileRow[]>`${select(db)} where f.id = ${id}`;
	return row;
}

/** The largest file the office allows, in bytes (setting `files.max_mb`, 20 unless changed). */
export async function maxFileBytes(db: Tx): Promise<number> {
	const [row] = await db<{ mb: number | null }[]>`select (value #>> '{}')::float8 as mb from settings where key = 'files.max_mb'`;
	const mb = row?.mb && row.mb > 0 ? row.mb : 20;
	return Math.floor(mb * 1024 * 1024);
}

/**
 * The file when this person may read it. Its uploader always may; a system administrator (scope null) may read
 * any; anyone else exactly when something holding it is visible to them: a version of a document (a withheld
 * version, 不予公开, only to the drafting unit's reach and its signers, whatever later versions say), a version
 * of one of the document's interpretation materials (whoever sees the document), a screenshot of a
 * public-opinion sighting (whoever may see the item).
 */
export async function readableFile(db: Tx, id: string, personId: string, scopeRoot: string | null): Promise<FileRow | undefined> {
	const [row] = await db<FileRow[]>`
		${select(db)}
		where f.id = ${id} and (
			f.uploaded_by = ${personId}
			or ${reachesEveryUnit(scopeRoot) ? db`true` : db`false`}
			or exists (
				select 1
				from documents d
				join document_versions v on v.document_id = d.id and v.number = d.current_version
				where exists (
						select 1 from document_versions hv
						where hv.document_id = d.id and f.id = any (hv.file_ids) and ${versionVisible(db, scopeRoot, personId)})
					or (${documentVisible(db, scopeRoot, personId)} and exists (
						select 1 from materials m join material_versions mv on mv.material_id = m.id
						where m.document_id = d.id and f.id = any (mv.file_ids)))
			)
			or exists (
				select 1 from opinion_sightings s join opinion_items o on o.id = s.item_id
				where f.id = any (s.screenshot_ids) and ${inReach(db, 'o.unit_id', scopeRoot)}
			)
		)`;
	return row;
}

/** How much a person may upload in 24 hours (settings `files.daily_max_files`, `files.daily_max_mb`: 200 files, 1 GB). */
export async function dailyUploadLimits(db: Tx): Promise<{ files: number; bytes: number }> {
	const rows = await db<{ key: string; n: number | null }[]>`
		select key, (value #>> '{}')::float8 as n from settings where key in ('files.daily_max_files', 'files.daily_max_mb')`;
	const setting = (key: string, fallback: number) => {
		const n = rows.find((r) => r.key === key)?.n;
		return n && n > 0 ? n : fallback;
	};
	return { files: Math.floor(setting('files.daily_max_files', 200)), bytes: Math.floor(setting('files.daily_max_mb', 1024) * 1024 * 1024) };
}

/** What `personId` uploaded since `since`: how many files, how many bytes, and when the earliest of them came. */
export async function uploadsSince(db: Tx, personId: string, since: Date): Promise<{ files: number; bytes: number; earliest: Date | null }> {
	const [row] = await db<{ files: number; bytes: number; earliest: Date | null }[]>`
		select count(*)::int as files, coalesce(sum(size), 0)::float8 as bytes, min(created_at) as earliest
		from files where uploaded_by = ${personId} and created_at > ${since}`;
	return row!;
}

/** Files uploaded before `before` that no document version, material version or opinion sighting holds. */
const unreferenced = (db: Tx) => db`
	not exists (select 1 from document_versions v where v.file_ids @> array[f.id])
	and not exists (select 1 from material_versions v where v.file_ids @> array[f.id])
	and not exists (select 1 from opinion_sightings s where s.screenshot_ids @> array[f.id])`;

/**
 * Deletes up to `limit` file rows uploaded before `before` that no record holds, and returns them for their
 * blobs to be removed. The check and the delete are one statement, so a file taken up meanwhile stays.
 */
export async function deleteUnreferencedFiles(db: Tx, before: Date, limit: number): Promise<Pick<FileRow, 'id' | 'storageKey' | 'name' | 'size' | 'uploadedBy'>[]> {
	return db<Pick<FileRow, 'id' | 'storageKey' | 'name' | 'size' | 'uploadedBy'>[]>`
		delete from files f
		where f.id in (select f.id from files f where f.created_at < ${before} and ${unreferenced(db)} order by f.created_at limit ${limit})
			and ${unreferenced(db)}
		returning f.id, f.storage_key, f.name, f.size::float8 as size, f.uploaded_by`;
}
