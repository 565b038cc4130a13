import type { Tx } from '../db.ts';

export interface ExpertRow {
	id: string;
	name: string;
	field: string;
	organisation: string;
	contact: string;
	active: boolean;
	createdBy: string;
	createdAt: Date;
	updatedAt: Date;
}

export interface ExpertFields {
	name: string;
	field: string;
	organisation: string;
	contact: string;
}

const select = (db: Tx) => db`
	select e.id, e.name, e.field, e.organisation, e.contact, e.active, e.created_by, e.created_at, e.updated_at
	from experts e`;

export async function listExperts(db: Tx, opts: { includeInactive: boolean }): Promise<ExpertRow[]> {
	return db<ExpertRow[]>`
		${select(db)}
		where ${opts.includeInactive} or e.active
		order by e.active desc, convert_to(e.name, 'GB18030'), e.created_at`;
}

export async function getExpert(db: Tx, id: string): Promise<ExpertRow | undefined> {
	const [row] = await db<ExpertRow[]>`${select(db)} where e.id = ${id}`;
	return row;
}

export async function lockExpert(db: Tx, id: string): Promise<ExpertRow | undefined> {
	const [row] = await db<ExpertRow[]>`${select(db)} where e.id = ${id} for update`;
	return row;
}

/** Another expert in the pool with the same name at the same organisation. */
export async function findTwin(db: Tx, f: Pick<ExpertFields, 'name' | 'organisation'>, exceptId: string | null): Promise<string | undefined> {
	const [row] = await db<{ id: string }[]>`
		select id from experts
		where name = ${f.name} and organisation = ${f.organisation} and id is distinct from ${exceptId}::uuid
		limit 1`;
	return row?.id;
}

export async function insertExpert(db: Tx, f: ExpertFields, createdBy: string): Promise<string> {
	const [row] = await db<{ id: string }[]>`
		insert into experts (name, field, organisation, contact, created_by)
		values (${f.name}, ${f.field}, ${f.organisation}, ${f.contact}, ${createdBy})
		returning id`;
	return row!.id;
}

export async function updateExpert(db: Tx, id: string, f: ExpertFields): Promise<void> {
	await db`
		update experts set name = ${f.name}, field = ${f.field}, organisation = ${f.organisation}, contact = ${f.contact},
			updated_at = now()
		where id = ${id}`;
}

export async function setExpertActive(db: Tx, id: string, active: boolean): Promise<void> {
	await db`update experts set active = ${active}, updated_at = now() where id = ${id}`;
}
