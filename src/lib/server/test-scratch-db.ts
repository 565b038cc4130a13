// A database of its own for a spec that runs the migrations from an earlier point (what a migration does to rows
// written before it): created empty on first use, dropped with everything in it after the file's tests.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, inject } from 'vitest';

export function scratchDatabase(prefix: string): () => Promise<postgres.Sql> {
	const maintenanceUrl = inject('pgMaintenanceUrl');
	const name = `${prefix}_${randomBytes(6).toString('hex')}`;
	const admin = postgres(maintenanceUrl, { max: 1, onnotice: () => {} });
	let db: postgres.Sql | undefined;

	afterAll(async () => {
		await db?.end({ timeout: 5 });
		await admin.unsafe(`drop database if exists "${name}" with (force)`);
		await admin.end();
	});

	return async () => {
		if (db) return db;
		await admin.unsafe(`create database "${name}"`);
		db = postgres(maintenanceUrl.replace(/\/[^/]*$/, `/${name}`), { max: 1, onnotice: () => {} });
		return db;
	};
}
