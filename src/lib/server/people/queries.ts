import type { Role } from '../../roles.ts';
import type { Tx } from '../db.ts';
import { inReach } from '../units/index.ts';

export interface PersonRow {
	id: string;
	name: string;
	username: string | null;
	phone: string | null;
	unitId: string;
	unitName: string;
	roles: Role[];
	active: boolean;
	createdAt: Date;
	updatedAt: Date;
}

const select = (db: Tx) => db`
	select p.id, p.name, p.username, p.phone, p.unit_id, u.name as unit_name, p.roles, p.active, p.created_at, p.updated_at
	from people p join units u on u.id = p.unit_id`;

const inScope = (db: Tx, scopeRoot: string | null) =>
	inReach(db, 'p.unit_id', scopeRoot);

export async function listPeople(db: Tx, scopeRoot: string | null, unitId: string | null): Promise<PersonRow[]> {
	return db<PersonRow[]>`
		${select(db)}
		where ${inScope(db, scopeRoot)} and (${unitId}::uuid is null or p.unit_id = ${unitId}::uuid)
		order by u.name, p.name`;
}

export async function getPerson(db: Tx, id: string, scopeRoot: string | null): Promise<PersonRow | undefined> {
	const [row] = await db<PersonRow[]>`${select(db)} where p.id = ${id} and ${inScope(db, scopeRoot)}`;
	return row;
}

export interface PersonInput {
	name: string;
	username: string | null;
	phone: string | null;
	unitId: string;
	roles: Role[];
}

export async function insertPerson(db: Tx, p: PersonInput, passwordHash: string): Promise<string> {
	const [row] = await db<{ id: string }[]>`
		insert into people (name, username, phone, unit_id, roles, password_hash)
		values (${p.name}, ${p.username}, ${p.phone}, ${p.unitId}, ${p.roles}, ${passwordHash})
		returning id`;
	return row!.id;
}

export async function updatePerson(db: Tx, id: string, p: PersonInput): Promise<void> {
	await db`
		update people set name = ${p.name}, username = ${p.username}, phone = ${p.phone}, unit_id = ${p.unitId},
			roles = ${p.roles}, updated_at = now()
		where id = ${id}`;
}

export async function setPersonActive(db: Tx, id: string, active: boolean): Promise<void> {
	await db`update people set active = ${active}, updated_at = now() where id = ${id}`;
}

export async function setPasswordHash(db: Tx, id: string, passwordHash: string): Promise<void> {
	await db`update people set password_hash = ${passwordHash}, updated_at = now() where id = ${id}`;
}

export async function getPasswordHash(db: Tx, id: string): Promise<string | undefined> {
	const [row] = await db<{ passwordHash: string }[]>`select password_hash from people where id = ${id}`;
	return row?.passwordHash;
}

/** Which of the sign-in names is already someone else's. */
export async function takenLogins(
	db: Tx,
	username: string | null,
	phone: string | null,
	exceptId: string | null
): Promise<{ username: boolean; phone: boolean }> {
	const [row] = await db<{ username: boolean; phone: boolean }[]>`
		select
			exists (select 1 from people where ${username}::text is not null and username = ${username}::text
				and (${exceptId}::uuid is null or id <> ${exceptId}::uuid)) as username,
			exists (select 1 from people where ${phone}::text is not null and phone = ${phone}::text
				and (${exceptId}::uuid is null or id <> ${exceptId}::uuid)) as phone`;
	return row!;
}
