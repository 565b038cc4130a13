// DATABASE_URL=… node scripts/demo-database.ts: applies the migrations and seeds the demo organisation,
// silently. Tests run it as a child process (the server modules read DATABASE_URL at import, so a child
// process is the clean way to point them at another database).
import { prepareDatabase } from './lib/database.ts';

if (!process.env.DATABASE_URL) {
	console.error('DATABASE_URL must name the database to prepare');
	process.exit(2);
}
const { sql } = await prepareDatabase(process.env.DATABASE_URL, { demo: true });
await sql.end();
