import { RULE, type RuleKey } from './rules.ts';

/**
 * The rules a press office answers for first, in the order the rules page shows them: the 5-hour
 * authoritative information and the 24-hour press conference for a major incident, the interpretation
 * within 3 working days, the 48-hour response to public opinion. Any other rule follows, in its own order.
 */
export const KEY_RULES: readonly RuleKey[] = [RULE.authoritativeRelease, RULE.pressConference, RULE.interpretation, RULE.opinionResponse];

/** The rules, key rules first (in KEY_RULES order) and marked so, the rest after them in the order given. */
export function byRulePriority<R extends { key: string }>(rules: readonly R[]): (R & { keyRule: boolean })[] {
	const keys: readonly string[] = KEY_RULES;
	const rank = (key: string) => {
		const i = keys.indexOf(key);
		return i === -1 ? keys.length : i;
	};
	return rules
		.map((rule, i) => ({ rule, i }))
		.sort((a, b) => rank(a.rule.key) - rank(b.rule.key) || a.i - b.i)
		.map(({ rule }) => ({ ...rule, keyRule: keys.includes(rule.key) }));
}
