// The reverse proxy in front of several app instances for bench/multi-instance.ts: Debian's nginx when it is
// installed (run as a child process with a generated configuration in a temporary directory, loopback only),
// otherwise a small round-robin proxy in this process. Both name the instance that answered in X-Upstream and pass
// an idempotent request to the next instance when one cannot be reached.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Proxy {
	kind: 'nginx' | 'node';
	url: string;
	/** the nginx error log, or the node proxy's own lines */
	log(): string;
	stop(): Promise<void>;
}

/** The live stream's path (tRPC's httpSubscriptionLink: GET /api/trpc/live.changes, server-sent events). */
export const LIVE_PATH = '/api/trpc/live.changes';

export function findNginx(): string | null {
	if (process.env.MULTI_PROXY === 'node') return null;
	for (const p of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx']) if (existsSync(p)) return p;
	return null;
}

export async function startProxy(port: number, upstreams: number[]): Promise<Proxy> {
	const nginx = findNginx();
	return nginx ? startNginx(nginx, port, upstreams) : startNodeProxy(port, upstreams);
}

/** The configuration docs/deployment.md describes, without TLS: one upstream block, the live stream unbuffered. */
export function nginxConfig(dir: string, port: number, upstreams: number[]): string {
	return `worker_processes 1;
error_log ${dir}/error.log warn;
pid ${dir}/nginx.pid;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path ${dir}/body;
	proxy_temp_path ${dir}/proxy;
	fastcgi_temp_path ${dir}/fastcgi;
	uwsgi_temp_path ${dir}/uwsgi;
	scgi_temp_path ${dir}/scgi;
	upstream huiying {
${upstreams.map((p) => `		server 127.0.0.1:${p} max_fails=1 fail_timeout=5s;`).join('\n')}
		keepalive 32;
	}
	server {
		listen 127.0.0.1:${port};
		client_max_body_size 25m;
		add_header X-Upstream $upstream_addr always;
		proxy_http_version 1.1;
		proxy_set_header Connection "";
		proxy_set_header Host $host;
		proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
		proxy_set_header X-Forwarded-Proto $scheme;
		# a page's headers (the CSP's script hashes, preload links) outgrow nginx's default 4k/8k buffer
		proxy_buffer_size 32k;
		proxy_buffers 8 32k;
		proxy_busy_buffers_size 64k;
		proxy_connect_timeout 2s;
		proxy_read_timeout 30s;
		# GET and HEAD go to the next instance when one is down; a POST only when it was never sent
		proxy_next_upstream error timeout http_502;
		proxy_next_upstream_tries 3;
		location = ${LIVE_PATH} {
			proxy_pass http://huiying;
			proxy_buffering off;
			proxy_read_timeout 1h;
		}
		location / {
			proxy_pass http://huiying;
		}
	}
}
`;
}

async function startNginx(bin: string, port: number, upstreams: number[]): Promise<Proxy> {
	const dir = mkdtempSync(join(tmpdir(), 'huiying-nginx-'));
	// run as root, nginx's workers are nobody: they must reach the temporary paths
	chmodSync(dir, 0o755);
	const conf = join(dir, 'nginx.conf');
	writeFileSync(conf, nginxConfig(dir, port, upstreams));
	const test = spawnSync(bin, ['-t', '-q', '-p', dir, '-c', conf, '-e', join(dir, 'error.log')], { encoding: 'utf8' });
	if (test.status !== 0) {
		rmSync(dir, { recursive: true, force: true });
		throw new Error(`nginx -t failed: ${test.stderr}`);
	}
	const child = spawn(bin, ['-p', dir, '-c', conf, '-e', join(dir, 'error.log'), '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
	let stderr = '';
	child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
	const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
	const url = `http://127.0.0.1:${port}`;
	const log = () => {
		try {
			return stderr + readFileSync(join(dir, 'error.log'), 'utf8');
		} catch {
			return stderr;
		}
	};
	const stop = async () => {
		if (child.exitCode === null && child.signalCode === null) {
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
			await exited;
			clearTimeout(timer);
		}
		rmSync(dir, { recursive: true, force: true });
	};
	await waitForListening(url, child, stop, log);
	return { kind: 'nginx', url, log, stop };
}

async function waitForListening(url: string, child: ChildProcess | null, stop: () => Promise<void>, log: () => string): Promise<void> {
	const deadline = Date.now() + 10_000;
	for (;;) {
		if (child && child.exitCode !== null) {
			const text = log();
			await stop();
			throw new Error(`the proxy exited with ${child.exitCode}: ${text}`);
		}
		try {
			const res = await fetch(`${url}/api/ping`, { signal: AbortSignal.timeout(2000) });
			await res.arrayBuffer();
			if (res.status < 500) return;
		} catch {
			// not yet
		}
		if (Date.now() > deadline) {
			const text = log();
			await stop();
			throw new Error(`the proxy did not answer on ${url} within 10 s: ${text}`);
		}
		await new Promise((ok) => setTimeout(ok, 100));
	}
}

/**
 * Round robin over `upstreams`; an instance that refused or broke a connection is skipped for 5 s. A GET or HEAD
 * is tried on the next instance (up to one try each) when no answer came; any other method only when its
 * connection was refused, i.e. it was never sent. What could not be passed on is answered 502.
 */
async function startNodeProxy(port: number, upstreams: number[]): Promise<Proxy> {
	const lines: string[] = [];
	const downUntil = new Map<number, number>();
	let next = 0;
	const pick = (tried: Set<number>): number | null => {
		for (let i = 0; i < upstreams.length; i++) {
			const p = upstreams[(next + i) % upstreams.length]!;
			if (!tried.has(p) && (downUntil.get(p) ?? 0) <= Date.now()) {
				next = (next + i + 1) % upstreams.length;
				return p;
			}
		}
		return upstreams.find((p) => !tried.has(p)) ?? null;
	};
	const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
		const chunks: Buffer[] = [];
		for await (const c of req) chunks.push(c as Buffer);
		const body = Buffer.concat(chunks);
		const idempotent = req.method === 'GET' || req.method === 'HEAD';
		const tried = new Set<number>();
		const headers = { ...req.headers, 'x-forwarded-for': [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', '), 'x-forwarded-proto': 'http' };
		const attempt = (): void => {
			const upstream = pick(tried);
			if (upstream === null) {
				if (!res.headersSent) res.writeHead(502, { 'x-upstream': [...tried].map((p) => `127.0.0.1:${p}`).join(', ') }).end();
				return;
			}
			tried.add(upstream);
			const up = httpRequest({ host: '127.0.0.1', port: upstream, method: req.method, path: req.url, headers }, (answer) => {
				res.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'x-upstream': [...tried].map((p) => `127.0.0.1:${p}`).join(', ') });
				answer.pipe(res);
				answer.on('error', () => res.destroy());
			});
			up.on('error', (e: NodeJS.ErrnoException) => {
				downUntil.set(upstream, Date.now() + 5000);
				lines.push(`${new Date().toISOString()} ${req.method} ${req.url?.slice(0, 60)} → 127.0.0.1:${upstream}: ${e.code ?? e.message}`);
				if (res.headersSent) return void res.destroy();
				if (idempotent || e.code === 'ECONNREFUSED') attempt();
				else res.writeHead(502, { 'x-upstream': [...tried].map((p) => `127.0.0.1:${p}`).join(', ') }).end();
			});
			res.once('close', () => up.destroy());
			up.end(body);
		};
		attempt();
	});
	await new Promise<void>((ok, fail) => server.once('error', fail).listen(port, '127.0.0.1', () => ok()));
	const url = `http://127.0.0.1:${port}`;
	const stop = async () => {
		server.closeAllConnections();
		await new Promise<void>((ok) => server.close(() => ok()));
	};
	const log = () => lines.join('\n');
	await waitForListening(url, null, stop, log);
	return { kind: 'node', url, log, stop };
}
