// npm run migrate: applies db/migrations to DATABASE_URL (or the embedded database).
import { openDatabase, readMigrationFiles } from './lib/database.ts';

const db = await openDatabase();
process.env.DATABASE_URL = db.url;
const { sql } = await import('../src/lib/server/db.ts');
const { migrate } = await import('../src/lib/server/migrate.ts');
try {
	const { applied, alreadyApplied } = await migrate(sql, readMigrationFiles());
	console.log(applied.length ? `applied: ${applied.join(', ')}` : `up to date (${alreadyApplied} migrations)`);
} finally {
	await sql.end();
	await db.close();
}
