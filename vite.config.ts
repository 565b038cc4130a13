import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	test: {
		include: ['src/**/*.spec.ts', 'scripts/**/*.spec.ts', 'db/**/*.spec.ts'],
		globalSetup: ['tests/setup/global-db.ts'],
		setupFiles: ['tests/setup/per-file-db.ts'],
		pool: 'forks',
		testTimeout: 20_000,
		hookTimeout: 60_000
	}
});
