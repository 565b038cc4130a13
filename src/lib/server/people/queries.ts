import type { Role } from '../../roles.ts';
import type { Tx } from '../db.ts';
import { allOf } from '../pages.ts';
import { holdsWords } from '../search.ts';
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

/** Where the next page of the list starts: the name and id of the last person shown. */
export type PersonCursor = [name: string, id: string];

export interface PersonFilter {
	/** the people of this unit itself (within reach) */
	unitId: string | null;
	role: Role | null;
	active: boolean | null;
	/** words of a name, username or phone number, each to be found */
	words: string[];
	after: PersonCursor | null;
	/** rows to read: the page and one more, to know there is more */
	limit: number;
}

/**
 * People in reach by name, in the order a Chinese reader expects (pinyin, migration 0021), after the cursor. Only
 * the conditions asked for are written, so PostgreSQL plans each for itself: the name index for a wide reach, the
 * unit's for one unit, the pairs of characters for a search.
 */
export async function listPeople(db: Tx, scopeRoot: string | null, f: PersonFilter): Promise<PersonRow[]> {
	const conditions = [inScope(db, scopeRoot)];
	if (f.unitId) conditions.push(db`p.unit_id = ${f.unitId}::uuid`);
	if (f.role) conditions.push(db`${f.role} = any(p.roles)`);
	if (f.active !== null) conditions.push(db`p.active = ${f.active}`);
	conditions.push(...holdsWords(db, 'p.search_text', 'p.search_bigrams', f.words));
	if (f.after) {
		const [name, id] = f.after;
		conditions.push(db`(p.name collate "zh-x-icu", p.id) > (${name}, ${id}::uuid)`);
	}
	return db<PersonRow[]>`
		${select(db)}
		where ${allOf(db, conditions)}
		order by p.name collate "zh-x-icu", p.id
		limit ${f.limit}`;
}

export const personCursorOf = (p: PersonRow): PersonCursor => [p.name, p.id];

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
