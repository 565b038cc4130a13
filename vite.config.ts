import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	// The messages under src/lib/paraglide are compiled before Vite runs (scripts/lib/messages.ts: `npm run build`,
	// `npm start`, `npm test`, `npm run dev` and vitest's global setup do it).
	plugins: [sveltekit()],
	// The plugin-timing report is noise in every build log; the bundle benchmark tracks what matters. Code that a
	// dozen screens or more share (the layout's, the messages it names) goes in one chunk: without it, each message
	// is a chunk of its own and a screen loads sixty files (docs/benchmarks.md).
	build: {
		rolldownOptions: {
			checks: { pluginTimings: false },
			output: { codeSplitting: { groups: [{ name: 'common', minShareCount: 12 }] } }
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
