// npm test: type check, unit and integration tests (real PostgreSQL), production build, then the
// end-to-end tests in Chromium. Every step runs; the exit code is non-zero if any failed.
import { resolve } from 'node:path';
import { ROOT } from './lib/database.ts';
import { run } from './lib/serve.ts';

const bin = (pkg: string, file: string) => resolve(ROOT, 'node_modules', pkg, file);
const node = process.execPath;

interface Step {
	name: string;
	cmd: string;
	args: string[];
	/** skipped when an earlier step it needs failed */
	needs?: string[];
}

const steps: Step[] = [
	{ name: 'messages', cmd: node, args: [resolve(ROOT, 'scripts', 'lib', 'messages.ts')] },
	{ name: 'sync', cmd: node, args: [bin('@sveltejs/kit', 'svelte-kit.js'), 'sync'], needs: ['messages'] },
	{ name: 'type check', cmd: node, args: [bin('svelte-check', 'bin/svelte-check'), '--tsconfig', './tsconfig.json', '--fail-on-warnings', '--output', 'human'], needs: ['sync'] },
	{ name: 'unit and integration', cmd: node, args: [bin('vitest', 'vitest.mjs'), 'run'], needs: ['sync'] },
	{ name: 'chromium', cmd: node, args: [resolve(ROOT, 'scripts', 'ensure-chromium.ts')] },
	{ name: 'build', cmd: node, args: [bin('vite', 'bin/vite.js'), 'build', '--logLevel', 'warn'], needs: ['sync'] },
	{ name: 'end-to-end', cmd: node, args: [bin('@playwright/test', 'cli.js'), 'test'], needs: ['chromium', 'build'] }
];

const results: { name: string; status: 'passed' | 'failed' | 'skipped'; seconds: number }[] = [];
const started = Date.now();
for (const step of steps) {
	const blocked = step.needs?.find((n) => results.find((r) => r.name === n)?.status !== 'passed');
	if (blocked) {
		results.push({ name: step.name, status: 'skipped', seconds: 0 });
		continue;
	}
	console.log(`\n━━ ${step.name} ━━`);
	const t0 = Date.now();
	const status = await run(step.cmd, step.args, { ...process.env, FORCE_COLOR: process.env.CI ? '0' : process.env.FORCE_COLOR })
		.then(() => 'passed' as const)
		.catch(() => 'failed' as const);
	results.push({ name: step.name, status, seconds: (Date.now() - t0) / 1000 });
}

console.log('\n━━ summary ━━');
for (const r of results) console.log(`  ${r.status.padEnd(7)} ${r.name}${r.status === 'skipped' ? '' : ` (${r.seconds.toFixed(1)} s)`}`);
console.log(`  total ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(results.every((r) => r.status === 'passed') ? 0 : 1);
