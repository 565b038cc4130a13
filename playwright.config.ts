import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './scripts/lib/chromium.ts';

const port = Number(process.env.E2E_PORT ?? 4173);
const baseURL = `http://127.0.0.1:${port}`;

// Debian's Chromium (or CHROMIUM_PATH): Playwright's own browser download is never used.
const executablePath = await findChromium();
if (!executablePath) throw new Error('No Chromium for the end-to-end tests: run `node scripts/ensure-chromium.ts`.');

export default defineConfig({
	testDir: 'tests/e2e',
	outputDir: 'test-results',
	forbidOnly: !!process.env.CI,
	retries: process.env.CI ? 1 : 0,
	// Two cores: the browser, the app and PostgreSQL share them.
	workers: 2,
	// The JSON report gives each test's time, to see where the suite's minutes go.
	reporter: [['list'], ['json', { outputFile: 'test-results/e2e-report.json' }]],
	timeout: 30_000,
	expect: { timeout: 10_000 },
	use: {
		baseURL,
		// A phone first: the people who answer the clock do it on one.
		viewport: { width: 390, height: 844 },
		isMobile: true,
		hasTouch: true,
		locale: 'zh-CN',
		timezoneId: 'Asia/Shanghai',
		trace: 'retain-on-failure',
		screenshot: 'only-on-failure'
	},
	projects: [
		{
			name: 'chromium',
			use: {
				browserName: 'chromium',
				launchOptions: { executablePath, args: CHROMIUM_ARGS }
			}
		}
	],
	webServer: {
		command: 'node scripts/e2e-server.ts',
		url: `${baseURL}/login`,
		env: { E2E_PORT: String(port) },
		reuseExistingServer: false,
		timeout: 120_000,
		gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
		stdout: 'pipe',
		stderr: 'pipe'
	}
});
