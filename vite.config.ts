import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	// The plugin-timing report is noise in every build log; the bundle benchmark tracks what matters.
	build: { rolldownOptions: { checks: { pluginTimings: false } } },
	test: {
		include: ['src/**/*.spec.ts', 'scripts/**/*.spec.ts', 'db/**/*.spec.ts', 'tests/security/**/*.spec.ts'],
		globalSetup: ['tests/setup/global-db.ts'],
		setupFiles: ['tests/setup/per-file-db.ts'],
		pool: 'forks',
		testTimeout: 20_000,
		hookTimeout: 60_000
	}
});
