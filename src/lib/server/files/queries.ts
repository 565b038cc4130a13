import type { Tx } from '../db.ts';

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
 * any; anyone else through a document the file is attached to (a version of the document, or a version of one
 * of its interpretation materials) when their reach includes the drafting unit, or the interpreting unit unless
 * the document's current version is withheld (不予公开: its files stay with the drafting unit); a screenshot of a
 * public-opinion sighting to whoever may see the item.
 */
export async function readableFile(db: Tx, id: string, personId: string, scopeRoot: string | null): Promise<FileRow | undefined> {
	const [row] = await db<FileRow[]>`
		${select(db)}
		where f.id = ${id} and (
			f.uploaded_by = ${personId}
			or ${scopeRoot}::uuid is null
			or exists (
				select 1
				from documents d
				join document_versions cv on cv.document_id = d.id and cv.number = d.current_version
				where (
					exists (select 1 from document_versions v where v.document_id = d.id and f.id = any (v.file_ids))
					or exists (
						select 1 from materials m join material_versions mv on mv.material_id = m.id
						where m.document_id = d.id and f.id = any (mv.file_ids))
				) and (
					d.unit_id in (select unit_subtree(${scopeRoot}::uuid))
					or (cv.disclosure <> 'withheld' and d.interpreting_unit_id in (select unit_subtree(${scopeRoot}::uuid)))
				)
			)
			-- a screenshot of a public-opinion sighting: whoever may see the item
			or exists (
				select 1 from opinion_sightings s join opinion_items o on o.id = s.item_id
				where f.id = any (s.screenshot_ids) and o.unit_id in (select unit_subtree(${scopeRoot}::uuid))
			)
		)`;
	return row;
}
