// A timeline line in words: what the system said is stored as a key and read in the reader's language; lines
// written before keep their words.
import { describe, expect, it } from 'vitest';
import { describeLine, isText, wordsOf } from './lines.ts';

describe('a timeline line whose data carries a stored text', () => {
	it('renders the text in the reader language, and words written before as they are', () => {
		const line = { kind: 'document.material_attached', data: { kind: { key: 'document.material_kind.qa' }, title: '政策问答', code: '1A2B', voided: 0 } };
		expect(describeLine(line, 'zh-CN')).toBe('添加问答“政策问答”（材料版本 1A2B）');
		expect(describeLine(line, 'en')).toContain('(Q&A');
		const old = { kind: 'document.material_attached', data: { kind: '问答', title: '政策问答', code: '1A2B', voided: 0 } };
		expect(describeLine(old, 'en')).toContain('(问答');
	});
});

describe('a data value', () => {
	it('is a stored text only when it is an object with a string key', () => {
		expect(isText({ key: 'common.not_visible' })).toBe(true);
		expect(isText('不在您的查看范围内')).toBe(false);
		expect(isText(['common.not_visible'])).toBe(false);
		expect(isText({ type: 'incident', id: 'x' })).toBe(false);
		expect(wordsOf({ key: 'common.not_visible' }, 'zh-CN')).toBe('不在您的查看范围内');
		expect(wordsOf(3)).toBe('3');
		expect(wordsOf(null)).toBe('');
	});

	it('renders a cancel reason whose quoted title was hidden in the reader language', () => {
		const line = { kind: 'clock.cancelled', data: { rule: '5小时', reason: { key: 'clock.cancel.merged', params: { title: { key: 'common.not_visible' } } } } };
		expect(describeLine(line, 'zh-CN')).toContain('合并到“不在您的查看范围内”');
		expect(describeLine(line, 'en')).toContain('Outside what you can view');
	});
});
