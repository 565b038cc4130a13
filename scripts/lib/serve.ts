// Runs the production build (adapter-node) as a child process and waits until it answers.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT } from './database.ts';

export interface AppServer {
	url: string;
	/** the database it serves */
	databaseUrl: string;
	child: ChildProcess;
	stop(): Promise<void>;
}

/**
 * The key that seals secrets in the database (src/lib/server/security/secrets.ts): SECRETS_KEY when set, otherwise
 * one made on this machine's first start and kept in .data/secrets.key (readable by its owner only), so that
 * `npm start` seals from the beginning. Keep that file with the data: without it the sealed secrets cannot be read.
 */
export function localSecretsKey(file = resolve(ROOT, '.data', 'secrets.key')): string {
	if (process.env.SECRETS_KEY) return process.env.SECRETS_KEY;
	if (existsSync(file)) return readFileSync(file, 'utf8').trim();
	mkdirSync(dirname(file), { recursive: true });
	try {
		writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
	} catch (e) {
		// another process (a test worker) made it first: theirs is the key
		if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
	}
	return readFileSync(file, 'utf8').trim();
}

export async function buildApp(): Promise<void> {
	await run(process.execPath, [resolve(ROOT, 'scripts', 'lib', 'messages.ts')]);
	await run(process.execPath, [resolve(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn']);
}

export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
	return new Promise((ok, fail) => {
		const child = spawn(cmd, args, { cwd: ROOT, stdio: 'inherit', env });
		child.on('error', fail);
		child.on('exit', (code, signal) => (code === 0 ? ok() : fail(new Error(`${cmd} ${args.join(' ')} exited with ${code ?? signal}`))));
	});
}

// The database each server started in this process serves, by its address (the end-to-end tests look it up).
const serving = new Map<string, string>();
export const databaseServedAt = (url: string): string | undefined => serving.get(url);

export async function serveApp(opts: {
	databaseUrl: string;
	port: number;
	host?: string;
	origin?: string;
	buildDir?: string;
	env?: NodeJS.ProcessEnv;
	quiet?: boolean;
	/** keep the app's standard output (its log lines) readable on `child.stdout` instead of showing it */
	pipeStdout?: boolean;
}): Promise<AppServer> {
	const buildDir = opts.buildDir ?? resolve(ROOT, 'build');
	if (!existsSync(resolve(buildDir, 'index.js'))) throw new Error(`no production build in ${buildDir}: run \`npm run build\``);
	const host = opts.host ?? '127.0.0.1';
	const local = `http://${host === '0.0.0.0' ? 'localhost' : host}:${opts.port}`;
	const url = opts.origin ?? local;
	const child = spawn(process.execPath, [resolve(ROOT, 'server.js'), buildDir], {
		cwd: ROOT,
		stdio: [opts.quiet ? 'ignore' : 'inherit', opts.pipeStdout || opts.quiet ? 'pipe' : 'inherit', 'inherit'],
		// Open live streams (server-sent events) would hold a stop for adapter-node's default 30 s.
		env: { ...process.env, SHUTDOWN_TIMEOUT: '2', BODY_SIZE_LIMIT: '25M', SECRETS_KEY: localSecretsKey(), ...opts.env, DATABASE_URL: opts.databaseUrl, PORT: String(opts.port), HOST: host, ORIGIN: url }
	});
	// Quiet still shows the server's errors (JSON lines of level error or fatal, src/lib/server/log.ts): a failing
	// end-to-end test then says why the page answered 500.
	if (opts.quiet && !opts.pipeStdout && child.stdout) {
		createInterface({ input: child.stdout }).on('line', (line) => {
			if (/"level":"(error|fatal)"/.test(line)) process.stderr.write(`[app] ${line}\n`);
		});
	}
	const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
	const stop = async () => {
		if (child.exitCode !== null || child.signalCode !== null) return;
		child.kill('SIGTERM');
		const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
		await exited;
		clearTimeout(timer);
	};
	const deadline = Date.now() + 30_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`the app exited with code ${child.exitCode} before it answered`);
		try {
			// Behind a proxy the origin is not this process: ask it directly.
			const res = await fetch(`${local}/login`, { redirect: 'manual' });
			if (res.status < 500) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`the app did not answer on ${local} within 30 s`);
		}
		await new Promise((r) => setTimeout(r, 150));
	}
	serving.set(url, opts.databaseUrl);
	return { url, databaseUrl: opts.databaseUrl, child, stop };
}
