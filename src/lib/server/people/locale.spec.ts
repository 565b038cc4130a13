// A person's language: chosen in 我的, kept with the person, applied to everything the server answers them.
import { beforeAll, describe, expect, it } from 'vitest';
import { render, text } from '../../i18n/index.ts';
import { validateSessionToken } from '../auth/session.ts';
import { sql } from '../db.ts';
import { inLocale, localeOf } from '../locale.ts';
import { makeCity, postAs, signInAs, type SignedIn } from '../test-helpers.ts';

const CJK = /[\u4e00-\u9fff]/;
let staffA: SignedIn;

beforeAll(async () => {
	await makeCity();
	staffA = await signInAs('staff-a');
});

describe('a person\'s language', () => {
	it('is Chinese until they choose, then theirs on every session, with an audit line', async () => {
		expect(staffA.user.locale).toBe('zh-CN');
		await expect(staffA.caller.person.setOwnLocale({ locale: 'en' })).resolves.toEqual({ locale: 'en' });
		const { user } = await validateSessionToken(staffA.token);
		expect(user?.locale).toBe('en');
		const [line] = await sql<{ before: unknown; after: unknown }[]>`
			select before, after from audit_log where action = 'person.locale_changed' and entity_id = ${staffA.user.id}`;
		expect(line).toEqual({ before: { locale: 'zh-CN' }, after: { locale: 'en' } });
		await staffA.caller.person.setOwnLocale({ locale: 'zh-CN' });
		expect((await validateSessionToken(staffA.token)).user?.locale).toBe('zh-CN');
	});

	it('refuses a language the app does not have as a field error, in the language of the request', async () => {
		const zh = await postAs(staffA, 'person.setOwnLocale', { locale: 'fr' });
		expect(zh.status).toBe(400);
		expect(zh.body.error.data.fieldErrors.locale).toMatch(CJK);
		const en = await inLocale('en', () => postAs(staffA, 'person.setOwnLocale', { locale: 'fr' }));
		expect(en.status).toBe(400);
		expect(en.body.error.data.fieldErrors.locale).toBeTruthy();
		expect(en.body.error.data.fieldErrors.locale).not.toMatch(CJK);
		const [row] = await sql<{ locale: string }[]>`select locale from people where id = ${staffA.user.id}`;
		expect(row?.locale).toBe('zh-CN');
	});

	it('reads anything unknown as Chinese', () => {
		expect(localeOf('en')).toBe('en');
		expect(localeOf('fr')).toBe('zh-CN');
		expect(localeOf(null)).toBe('zh-CN');
	});
});

describe('stored text', () => {
	it('is a key with parameters, rendered in the reader\'s language; a nested text follows it', () => {
		const reason = text('clock.cancel.merged', { title: '江滨路燃气泄漏' });
		expect(JSON.parse(JSON.stringify(reason))).toEqual({ key: 'clock.cancel.merged', params: { title: '江滨路燃气泄漏' } });
		const zh = render(reason, 'zh-CN');
		const en = render(reason, 'en');
		expect(zh).toContain('江滨路燃气泄漏');
		expect(en).toContain('江滨路燃气泄漏');
		expect(en.replace('江滨路燃气泄漏', '')).not.toMatch(CJK);
		expect(zh).not.toBe(en);
		const verbatim = text('common.verbatim', { text: '旧记录' });
		expect(render(verbatim, 'en')).toBe('旧记录');
		const nested = text('common.verbatim', { text: text('language.name_en') });
		expect(render(nested, 'zh-CN')).toBe('English');
	});

	it('renders in the request\'s language when none is named', () => {
		const title = text('app.name');
		expect(render(title)).toBe('回应');
		expect(inLocale('en', () => render(title))).not.toMatch(CJK);
	});
});
