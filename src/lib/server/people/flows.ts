import { SYSADMIN_GRANTED, type Role } from '../../roles.ts';
import type { Locale } from '../../paraglide/runtime.js';
import { audit, type Actor } from '../audit/index.ts';
import { hashPassword, passwordProblem, verifyPassword, invalidatePersonSessions, removeTotp, ACCOUNT_MAX_FAILURES, clearFailures, isLocked, recordFailure } from '../auth/index.ts';
import { sql, type Tx } from '../db.ts';
import { FieldError, forbidden, notFound } from '../errors.ts';
import { getUnit } from '../units/index.ts';
import {
	getPasswordHash,
	getPerson,
	insertPerson,
	setPasswordHash,
	setPersonActive,
	takenLogins,
	updatePerson,
	type PersonInput,
	type PersonRow
} from './queries.ts';

export interface Granter {
	roles: readonly Role[];
	scope: string | null;
}

function checkPassword(field: string, password: string) {
	const problem = passwordProblem(password);
	if (problem) throw new FieldError(field, problem);
}

async function checkPersonInput(tx: Tx, p: PersonInput, granter: Granter, exceptId: string | null) {
	if (!p.username && !p.phone) throw new FieldError('username', 'people.login_required');
	if (p.roles.length === 0) throw new FieldError('roles', 'people.no_roles');
	if (p.roles.includes('sysadmin') && !granter.roles.includes('sysadmin')) throw new FieldError('roles', 'people.sysadmin_only');
	if (p.roles.includes('auditor') && !granter.roles.includes('sysadmin')) throw new FieldError('roles', 'people.auditor_sysadmin_only');
	if (p.roles.includes('auditor') && p.roles.length > 1) throw new FieldError('roles', 'people.auditor_alone');
	const unit = await getUnit(tx, p.unitId, granter.scope);
	if (!unit || !unit.active) throw new FieldError('unitId', 'error.invalid_choice');
	const taken = await takenLogins(tx, p.username, p.phone, exceptId);
	if (taken.username) throw new FieldError('username', 'people.username_taken');
	if (taken.phone) throw new FieldError('phone', 'people.phone_taken');
}

/** Audited copy of a person: never the password hash. */
function snapshot(p: PersonRow) {
	const { createdAt: _c, updatedAt: _u, ...rest } = p;
	return rest;
}

export async function createPerson(p: PersonInput, password: string, granter: Granter, actor: Actor): Promise<PersonRow> {
	checkPassword('password', password);
	const passwordHash = await hashPassword(password);
	return sql.begin(async (tx) => {
		await checkPersonInput(tx, p, granter, null);
		const id = await insertPerson(tx, p, passwordHash);
		const row = (await getPerson(tx, id, null))!;
		await audit(tx, actor, { action: 'person.created', entity: 'person', entityId: id, after: snapshot(row) });
		return row;
	});
}

export async function editPerson(id: string, p: PersonInput, granter: Granter, actor: Actor): Promise<PersonRow> {
	return sql.begin(async (tx) => {
		const before = await getPerson(tx, id, granter.scope);
		if (!before) throw notFound();
		// A system administrator's account is changed only by a system administrator.
		if (before.roles.includes('sysadmin') && !granter.roles.includes('sysadmin')) throw forbidden();
		await checkPersonInput(tx, p, granter, id);
		await updatePerson(tx, id, p);
		const after = (await getPerson(tx, id, null))!;
		await audit(tx, actor, { action: 'person.updated', entity: 'person', entityId: id, before: snapshot(before), after: snapshot(after) });
		return after;
	});
}

/** Deactivation ends every session of that person at once. */
export async function setPersonActivity(id: string, active: boolean, granter: Granter, actor: Actor): Promise<PersonRow> {
	if (!active && id === actor.personId) throw new FieldError('id', 'people.self_deactivate');
	return sql.begin(async (tx) => {
		const before = await getPerson(tx, id, granter.scope);
		if (!before) throw notFound();
		if (before.roles.includes('sysadmin') && !granter.roles.includes('sysadmin')) throw forbidden();
		await setPersonActive(tx, id, active);
		if (!active) await invalidatePersonSessions(tx, id);
		const after = (await getPerson(tx, id, null))!;
		await audit(tx, actor, {
			action: active ? 'person.reactivated' : 'person.deactivated',
			entity: 'person',
			entityId: id,
			before: snapshot(before),
			after: snapshot(after)
		});
		return after;
	});
}

export async function resetPassword(id: string, password: string, granter: Granter, actor: Actor): Promise<void> {
	checkPassword('password', password);
	const passwordHash = await hashPassword(password);
	await sql.begin(async (tx) => {
		const person = await getPerson(tx, id, granter.scope);
		if (!person) throw notFound();
		if (person.roles.includes('sysadmin') && !granter.roles.includes('sysadmin')) throw forbidden();
		await setPasswordHash(tx, id, passwordHash);
		await invalidatePersonSessions(tx, id);
		await audit(tx, actor, { action: 'person.password_reset', entity: 'person', entityId: id });
	});
}

/**
 * A lost phone and no recovery code left: the person's authenticator and recovery codes are removed and every
 * session of theirs ends; at the next sign-in they set up a new one. Never one's own (someone else must vouch), and
 * a system administrator's or an auditor's only by a system administrator.
 */
export async function resetSecondFactor(id: string, granter: Granter, actor: Actor): Promise<void> {
	await sql.begin(async (tx) => {
		const person = await getPerson(tx, id, granter.scope);
		if (!person) throw notFound();
		if (person.id === actor.personId) throw forbidden();
		if (person.roles.some((r) => SYSADMIN_GRANTED.includes(r)) && !granter.roles.includes('sysadmin')) throw forbidden();
		const had = await removeTotp(tx, id);
		await invalidatePersonSessions(tx, id);
		await audit(tx, actor, { action: 'second_factor.reset', entity: 'person', entityId: id, before: { authenticator: had } });
	});
}

/** The person's own change: every other session ends, this one stays. */
/** A person's language (我的 → 语言): their pages and every notice sent to them from now on. */
export async function setOwnLocale(personId: string, locale: Locale, actor: Actor): Promise<void> {
	await sql.begin(async (tx) => {
		const [before] = await tx<{ locale: string }[]>`select locale from people where id = ${personId} for update`;
		if (!before || before.locale === locale) return;
		await tx`update people set locale = ${locale} where id = ${personId}`;
		await audit(tx, actor, { action: 'person.locale_changed', entity: 'person', entityId: personId, before: { locale: before.locale }, after: { locale } });
	});
}

export async function changeOwnPassword(
	personId: string,
	sessionId: string,
	current: string,
	next: string,
	actor: Actor
): Promise<void> {
	// Guessing the current password from a stolen session is throttled like signing in.
	const key = `password_change:${personId}`;
	if (await isLocked(sql, key)) throw new FieldError('currentPassword', 'password.change_locked');
	const hash = await getPasswordHash(sql, personId);
	if (!hash || !(await verifyPassword(hash, current))) {
		const locked = await recordFailure(sql, key, ACCOUNT_MAX_FAILURES);
		throw new FieldError('currentPassword', locked ? 'password.change_locked' : 'password.current_wrong');
	}
	checkPassword('newPassword', next);
	const passwordHash = await hashPassword(next);
	await sql.begin(async (tx) => {
		await setPasswordHash(tx, personId, passwordHash);
		await clearFailures(tx, key);
		await tx`delete from sessions where person_id = ${personId} and id <> ${sessionId}`;
		await audit(tx, actor, { action: 'person.password_changed', entity: 'person', entityId: personId });
	});
}
