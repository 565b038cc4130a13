// Runs before each test file's imports: a private database copied from the migrated template,
// so src/lib/server/db.ts (which reads DATABASE_URL at import) talks to it.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, inject } from 'vitest';

const maintenanceUrl = inject('pgMaintenanceUrl');
const template = inject('pgTemplate');
const name = `t_${randomBytes(6).toString('hex')}`;

const admin = postgres(maintenanceUrl, { max: 1, onnotice: () => {} });
try {
	await admin.unsafe(`create database "${name}" template "${template}"`);
} finally {
	await admin.end();
}
process.env.DATABASE_URL = maintenanceUrl.replace(/\/[^/]*$/, `/${name}`);
// Secrets in the database are sealed under this key in tests (src/lib/server/security/secrets.ts).
process.env.SECRETS_KEY ??= randomBytes(32).toString('hex');

afterAll(async () => {
	const { sql } = await import('../../src/lib/server/db.ts');
	await sql.end({ timeout: 5 });
});
