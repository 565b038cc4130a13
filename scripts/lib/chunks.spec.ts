import { describe, expect, it } from 'vitest';
import { namedMessages, splitApp, type ModuleGraph } from './chunks.ts';

const ROOT = '/app/src/routes';
const LIB = '/app/src/lib';

function graph(modules: Record<string, { imports?: string[]; named?: string[]; key?: string }>): ModuleGraph {
	return {
		ids: Object.keys(modules),
		imports: (id) => modules[id]?.imports ?? [],
		named: (id) => modules[id]?.named ?? [],
		key: (id) => modules[id]?.key
	};
}

describe('namedMessages', () => {
	it('finds the messages a compiled component names by key and by accessor, once each', () => {
		const code = "t(m['incident.title']()); t(m.nav_home()); t(m[\"incident.title\"]()); x.m = 1; form.name;";
		expect(namedMessages(code).sort()).toEqual(['incident.title', 'nav_home']);
	});
});

describe('splitApp', () => {
	const modules = graph({
		[`${ROOT}/+layout.svelte`]: { imports: [`${LIB}/UpdatePrompt.svelte`] },
		[`${ROOT}/(auth)/login/+page.svelte`]: { imports: [`${LIB}/paraglide/messages.js`, `${LIB}/LanguageChoice.svelte`], named: ['signin.title'] },
		[`${ROOT}/(app)/+layout.svelte`]: { imports: [`${LIB}/paraglide/messages.js`, `${LIB}/TabBar.svelte`, `${LIB}/LanguageChoice.svelte`], named: ['nav.home'] },
		[`${ROOT}/(app)/incidents/+page.svelte`]: { imports: [`${LIB}/paraglide/messages.js`, `${LIB}/ListSearch.svelte`], named: ['incident.title'] },
		[`${LIB}/UpdatePrompt.svelte`]: {},
		[`${LIB}/LanguageChoice.svelte`]: { imports: [`${LIB}/paraglide/messages.js`], named: ['language.zh'] },
		[`${LIB}/TabBar.svelte`]: { imports: [`${LIB}/paraglide/messages.js`], named: ['nav_inbox'] },
		[`${LIB}/ListSearch.svelte`]: {},
		// the barrel names every message; only the messages a module names are reached
		[`${LIB}/paraglide/messages.js`]: { imports: [`${LIB}/paraglide/messages/_index.js`] },
		[`${LIB}/paraglide/messages/_index.js`]: {
			imports: ['signin', 'nav_home', 'nav_inbox', 'language_zh', 'incident_title'].map((m) => `${LIB}/paraglide/messages/${m}.js`)
		},
		[`${LIB}/paraglide/messages/signin.js`]: { key: 'signin.title' },
		[`${LIB}/paraglide/messages/nav_home.js`]: { key: 'nav.home' },
		[`${LIB}/paraglide/messages/nav_inbox.js`]: { key: 'nav.inbox' },
		[`${LIB}/paraglide/messages/language_zh.js`]: { key: 'language.zh' },
		[`${LIB}/paraglide/messages/incident_title.js`]: { key: 'incident.title' }
	});
	const { outside, shared, shell } = splitApp(modules);
	const names = (set: Set<string>) => [...set].map((id) => id.replace(/^\/app\/src\//, '')).sort();

	it('puts in the shell what only the signed-in layout reaches, messages named by key or accessor included', () => {
		expect(names(shell)).toEqual(['lib/TabBar.svelte', 'lib/paraglide/messages/nav_home.js', 'lib/paraglide/messages/nav_inbox.js', 'routes/(app)/+layout.svelte']);
	});

	it('keeps apart what the layout shares with sign-in, and never follows the barrels', () => {
		expect(names(shared)).toEqual(['lib/LanguageChoice.svelte', 'lib/paraglide/messages/language_zh.js']);
		expect(outside.has(`${LIB}/paraglide/messages/signin.js`)).toBe(true);
		expect(outside.has(`${LIB}/paraglide/messages/nav_home.js`)).toBe(false);
		expect([...outside, ...shell].some((id) => id.endsWith('_index.js') || id.endsWith('messages.js'))).toBe(false);
	});

	it('leaves a screen’s own modules to the screens group', () => {
		for (const id of [`${ROOT}/(app)/incidents/+page.svelte`, `${LIB}/ListSearch.svelte`, `${LIB}/paraglide/messages/incident_title.js`]) {
			expect(outside.has(id) || shell.has(id)).toBe(false);
		}
	});
});
