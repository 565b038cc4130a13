// What a unit still owes this year, and a reminder from the office.
import { t } from '../../i18n/index.ts';
import type { Actor } from '../actor.ts';
import { audit } from '../audit/log.ts';
import { recipientsFor } from '../clocks/recipients.ts';
import { sql } from '../db.ts';
import { FieldError, notFound } from '../errors.ts';
import { sendNotice } from '../notify/notices.ts';
import { getUnit } from '../units/queries.ts';
import { obligationsOf, type ObligationRow } from './queries.ts';

export type Obligation = 'conferences' | 'principal_interpretation';

export interface Shortfall {
	obligation: Obligation;
	/** what is missing, in words */
	missing: string;
}

const CST_MS = 8 * 3_600_000;
export const cstYear = (at: Date) => new Date(at.getTime() + CST_MS).getUTCFullYear();
export const cstMonth = (at: Date) => new Date(at.getTime() + CST_MS).getUTCMonth() + 1;

/**
 * A key department owes a conference in each half-year (the second half's only once it has begun); any other
 * unit one a year; every unit one interpretation by its principal.
 */
export function shortfalls(row: ObligationRow, now: Date, year: number): Shortfall[] {
	const out: Shortfall[] = [];
	const secondHalfBegun = year < cstYear(now) || cstMonth(now) >= 7;
	if (row.isKeyDepartment) {
		if (row.conferencesFirstHalf === 0) out.push({ obligation: 'conferences', missing: t('obligation.missing_first_half') });
		if (secondHalfBegun && row.conferencesSecondHalf === 0) out.push({ obligation: 'conferences', missing: t('obligation.missing_second_half') });
	} else if (row.conferencesFirstHalf + row.conferencesSecondHalf === 0) out.push({ obligation: 'conferences', missing: t('obligation.missing_year') });
	if (row.principalInterpretations === 0) out.push({ obligation: 'principal_interpretation', missing: t('obligation.missing_principal') });
	return out;
}

/** From October the office chases what is still missing; before that the unit page shows progress only. */
export const chasingSeason = (now: Date) => cstMonth(now) >= 10;

export async function remind(unitId: string, obligation: Obligation, by: Pick<Actor, 'personId' | 'scope' | 'actor'>, now: Date = new Date()) {
	return sql.begin(async (tx) => {
		const unit = await getUnit(tx, unitId, by.scope);
		if (!unit) throw notFound();
		const year = cstYear(now);
		const [row] = await obligationsOf(tx, by.scope, year, unitId);
		if (!row) throw notFound();
		const owed = shortfalls(row, now, year).filter((s) => s.obligation === obligation);
		if (!owed.length) throw new FieldError('obligation', 'obligation.nothing_owed');
		const people = [
			...(await recipientsFor(tx, unitId, 'lead_unit_press')),
			...(await recipientsFor(tx, unitId, 'principal')),
			...(await recipientsFor(tx, unitId, 'leader_in_charge'))
		];
		await sendNotice(
			tx,
			people.map((p) => p.id),
			{
				kind: 'alert',
				urgency: 'high',
				title: t('obligation.reminder_title', { year }),
				body: owed.map((s) => s.missing).join('；'),
				url: `/units/${unitId}`,
				subject: null
			},
			now
		);
		await tx`insert into obligation_reminders (unit_id, year, obligation, sent_by, sent_at) values (${unitId}, ${year}, ${obligation}, ${by.personId}, ${now})`;
		await audit(tx, by.actor, { action: 'obligation.reminded', entity: 'unit', entityId: unitId, after: { year, obligation, told: people.map((p) => p.name) } });
		return { told: [...new Set(people.map((p) => p.name))] };
	});
}
