import { describe, expect, it } from 'vitest';
import { hashPassword, passwordProblem, PASSWORD_MAX, PASSWORD_MIN, verifyPassword } from './password.ts';

describe('password policy', () => {
	it('asks for at least 8 characters, counting a Chinese character as one', () => {
		expect(PASSWORD_MIN).toBe(8);
		expect(passwordProblem('')).toBe('password.too_short');
		expect(passwordProblem('tk7-rq2')).toBe('password.too_short');
		expect(passwordProblem('tk7-rq2m')).toBeNull();
		expect(passwordProblem('江城应急管理局值')).toBeNull();
		expect(passwordProblem('江城应急管理局')).toBe('password.too_short');
		// Seven characters that take two UTF-16 units each are still seven characters.
		expect(passwordProblem('𠀀𠀁𠀂𠀃𠀄𠀅𠀆')).toBe('password.too_short');
	});

	it('accepts up to 128 characters and no more', () => {
		expect(PASSWORD_MAX).toBe(128);
		expect(passwordProblem('x7'.repeat(64))).toBeNull();
		expect(passwordProblem('x7'.repeat(64) + 'q')).toBe('password.too_long');
	});

	it('refuses the passwords everyone tries first, whatever their case', () => {
		for (const common of ['12345678', 'password', 'PassWord1', 'iloveyou', '1qaz2wsx', 'woaini1314', '0.0.0.000', 'zzzzzzzz']) {
			expect(passwordProblem(common), common).toBe('password.too_common');
		}
	});

	it('has no composition rules: a long phrase of lower-case words is fine', () => {
		expect(passwordProblem('harbour lantern river kite')).toBeNull();
		expect(passwordProblem('jiangcheng-2026')).toBeNull();
	});
});

describe('password hashing', () => {
	it('stores an argon2id hash that accepts the password and nothing else', async () => {
		const hash = await hashPassword('harbour-lantern-42');
		expect(hash).toMatch(/^\$argon2id\$/);
		expect(hash).not.toContain('harbour-lantern-42');
		expect(await verifyPassword(hash, 'harbour-lantern-42')).toBe(true);
		expect(await verifyPassword(hash, 'harbour-lantern-43')).toBe(false);
	});

	it('answers false, not an error, for a damaged hash', async () => {
		expect(await verifyPassword('not-a-hash', 'anything')).toBe(false);
	});
});
