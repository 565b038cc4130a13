// Makes sure the end-to-end tests have a Chromium; as root on Debian it installs the `chromium` package.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findChromium } from './lib/chromium.ts';

const found = await findChromium();
if (found) {
	console.log(`[chromium] using ${found}`);
	process.exit(0);
}

const isRoot = process.getuid?.() === 0;
const isDebian = existsSync('/etc/debian_version');
if (isRoot && isDebian) {
	console.log('[chromium] not found: installing Debian’s chromium package (apt-get)…');
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
	execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env });
	const now = await findChromium();
	if (now) {
		console.log(`[chromium] installed: ${now}`);
		process.exit(0);
	}
}

console.error(
	[
		'No Chromium was found for the end-to-end tests.',
		'  - Debian/Ubuntu: sudo apt-get install chromium',
		'  - or point CHROMIUM_PATH at a Chromium or Chrome binary',
		'  - or, where the internet is reachable: npx playwright install chromium'
	].join('\n')
);
process.exit(1);
