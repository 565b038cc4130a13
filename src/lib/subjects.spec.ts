import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { t } from './i18n/index.ts';
import { isSubjectType, SUBJECT_TYPES, SUBJECTS, subjectHref, subjectLabel } from './subjects.ts';

const ID = '0b6f5f6e-2f7a-4d7e-9c1a-5a4f3e2d1c0b';
const pageDir = (type: (typeof SUBJECT_TYPES)[number]) => `src/routes/(app)${SUBJECTS[type].path}/[id]`;

describe('the subjects registry', () => {
	for (const type of SUBJECT_TYPES) {
		describe(type, () => {
			it('links to a page that exists', () => {
				expect(subjectHref(type, ID)).toBe(`${SUBJECTS[type].path}/${ID}`);
				expect(existsSync(`${pageDir(type)}/+page.svelte`)).toBe(true);
			});

			it('is refreshed by the key its page depends on', () => {
				const load = readFileSync(`${pageDir(type)}/+page.server.ts`, 'utf8');
				expect(load).toContain(`depends('${SUBJECTS[type].dependency}')`);
			});

			it('has a label in the catalogue, in Chinese', () => {
				const label = subjectLabel(type);
				expect(label).not.toBe(SUBJECTS[type].label);
				expect(label).toBe(t(SUBJECTS[type].label));
				expect(label).toMatch(/^[\u4e00-\u9fff]+$/);
			});
		});
	}

	it('names each kind in a timeline line by a field of its own', () => {
		const fields = SUBJECT_TYPES.map((type) => SUBJECTS[type].idField);
		expect(new Set(fields).size).toBe(SUBJECT_TYPES.length);
		for (const f of fields) expect(f).toMatch(/^[a-z][A-Za-z]*Id$/);
	});

	it('has no page for what is not a subject', () => {
		expect(isSubjectType('person')).toBe(false);
		expect(subjectHref('person', ID)).toBeUndefined();
		expect(isSubjectType('opinion_item')).toBe(true);
	});
});
