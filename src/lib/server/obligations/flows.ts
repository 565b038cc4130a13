// What a unit still owes this year, and a reminder from the office.
import { t, text, type MessageKey, type Text } from '../../i18n/index.ts';
import type { Actor } from '../actor.ts';
import { audit } from '../audit/index.ts';
import { recipientsFor } from '../clocks/index.ts';
import { sql } from '../db.ts';
import { FieldError, notFound } from '../errors.ts';
import { sendNotice } from '../notify/index.ts';
import { getUnit } from '../units/index.ts';
import { obligationsOf, type ObligationRow } from './queries.ts';

export type Obligation = 'conferences' | 'principal_interpretation';

export interface Shortfall {
	obligation: Obligation;
	/** what is missing, in words */
	missing: string;
	/** the same, as a catalogue key: a notice stores it, and each recipient reads it in their language */
	missingKey: MessageKey;
}

const CST_MS = 8 * 3_600_000;
export const cstYear = (at: Date) => new Date(at.getTime() + CST_MS).getUTCFullYear();
export const cstMonth = (at: Date) => new Date(at.getTime() + CST_MS).getUTCMonth() + 1;

/**
 * A key department owes a conference in each half-year (the second half's only once it has begun); any other
 * unit one a year; every unit one interpretation by its principal.
 */
const missing = (key: MessageKey) => ({ missing: t(key), missingKey: key });

/** What is owed, as one stored text: a line, or two joined in the reader's language. */
function owedText(owed: Shortfall[]): Text {
	const [first, second] = owed.map((s) => text(s.missingKey));
	return second ? text('notify.obligation.owed2', { first: first!, second }) : first!;
}

export function shortfalls(row: ObligationRow, now: Date, year: number): Shortfall[] {
	const out: Shortfall[] = [];
	const secondHalfBegun = year < cstYear(now) || cstMonth(now) >= 7;
	if (row.isKeyDepartment) {
		if (row.conferencesFirstHalf === 0) out.push({ obligation: 'conferences', ...missing('obligation.missing_first_half') });
		if (secondHalfBegun && row.conferencesSecondHalf === 0) out.push({ obligation: 'conferences', ...missing('obligation.missing_second_half') });
	} else if (row.conferencesFirstHalf + row.conferencesSecondHalf === 0) out.push({ obligation: 'conferences', ...missing('obligation.missing_year') });
	if (row.principalInterpretations === 0) out.push({ obligation: 'principal_interpretation', ...missing('obligation.missing_principal') });
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
				title: text('obligation.reminder_title', { year }),
				body: owedText(owed),
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
