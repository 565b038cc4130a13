// DATABASE_URL=… node scripts/demo-database.ts: applies the migrations and seeds the demo organisation,
// silently, for tests and benchmarks that bring a database of their own (server modules read
// DATABASE_URL at import, so a child process is the clean way to point them at another database).
import { readMigrationFiles } from './lib/database.ts';

if (!process.env.DATABASE_URL) {
	console.error('DATABASE_URL must name the database to prepare');
	process.exit(1);
}
const { sql } = await import('../src/lib/server/db.ts');
const { migrate } = await import('../src/lib/server/migrate.ts');
const { seedDemo } = await import('../db/seed/demo.ts');
try {
	await migrate(sql, readMigrationFiles());
	await seedDemo();
} finally {
	await sql.end();
}
