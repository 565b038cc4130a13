// The production entry: adapter-node's server, behind the front door (scripts/lib/front-door.ts: compression and
// a bound on the requests worked on at once), plus the headers every response needs. adapter-node serves static
// files and the service worker before SvelteKit's hooks run, so those headers are set here, on the HTTP server
// itself, ahead of its own request handler. `node server.js [build directory]`, after `npm run build`.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { frontDoor } from './scripts/lib/front-door.ts';

const { server } = await import(pathToFileURL(resolve(process.argv[2] ?? 'build', 'index.js')).href);
const hsts = (process.env.ORIGIN ?? '').startsWith('https://');

const http = server.server;
const [app] = http.listeners('request');
http.removeAllListeners('request');
http.on(
	'request',
	frontDoor(app, {
		maxInFlight: Number(process.env.MAX_IN_FLIGHT ?? 8),
		maxQueued: Number(process.env.MAX_QUEUED ?? 64),
		maxWaitMs: Number(process.env.MAX_WAIT_MS ?? 5000),
		retryAfterSeconds: Number(process.env.RETRY_AFTER_SECONDS ?? 2)
	})
);

http.prependListener('request', (_req, res) => {
	res.setHeader('X-Content-Type-Options', 'nosniff');
	res.setHeader('Referrer-Policy', 'same-origin');
	if (hsts) res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
});
