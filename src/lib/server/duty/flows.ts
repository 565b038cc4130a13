import { isAdmin } from '../../roles.ts';
import { toIso } from '../../time.ts';
import { audit } from '../audit/index.ts';
import type { Actor } from '../actor.ts';
import { sql, type Tx } from '../db.ts';
import { FieldError, forbidden, notFound } from '../errors.ts';
import { getUnit, inReach } from '../units/index.ts';
import { shiftOfUnit, shiftsOf, type ShiftRow } from './queries.ts';

/** A shift as an administrator sends it: a new one, or `id`'s changed. */
export type ShiftInput = Pick<ShiftRow, 'unitId' | 'startsAt' | 'endsAt' | 'officerIds' | 'leaderId' | 'phone'> & { id?: string };

export const shiftOut = (s: ShiftRow) => ({
	id: s.id,
	unitId: s.unitId,
	startsAt: toIso(s.startsAt),
	endsAt: toIso(s.endsAt),
	officers: s.officers,
	leader: s.leader,
	phone: s.phone
});
export type ShiftOut = ReturnType<typeof shiftOut>;

const HOUR = 3_600_000;

/** A unit in reach, or not found: the roster is read by everyone who reaches the unit. */
async function unitInReach(db: Tx, unitId: string, actor: Actor) {
	const unit = await getUnit(db, unitId, actor.scope);
	if (!unit) throw notFound();
	return unit;
}

/** The shifts of a unit between two moments (a month on the roster screen). */
export async function rosterOf(unitId: string, from: Date, to: Date, actor: Actor): Promise<ShiftOut[]> {
	await unitInReach(sql, unitId, actor);
	return (await shiftsOf(sql, unitId, from, to)).map(shiftOut);
}

/** Who is on duty now and who comes next (现在值班): the shift covering now and the one after it. */
export async function dutyNow(unitId: string, actor: Actor, now: Date = new Date()) {
	await unitInReach(sql, unitId, actor);
	const shifts = await shiftsOf(sql, unitId, now, new Date(now.getTime() + 72 * HOUR), 2);
	const current = shifts[0] && shifts[0].startsAt.getTime() <= now.getTime() ? shifts[0] : null;
	const next = current ? (shifts[1] ?? null) : (shifts[0] ?? null);
	return { current: current ? shiftOut(current) : null, next: next ? shiftOut(next) : null };
}

/**
 * Adds or changes a shift: an administrator of a unit in reach (the unit's own, or the office). The people named
 * are active and in the administrator's reach; shifts of a unit never overlap (the database refuses it too).
 */
export async function saveShift(input: ShiftInput, actor: Actor): Promise<ShiftOut> {
	if (!isAdmin(actor.roles)) throw forbidden();
	if (input.endsAt.getTime() <= input.startsAt.getTime()) throw new FieldError('endsAt', 'duty.ends_before_start');
	if (input.endsAt.getTime() - input.startsAt.getTime() > 48 * HOUR) throw new FieldError('endsAt', 'duty.too_long');
	const officerIds = [...new Set(input.officerIds)];
	if (!officerIds.length && !input.leaderId) throw new FieldError('officerIds', 'duty.nobody');
	return sql.begin(async (tx) => {
		await unitInReach(tx, input.unitId, actor);
		const named = [...officerIds, ...(input.leaderId ? [input.leaderId] : [])];
		const [found] = await tx<{ n: number }[]>`
			select count(*)::int as n from people where id = any(${named}::uuid[]) and active and ${inReach(tx, 'unit_id', actor.scope)}`;
		if (found!.n !== new Set(named).size) throw new FieldError('officerIds', 'error.invalid_choice');
		let before: ShiftRow | undefined;
		if (input.id) {
			before = await shiftOfUnit(tx, input.unitId, input.id);
			if (!before) throw notFound();
		}
		const [overlap] = await tx<{ id: string }[]>`
			select id from duty_shifts
			where unit_id = ${input.unitId} and starts_at < ${input.endsAt} and ends_at > ${input.startsAt} and id is distinct from ${input.id ?? null}::uuid
			limit 1`;
		if (overlap) throw new FieldError('startsAt', 'duty.overlap');
		const [row] = input.id
			? await tx<{ id: string }[]>`
				update duty_shifts set starts_at = ${input.startsAt}, ends_at = ${input.endsAt}, officer_ids = ${officerIds}::uuid[],
					leader_id = ${input.leaderId}, phone = ${input.phone}, updated_at = now()
				where id = ${input.id} and unit_id = ${input.unitId} returning id`
			: await tx<{ id: string }[]>`
				insert into duty_shifts (unit_id, starts_at, ends_at, officer_ids, leader_id, phone, created_by)
				values (${input.unitId}, ${input.startsAt}, ${input.endsAt}, ${officerIds}::uuid[], ${input.leaderId}, ${input.phone}, ${actor.personId})
				returning id`;
		const saved = await shiftOfUnit(tx, input.unitId, row!.id);
		const out = shiftOut(saved!);
		await audit(tx, actor, { action: 'duty.shift_saved', entity: 'duty_shift', entityId: out.id, before: before ? shiftOut(before) : null, after: out });
		return out;
	});
}

export async function removeShift(id: string, actor: Actor): Promise<void> {
	if (!isAdmin(actor.roles)) throw forbidden();
	await sql.begin(async (tx) => {
		const [shift] = await tx<{ unitId: string }[]>`select unit_id from duty_shifts where id = ${id} for update`;
		if (!shift) throw notFound();
		await unitInReach(tx, shift.unitId, actor);
		const [gone] = await tx<ShiftRow[]>`delete from duty_shifts where id = ${id} returning id, unit_id, starts_at, ends_at, officer_ids, leader_id, phone`;
		await audit(tx, actor, {
			action: 'duty.shift_removed',
			entity: 'duty_shift',
			entityId: id,
			before: { unitId: gone!.unitId, startsAt: toIso(gone!.startsAt), endsAt: toIso(gone!.endsAt), officerIds: gone!.officerIds, leaderId: gone!.leaderId }
		});
	});
}

/** Whom a shift may name: the unit's active people, and the leader in charge and principal set on it. */
export async function dutyCandidates(unitId: string, actor: Actor): Promise<{ id: string; name: string; leads: boolean }[]> {
	const unit = await unitInReach(sql, unitId, actor);
	return sql<{ id: string; name: string; leads: boolean }[]>`
		select p.id, p.name, (p.roles && array['leader', 'principal']::text[] or p.id in (${unit.principalId}, ${unit.leaderInChargeId})) as leads
		from people p
		where p.active and (p.unit_id = ${unitId} or p.id in (${unit.principalId}, ${unit.leaderInChargeId}))
		order by leads desc, p.name`;
}

export interface RosterGap {
	unitId: string;
	unitName: string;
	/** the China day */
	day: string;
	/** nobody on duty at midday or at night, or nobody leading */
	what: 'day' | 'night' | 'leader';
}

/**
 * The gaps the office sees ahead (工作台): for each unit in reach that keeps a roster (a shift in the last 30 days or
 * ahead), each of the next `days` China days whose midday (12:00) or night (02:00 after it) no shift covers, or
 * whose shifts name no leader on duty. Soonest first, at most `limit`.
 */
export async function rosterGaps(actor: Actor, now: Date = new Date(), days = 7, limit = 20): Promise<RosterGap[]> {
	return sql<RosterGap[]>`
		with units_kept as (
			select distinct u.id, u.name from duty_shifts s join units u on u.id = s.unit_id
			where u.active and s.ends_at > ${now}::timestamptz - interval '30 days' and ${inReach(sql, 'u.id', actor.scope)}
		),
		days as (
			select (date_trunc('day', ${now}::timestamptz at time zone 'Asia/Shanghai') + make_interval(days => n))::date as day
			from generate_series(0, ${days - 1}) as n
		),
		moments as (
			select k.id, k.name, d.day, m.what, (d.day + m.at) at time zone 'Asia/Shanghai' as at
			from units_kept k cross join days d
			cross join (values ('day', interval '12 hours'), ('night', interval '26 hours')) as m(what, at)
		),
		covered as (
			select mo.*, s.id as shift_id, s.leader_id, cardinality(s.officer_ids) as officers
			from moments mo left join duty_shifts s on s.unit_id = mo.id and s.starts_at <= mo.at and s.ends_at > mo.at
		)
		select id as unit_id, name as unit_name, to_char(day, 'YYYY-MM-DD') as day,
			case when shift_id is null or officers = 0 then what else 'leader' end as what
		from covered
		where (shift_id is null or officers = 0 or leader_id is null) and at > ${now}
		order by day, name, what
		limit ${limit}`;
}
