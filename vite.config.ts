import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import { appChunks } from './scripts/lib/chunks.ts';

const chunks = appChunks();

export default defineConfig({
	// The messages under src/lib/paraglide are compiled before Vite runs (scripts/lib/messages.ts: `npm run build`,
	// `npm start`, `npm test`, `npm run dev` and vitest's global setup do it).
	plugins: [sveltekit(), chunks.plugin],
	// The plugin-timing report is noise in every build log; the bundle benchmark tracks what matters. How the browser
	// build is cut into files: scripts/lib/chunks.ts.
	build: {
		rolldownOptions: {
			checks: { pluginTimings: false },
			output: { codeSplitting: { groups: chunks.groups } }
		}
	},
	test: {
		include: ['src/**/*.spec.ts', 'scripts/**/*.spec.ts', 'db/**/*.spec.ts', 'tests/security/**/*.spec.ts'],
		globalSetup: ['tests/setup/global-db.ts'],
		setupFiles: ['tests/setup/per-file-db.ts'],
		pool: 'forks',
		testTimeout: 20_000,
		hookTimeout: 60_000
	}
});
