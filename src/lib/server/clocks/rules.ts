// The clock rules the code names. A rule itself (its deadline, ladder, and which levels or kinds it applies to)
// is a row of clock_rules (db/migrations/0002, 0006); these are the keys of those rows, so that a domain names
// a rule without spelling its key. rules.spec.ts fails when a seeded rule and this list part.
import { INCIDENT_LEVELS } from '../../clocks.ts';
import type { Tx } from '../db.ts';

export const RULE = {
	/** 发布权威信息: 5 hours from a major incident's occurrence */
	authoritativeRelease: 'incident.authoritative_release',
	/** 召开新闻发布会: 24 hours from a major incident's occurrence */
	pressConference: 'incident.press_conference',
	/** 研判舆情: 2 hours from capture */
	opinionAssessment: 'opinion.assessment',
	/** 回应政务舆情: 48 hours from the earliest sighting of an item assessed as needing a response */
	opinionResponse: 'opinion.response',
	/** 发布政策解读材料: 3 working days from a document's publication */
	interpretation: 'document.interpretation',
	/** 在网站标注废止或失效: 10 working days from a document's end */
	abolitionMarking: 'document.abolition_marking'
} as const;

export type RuleKey = (typeof RULE)[keyof typeof RULE];

/**
 * The incident levels that count as "major" (I and II): the levels the authoritative-release rule applies to,
 * whether or not the office has switched the rule off. Major incidents start the 5-hour and 24-hour clocks, take
 * an opinion item under them, and have the principal speak first. A rule for every level makes every level major.
 */
export async function majorLevels(db: Tx): Promise<readonly number[]> {
	const [rule] = await db<{ levels: number[] | null }[]>`
		select applies_to -> 'levels' as levels from clock_rules where key = ${RULE.authoritativeRelease}`;
	if (!rule) throw new Error(`the clock rule ${RULE.authoritativeRelease} is missing: it comes with the migrations`);
	return rule.levels ?? INCIDENT_LEVELS;
}
