// A clock rule told in words for the rules page: its deadline, what it applies to, its sources and its
// escalation ladder, so that nobody has to read minute offsets to know who is woken when.
import { listOf } from './i18n/list.ts';
import type { MessageKey } from '$lib/i18n/index.ts';
import * as labels from '$lib/paraglide/families.js';
import { m } from '$lib/paraglide/messages.js';
import type { Audience, Urgency } from './clocks.ts';

/** The part of a rule these words need (RuleOut on the server). */
export interface RuleFacts {
	subject: 'incident' | 'opinion_item' | 'document' | 'release' | 'conference';
	appliesTo: { levels?: number[]; kinds?: string[] };
	anchor: 'occurred' | 'captured' | 'assessed' | 'published' | 'abolished';
	durationValue: number;
	durationUnit: 'hours' | 'working_days';
}

export interface StepFacts {
	anchor: 'start' | 'due';
	offsetMinutes: number;
	tiers: readonly Audience[];
	urgency: Urgency;
	ackWithinMinutes: number | null;
}

/** `1天2小时`, `2小时`, `1小时30分钟`, `30分钟`: a span of whole minutes, its zero parts left out. */
export function spanWords(minutes: number): string {
	const total = Math.abs(Math.trunc(minutes));
	const d = Math.floor(total / 1440);
	const h = Math.floor((total % 1440) / 60);
	const min = total % 60;
	const parts = [d && m['rules.span.days']({ n: d }), h && m['rules.span.hours']({ n: h }), min && m['rules.span.minutes']({ n: min })];
	return parts.filter(Boolean).join('') || m['rules.span.minutes']({ n: 0 });
}

/** `事件发生后 5 小时内`, `文件公开后 3 个工作日内`. */
export function deadlineWords(rule: RuleFacts): string {
	const time = m['rules.duration']({ n: rule.durationValue, unit: labels.duration(rule.durationUnit) });
	return labels.rules_deadline(rule.anchor, { time });
}

/** `适用于特别重大（I级）、重大（II级）突发事件`, or every subject of its kind when it names none. */
export function appliesWords(rule: RuleFacts): string {
	const subject = labels.subject(rule.subject);
	const { levels, kinds } = rule.appliesTo;
	if (levels?.length) return m['rules.applies.levels']({ levels: listOf(levels.map((l) => labels.level(l))) });
	if (kinds?.length) return m['rules.applies.kinds']({ subject, kinds: listOf(kinds.map((k) => labels.opinion_type(k))) });
	return m['rules.applies.all']({ subject });
}

/** A rule's sources, one citation each: the stored text separates them with "；". */
export function sourceCitations(source: string): string[] {
	return source
		.split(/[；;]/)
		.map((s) => s.trim())
		.filter(Boolean);
}

/** When a step fires: `开始时`, `开始后 30分钟`, `截止前 2小时`, `截止时`, `超时 1小时`. */
export function stepWhen(step: Pick<StepFacts, 'anchor' | 'offsetMinutes'>): string {
	const time = spanWords(step.offsetMinutes);
	if (step.anchor === 'start') return step.offsetMinutes <= 0 ? m['rules.when.start']() : m['rules.when.after_start']({ time });
	if (step.offsetMinutes === 0) return m['rules.when.due']();
	return step.offsetMinutes < 0 ? m['rules.when.before_due']({ time }) : m['rules.when.after_due']({ time });
}

/** Whom a step tells, and how: one, all at once, or one after another until someone acknowledges. */
export function stepWho(step: Pick<StepFacts, 'tiers' | 'ackWithinMinutes'>): string {
	const names = step.tiers.map((a) => labels.audience(a));
	if (names.length === 1) return m['rules.who.one']({ who: names[0]! });
	if (step.ackWithinMinutes === null) return m['rules.who.all']({ who: listOf(names) });
	return m['rules.who.each']({ who: names.join(' → '), ack: spanWords(step.ackWithinMinutes) });
}

/** One step in a line: `截止前 2小时 · 紧急 · 依次提醒…`. */
export function stepLine(step: StepFacts): string {
	return m['rules.step_line']({ when: stepWhen(step), urgency: labels.urgency(step.urgency), who: stepWho(step) });
}

/** The ladder folded into its summary: `升级 6 级 · 首级 开始时提醒牵头单位宣传干事和新闻发言人`. */
export function ladderSummary(ladder: readonly StepFacts[]): string {
	const first = ladder[0];
	if (!first) return m['rules.ladder_summary']({ n: 0, when: '', who: '' });
	return m['rules.ladder_summary']({ n: ladder.length, when: stepWhen(first), who: labels.audience(first.tiers[0]!) });
}
