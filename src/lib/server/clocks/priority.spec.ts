// The rules page leads with the deadlines a press office is held to first, and names its sources properly.
import { describe, expect, it } from 'vitest';
import { sql } from '../db.ts';
import { byRulePriority } from './priority.ts';

describe('the order of the rules page', () => {
	it('puts the 5-hour, 24-hour, interpretation and 48-hour rules first, marked, and the rest after them as given', () => {
		const keys = ['document.abolition_marking', 'document.interpretation', 'incident.authoritative_release', 'incident.press_conference', 'opinion.assessment', 'opinion.response'];
		expect(byRulePriority(keys.map((key) => ({ key }))).map((r) => [r.key, r.keyRule])).toEqual([
			['incident.authoritative_release', true],
			['incident.press_conference', true],
			['document.interpretation', true],
			['opinion.response', true],
			['document.abolition_marking', false],
			['opinion.assessment', false]
		]);
	});

	it('keeps a rule it does not know, so that a new rule is shown, after the key ones', () => {
		expect(byRulePriority([{ key: 'opinion.follow_up' }, { key: 'incident.press_conference' }]).map((r) => r.key)).toEqual(['incident.press_conference', 'opinion.follow_up']);
	});
});

describe('the sources of the seeded rules', () => {
	it('name each notice by its title, never by the number of a source text', async () => {
		const rows = await sql<{ key: string; source: string }[]>`select key, source from clock_rules order by key`;
		expect(rows.length).toBeGreaterThanOrEqual(6);
		for (const { key, source } of rows) {
			expect(source, key).not.toMatch(/(^|；)\s*00\d\s|DOMAIN\.md/);
			expect(source, key).toMatch(/《[^》]+》/);
		}
		const five = rows.find((r) => r.key === 'incident.authoritative_release')!;
		expect(five.source).toBe(
			'《西藏自治区人民政府办公厅关于印发2017年政务公开重点工作任务分工的通知》第23项；《国务院办公厅印发〈关于全面推进政务公开工作的意见〉实施细则的通知》（国办发〔2016〕80号）'
		);
	});
});
