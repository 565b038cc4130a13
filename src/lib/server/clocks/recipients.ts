import { DUTY_AUDIENCES, type Audience } from '../../clocks.ts';
import type { Tx } from '../db.ts';
import { onDuty } from '../duty/index.ts';
import { scopeUnitOf } from '../units/index.ts';
import type { Recipient } from './queries.ts';

/**
 * The people an audience names for a unit at `at` (the database's now when not given). The duty officer and the
 * leader on duty are those of the unit's shift then (duty/audience.ts), else the unit's 值班人员, or its leader in
 * charge; the leader in charge and the principal are the ones set on the unit, else its people holding that role;
 * the office admin is the nearest open-government office above the unit, the superior office the one above that.
 */
export async function recipientsFor(db: Tx, unitId: string, audience: Audience, at: Date | null = null): Promise<Recipient[]> {
	switch (audience) {
		case 'duty_officer':
		case 'duty_leader':
			return (await stepRecipients(db, unitId, audience, at)).recipients;
		case 'lead_unit_press':
			return db<Recipient[]>`
				select id, name from people
				where unit_id = ${unitId} and active and roles && array['press_officer', 'spokesperson']::text[]
				order by name`;
		case 'leader_in_charge':
		case 'principal': {
			const column = audience === 'principal' ? db`u.principal_id` : db`u.leader_in_charge_id`;
			const role = audience === 'principal' ? 'principal' : 'leader';
			return db<Recipient[]>`
				with named as (
					select p.id, p.name from units u join people p on p.id = ${column}
					where u.id = ${unitId} and p.active
				)
				select id, name from named
				union all
				select id, name from people
				where not exists (select 1 from named) and unit_id = ${unitId} and active and ${role} = any(roles)
				order by name`;
		}
		case 'office_admin':
		case 'superior_office': {
			const rank = audience === 'office_admin' ? 1 : 2;
			return db<Recipient[]>`
				with recursive up(id, parent_id, depth) as (
					select id, parent_id, 0 from units where id = ${unitId}
					union all
					select u.id, u.parent_id, up.depth + 1 from units u join up on u.id = up.parent_id
				),
				admins as (
					select p.id, p.name, up.depth
					from people p
					join units pu on pu.id = p.unit_id
					join up on up.id = ${scopeUnitOf(db, 'pu')}
					-- A department's own administrator runs its units and people; it is not an open-government office.
					where p.active and 'office_admin' = any(p.roles) and pu.kind <> 'department'
				),
				ranked as (select id, name, dense_rank() over (order by depth) as r from admins)
				select id, name from ranked where r = ${rank} order by name`;
		}
	}
}

/**
 * Whom a ladder step tells, and whether the unit's duty roster had nobody on for it (`rosterGap`: the role was told
 * instead, and the office must hear of the gap). Only the duty audiences can have a gap.
 */
export async function stepRecipients(db: Tx, unitId: string, audience: Audience, at: Date | null): Promise<{ recipients: Recipient[]; rosterGap: boolean }> {
	if (!DUTY_AUDIENCES.includes(audience)) return { recipients: await recipientsFor(db, unitId, audience, at), rosterGap: false };
	const duty = await onDuty(db, unitId, audience === 'duty_officer' ? 'officer' : 'leader', at);
	if (!duty.gap)
		return {
			recipients: await db<Recipient[]>`select id, name from people where id = any(${duty.ids}::uuid[]) order by array_position(${duty.ids}::uuid[], id)`,
			rosterGap: false
		};
	const recipients =
		audience === 'duty_leader'
			? await recipientsFor(db, unitId, 'leader_in_charge', at)
			: await db<Recipient[]>`select id, name from people where unit_id = ${unitId} and active and 'duty' = any(roles) order by name`;
	return { recipients, rosterGap: true };
}
