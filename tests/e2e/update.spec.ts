// A new release: the open app offers it instead of swapping under the person's feet, and one tap
// brings it in.
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { expect, test, type TestInfo } from '@playwright/test';
import { ROOT } from '../../scripts/lib/database.ts';
import type { AppServer } from '../../scripts/lib/serve.ts';
import { DEMO_PASSWORD, signIn, startOwnServer, waitForServiceWorkerControl, workerVersion } from './support.ts';

const BUILD = resolve(ROOT, 'build');
// One copy per parallel worker, so repeated runs side by side do not share it.
const nextBuildDir = (testInfo: TestInfo) => resolve(ROOT, '.data', 'build-next', String(testInfo.parallelIndex));

/**
 * The same app with a service worker that differs byte for byte, as after a rebuild: a copy of
 * build/ in `dir` whose worker carries another version. Returns both versions.
 */
function makeNextBuild(dir: string): { current: string; next: string } {
	const versionFile = resolve(BUILD, 'client', '_app', 'version.json');
	const { version: current } = JSON.parse(readFileSync(versionFile, 'utf8')) as { version: string };
	const next = `${current}-next`;
	rmSync(dir, { recursive: true, force: true });
	cpSync(BUILD, dir, { recursive: true });
	const worker = resolve(dir, 'client', 'service-worker.js');
	const source = readFileSync(worker, 'utf8');
	const quoted = new RegExp(`(["'\`])${current}\\1`, 'g');
	expect(source.match(quoted), 'the worker names its build version once').toHaveLength(1);
	const rewritten = Buffer.from(source.replace(quoted, `$1${next}$1`));
	writeFileSync(worker, rewritten);
	// The server prefers the precompressed copies (adapter-node precompress): they must match.
	writeFileSync(`${worker}.br`, brotliCompressSync(rewritten));
	writeFileSync(`${worker}.gz`, gzipSync(rewritten));
	return { current, next };
}

// Two servers come and go, one after the other on the same port.
test.setTimeout(45_000);
const servers: AppServer[] = [];
test.afterEach(async ({}, testInfo) => {
	for (const server of servers.splice(0)) await server.stop();
	rmSync(nextBuildDir(testInfo), { recursive: true, force: true });
});

test('a new release shows 新版本可用 and one tap brings it in', async ({ page }, testInfo) => {
	const nextBuild = nextBuildDir(testInfo);
	const { current, next } = makeNextBuild(nextBuild);

	const first = await startOwnServer();
	servers.push(first);
	const port = Number(new URL(first.url).port);
	await signIn(page, 'health-press', DEMO_PASSWORD, first.url);
	await waitForServiceWorkerControl(page);
	expect(await workerVersion(page)).toBe(current);
	const prompt = page.getByRole('button', { name: '新版本可用，点击更新' });
	await expect(prompt).toBeHidden();

	// The release: same address, new build.
	await first.stop();
	servers.push(await startOwnServer({ port, buildDir: nextBuild }));

	// Opening the app again is when the browser looks for a new worker.
	await page.reload();
	await expect(prompt).toBeVisible({ timeout: 15_000 });
	await expect(page.getByRole('heading', { level: 1 })).toContainText('吴芳');

	const reloaded = page.waitForEvent('load');
	await prompt.tap();
	await reloaded;
	await expect.poll(() => workerVersion(page)).toBe(next);
	await expect(prompt).toBeHidden();
	await expect(page.getByRole('heading', { level: 1 })).toContainText('吴芳');
});
