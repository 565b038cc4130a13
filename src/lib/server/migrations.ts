import type { MigrationFile } from './migrate.ts';

// Bundled into the server build so a deployed app migrates itself with no files beside it.
const texts = import.meta.glob<string>('/db/migrations/*.sql', { query: '?raw', import: 'default', eager: true });

export const migrationFiles: MigrationFile[] = Object.entries(texts).map(([path, text]) => ({
	name: path.slice(path.lastIndexOf('/') + 1),
	text
}));
