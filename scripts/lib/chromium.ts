// Finds a Chromium for Playwright: CHROMIUM_PATH, Debian's /usr/bin/chromium, or Playwright's own.
import { existsSync } from 'node:fs';

export const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--headless',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
	'--disable-quic'
];

export async function findChromium(): Promise<string | null> {
	const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
	for (const c of candidates) if (c && existsSync(c)) return c;
	try {
		const { chromium } = await import('playwright-core');
		const own = chromium.executablePath();
		if (own && existsSync(own)) return own;
	} catch {
		// playwright-core not resolvable: no bundled browser either
	}
	return null;
}
