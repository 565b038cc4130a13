/**
 * The rules a press office answers for first, in the order the rules page shows them: the 5-hour
 * authoritative information and the 24-hour press conference for a major incident, the interpretation
 * within 3 working days, the 48-hour response to public opinion. Any other rule follows, in its own order.
 */
export const KEY_RULES: readonly string[] = ['incident.authoritative_release', 'incident.press_conference', 'document.interpretation', 'opinion.response'];

/** The rules, key rules first (in KEY_RULES order) and marked so, the rest after them in the order given. */
export function byRulePriority<R extends { key: string }>(rules: readonly R[]): (R & { keyRule: boolean })[] {
	const rank = (key: string) => {
		const i = KEY_RULES.indexOf(key);
		return i === -1 ? KEY_RULES.length : i;
	};
	return rules
		.map((rule, i) => ({ rule, i }))
		.sort((a, b) => rank(a.rule.key) - rank(b.rule.key) || a.i - b.i)
		.map(({ rule }) => ({ ...rule, keyRule: KEY_RULES.includes(rule.key) }));
}
