import { describe, expect, it } from 'vitest';
import { clip, firstSentence, gist } from './gist.ts';

/** Every opener closed, in order: what a reader checks in a title. */
function balanced(s: string): boolean {
	const pairs: Record<string, string> = { '【': '】', '（': '）', '《': '》', '“': '”', '「': '」' };
	const stack: string[] = [];
	for (const c of s) {
		if (pairs[c]) stack.push(pairs[c]);
		else if (Object.values(pairs).includes(c) && stack.pop() !== c) return false;
	}
	return stack.length === 0;
}

describe('the gist of an opinion item for a clarification’s title', () => {
	it('keeps a short first sentence as it is', () => {
		expect(gist('网传江城化工园区排放毒气。经核实不属实。')).toBe('网传江城化工园区排放毒气');
	});

	it('keeps the 【…】 prefix whole and cuts the subject after it', () => {
		const g = gist('【研判舆情】网传江城化工园区排放毒气多名学生晕倒家长称学校隐瞒不报');
		expect(g).toBe('【研判舆情】网传江城化工园区排放毒气多名学生晕倒家长称学校…');
		expect(Array.from(g)).toHaveLength(30);
		expect(balanced(g)).toBe(true);
	});

	it('closes a bracket the cut falls inside, within the length', () => {
		const g = gist('【网传江城化工园区排放毒气，多名学生晕倒，家长称学校隐瞒不报，多方求证】');
		expect(g).toBe('【网传江城化工园区排放毒气，多名学生晕倒，家长称学校隐瞒…】');
		expect(Array.from(g)).toHaveLength(30);
		expect(balanced(g)).toBe(true);
	});

	it('closes nested pairs in reverse order', () => {
		const g = clip('“【网传化工园区排放毒气多名学生晕倒】”', 12);
		expect(g).toBe('“【网传化工园区排…】”');
		expect(balanced(g)).toBe(true);
	});

	it('never leaves an opener with nothing in it: the opener goes too', () => {
		expect(clip('一二三四【五六七八】', 6)).toBe('一二三四…');
		expect(clip('一二三【四五六七八九】', 7)).toBe('一二三【四…】');
	});

	it('does not end the first sentence at a 。 inside brackets', () => {
		expect(firstSentence('【网传：某地爆炸。多人受伤】视频流传。另有评论')).toBe('【网传：某地爆炸。多人受伤】视频流传');
	});

	it('closes a bracket left open by a line break', () => {
		expect(gist('【江城化工园区\n网传排放毒气')).toBe('【江城化工园区】');
	});

	it('treats a stray closer as text and counts characters, not code units', () => {
		expect(gist('网传】化工园区')).toBe('网传】化工园区');
		expect(clip('𠀀𠀁𠀂𠀃𠀄', 4)).toBe('𠀀𠀁𠀂…');
	});
});
