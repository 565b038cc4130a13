// The rules page reads each rule aloud; an office admin checks these words against the notices.
import { describe, expect, it } from 'vitest';
import { appliesWords, deadlineWords, ladderSummary, sourceCitations, spanWords, stepLine, stepWhen, stepWho, type RuleFacts } from './rule-words.ts';

const major: RuleFacts = { subject: 'incident', appliesTo: { levels: [1, 2] }, anchor: 'occurred', durationValue: 5, durationUnit: 'hours' };

describe('a rule in words', () => {
	it('says the deadline from what starts it', () => {
		expect(deadlineWords(major)).toBe('事件发生后 5 小时内');
		expect(deadlineWords({ ...major, subject: 'document', anchor: 'published', durationValue: 3, durationUnit: 'working_days' })).toBe('文件公开后 3 个工作日内');
		expect(deadlineWords({ ...major, subject: 'opinion_item', anchor: 'assessed', durationValue: 48 })).toMatch(/^舆情首次出现后 48 小时内/);
	});

	it('says which incidents, kinds or subjects it applies to', () => {
		expect(appliesWords(major)).toBe('适用于特别重大（I级）、重大（II级）突发事件');
		expect(appliesWords({ ...major, subject: 'opinion_item', appliesTo: { kinds: ['rumour', 'misreading'] } })).toBe('适用于政务舆情：谣言、误读');
		expect(appliesWords({ ...major, subject: 'document', appliesTo: {} })).toBe('适用于全部政策性文件');
	});

	it('lists one citation per notice', () => {
		expect(sourceCitations('《甲的通知》第23项；《乙的通知》（国办发〔2016〕80号）')).toEqual(['《甲的通知》第23项', '《乙的通知》（国办发〔2016〕80号）']);
		expect(sourceCitations('  ')).toEqual([]);
	});
});

describe('a ladder in words', () => {
	it('writes spans in days, hours and minutes, leaving out the zero parts', () => {
		expect(spanWords(30)).toBe('30分钟');
		expect(spanWords(-120)).toBe('2小时');
		expect(spanWords(90)).toBe('1小时30分钟');
		expect(spanWords(-2880)).toBe('2天');
		expect(spanWords(1500)).toBe('1天1小时');
	});

	it('says when a step fires, before or after the deadline', () => {
		expect(stepWhen({ anchor: 'start', offsetMinutes: 0 })).toBe('开始时');
		expect(stepWhen({ anchor: 'start', offsetMinutes: 30 })).toBe('开始后 30分钟');
		expect(stepWhen({ anchor: 'due', offsetMinutes: -120 })).toBe('截止前 2小时');
		expect(stepWhen({ anchor: 'due', offsetMinutes: 0 })).toBe('截止时');
		expect(stepWhen({ anchor: 'due', offsetMinutes: 60 })).toBe('超时 1小时');
	});

	it('says whether people are told one after another or all at once', () => {
		expect(stepWho({ tiers: ['principal'], ackWithinMinutes: 10 })).toBe('提醒主要负责人');
		expect(stepWho({ tiers: ['principal', 'office_admin'], ackWithinMinutes: null })).toBe('同时提醒主要负责人、政务公开办');
		expect(stepWho({ tiers: ['leader_in_charge', 'principal'], ackWithinMinutes: 10 })).toBe('依次提醒分管领导 → 主要负责人；10分钟内无人确认，再提醒下一位');
		expect(stepLine({ anchor: 'due', offsetMinutes: -30, tiers: ['principal'], urgency: 'critical', ackWithinMinutes: null })).toBe('截止前 30分钟 · 特急 · 提醒主要负责人');
	});

	it('folds the ladder into its length and its first step', () => {
		const ladder = [
			{ anchor: 'start', offsetMinutes: 0, tiers: ['lead_unit_press', 'leader_in_charge'], urgency: 'high', ackWithinMinutes: 10 },
			{ anchor: 'due', offsetMinutes: 0, tiers: ['principal'], urgency: 'critical', ackWithinMinutes: null }
		] as const;
		expect(ladderSummary(ladder)).toBe('升级 2 级 · 首级 开始时提醒牵头单位宣传干事和新闻发言人');
	});
});
