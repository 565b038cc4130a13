import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, AUDIT_FAMILIES, auditActionLabel, auditFamilyLabel, auditFamilyOf } from './audit-actions.ts';
import { t, type MessageKey } from './i18n/index.ts';

const SERVER = join(import.meta.dirname, 'server');
const CJK = /[\u3400-\u9fff]/;

function* serverSources(dir: string): Generator<string> {
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) yield* serverSources(path);
		else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) yield readFileSync(path, 'utf8');
	}
}
const sources = [...serverSources(SERVER)];
const matches = (re: RegExp) => sources.flatMap((s) => [...s.matchAll(re)]);

/** `action: 'incident.logged'`, and both sides of `action: active ? 'unit.reactivated' : 'unit.deactivated'`. */
const written = [
	...new Set([
		...matches(/action: '([a-z_.]+)'/g).map((m) => m[1]!),
		...matches(/action: [\w.]+ \? '([a-z_.]+)' : '([a-z_.]+)'/g).flatMap((m) => [m[1]!, m[2]!])
	])
].sort();
/** `action: \`${kind}.review_${decision}\``: each names actions this catalogue must know, spelled out there by hand. */
const computed = [...new Set(matches(/action: `([^`]+)`/g).map((m) => m[1]!))];

describe('the audit actions', () => {
	it('finds the actions the server writes', () => {
		expect(written).toContain('incident.logged');
		expect(written).toContain('unit.deactivated');
		expect(computed.length).toBeGreaterThan(0);
	});

	it.each(written)('knows %s, with a Chinese label', (action) => {
		expect(AUDIT_ACTIONS).toContain(action);
		const label = auditActionLabel(action);
		expect(label).not.toBe(action);
		expect(label).toMatch(CJK);
	});

	it.each(computed)('knows some action of the form %s', (template) => {
		const pattern = new RegExp(`^${template.split(/\$\{[^}]+\}/).map((part) => part.replace(/\./g, '\\.')).join('[a-z_]+')}$`);
		expect(AUDIT_ACTIONS.filter((a) => pattern.test(a))).not.toEqual([]);
	});

	it('lists each action once, sorted', () => {
		expect([...AUDIT_ACTIONS]).toEqual([...new Set(AUDIT_ACTIONS)].sort());
	});

	it.each([...AUDIT_ACTIONS])('labels %s in both languages', (action) => {
		const key = `auditaction.${action}` as MessageKey;
		expect(auditActionLabel(action)).toBe(t(key));
		expect(t(key)).toMatch(CJK);
		const english = t(key, undefined, 'en');
		expect(english).not.toBe(key);
		expect(english).not.toMatch(CJK);
	});

	it('names every family once, sorted, with a label', () => {
		expect([...AUDIT_FAMILIES]).toEqual([...new Set(AUDIT_ACTIONS.map(auditFamilyOf))].sort());
		for (const family of AUDIT_FAMILIES) {
			const label = auditFamilyLabel(family);
			expect(label, family).not.toBe(family);
			expect(label, family).toMatch(CJK);
			expect(t(`auditfamily.${family}` as MessageKey, undefined, 'en'), family).not.toBe(`auditfamily.${family}`);
		}
	});

	it('shows an unknown action or family as it is', () => {
		expect(auditActionLabel('incident.teleported')).toBe('incident.teleported');
		expect(auditActionLabel('mystery')).toBe('mystery');
		expect(auditActionLabel('sign_in.succeeded.twice')).toBe('sign_in.succeeded.twice');
		expect(auditFamilyLabel('mystery')).toBe('mystery');
	});
});
