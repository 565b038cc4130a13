// npm run migrate: applies db/migrations as the owner (MIGRATION_DATABASE_URL, or DATABASE_URL when there is one
// role, or the embedded database) and grants the app's role (DATABASE_URL's) what it may do.
import { openDatabase, readMigrationFiles, roleOf } from './lib/database.ts';

const db = await openDatabase();
process.env.DATABASE_URL = db.ownerUrl;
const { sql } = await import('../src/lib/server/db.ts');
const { migrate } = await import('../src/lib/server/migrate.ts');
try {
	const { applied, alreadyApplied } = await migrate(sql, readMigrationFiles(), { appRole: roleOf(db.url) === roleOf(db.ownerUrl) ? null : roleOf(db.url) });
	console.log(applied.length ? `applied: ${applied.join(', ')}` : `up to date (${alreadyApplied} migrations)`);
} finally {
	await sql.end();
	await db.close();
}
