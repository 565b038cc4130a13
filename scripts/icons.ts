// npm run icons: renders the PNG app icons from static/icons/*.svg with Chromium.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from './lib/chromium.ts';
import { ROOT } from './lib/database.ts';

const dir = resolve(ROOT, 'static', 'icons');
const jobs = [
	{ svg: 'icon.svg', out: 'icon-192.png', size: 192 },
	{ svg: 'icon.svg', out: 'icon-512.png', size: 512 },
	{ svg: 'maskable.svg', out: 'maskable-512.png', size: 512 },
	{ svg: 'maskable.svg', out: 'apple-touch-icon.png', size: 180 }
];

const executablePath = await findChromium();
if (!executablePath) throw new Error('no Chromium: run node scripts/ensure-chromium.ts');
const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
try {
	for (const job of jobs) {
		const page = await browser.newPage({ viewport: { width: job.size, height: job.size } });
		const svg = readFileSync(resolve(dir, job.svg), 'utf8');
		await page.setContent(
			`<html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg width="${job.size}" height="${job.size}" `)}</body></html>`
		);
		await page.screenshot({ path: resolve(dir, job.out), omitBackground: true });
		await page.close();
		console.log(`${job.out} (${job.size}px)`);
	}
} finally {
	await browser.close();
}
