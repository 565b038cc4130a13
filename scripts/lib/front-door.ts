// What stands in front of the app in each instance (server.js): responses compressed, and a bound on the requests
// the app works on at once. A few requests for data are worked on at a time; the next ones wait their turn in a
// short queue, which costs nothing while they wait; beyond the queue, or after waiting too long, a request is
// answered at once with 503, Retry-After and the reason in the reader's language. Without the bound a queue of work
// grew until nothing finished within 10 s and even the sign-in page took 14 s; with a bound of 64 requests worked on
// at once, sign-in still waited behind all 64 (589 ms at p95). Static files, the service worker, sign-in and live
// streams never wait and are never turned away: they cost little, and a phone must still reach them.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import compression from 'compression';
import { m } from '../../src/lib/paraglide/messages.js';
import { baseLocale, cookieName, isLocale, type Locale } from '../../src/lib/paraglide/runtime.js';

export interface FrontDoorOptions {
	/** requests for data worked on at once in this instance */
	maxInFlight: number;
	/** requests for data waiting for a place; beyond them a quick 503 */
	maxQueued: number;
	/** how long a request may wait for a place before it is told 503 instead */
	maxWaitMs: number;
	/** what a turned-away client is told to wait */
	retryAfterSeconds: number;
}

/** Requests that are never turned away: files, the shell, sign-in and sign-out, live streams. */
const ALWAYS = /^\/(_app\/|icons\/|service-worker\.js|manifest\.webmanifest|favicon|robots\.txt|offline|login|logout)/;

const isEventStream = (req: IncomingMessage) => (req.headers.accept ?? '').includes('text/event-stream');

/** Whether a request is work for the app that counts against the bound. */
export function counts(req: IncomingMessage): boolean {
	return !ALWAYS.test(req.url ?? '/') && !isEventStream(req);
}

function localeOf(req: IncomingMessage): Locale {
	const cookie = (req.headers.cookie ?? '').split(/;\s*/).find((c) => c.startsWith(`${cookieName}=`));
	const value = cookie?.slice(cookieName.length + 1);
	return value && isLocale(value) ? value : baseLocale;
}

function busy(req: IncomingMessage, res: ServerResponse, opts: FrontDoorOptions): void {
	const locale = localeOf(req);
	const message = m['error.busy']({ seconds: opts.retryAfterSeconds }, { locale });
	const wantsJson = (req.url ?? '').startsWith('/api/') || (req.url ?? '').includes('__data.json') || (req.headers.accept ?? '').includes('application/json');
	res.statusCode = 503;
	res.setHeader('Retry-After', String(opts.retryAfterSeconds));
	res.setHeader('Cache-Control', 'no-store');
	if (wantsJson) {
		// The shape of a tRPC error, so the client shows the message like any other refusal.
		res.setHeader('Content-Type', 'application/json; charset=utf-8');
		res.end(JSON.stringify({ error: { message, code: -32603, data: { code: 'SERVICE_UNAVAILABLE', httpStatus: 503, fieldErrors: {} } } }));
		return;
	}
	const title = m['error.busy_title']({}, { locale });
	res.setHeader('Content-Type', 'text/html; charset=utf-8');
	res.end(
		`<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
			`<meta http-equiv="refresh" content="${opts.retryAfterSeconds}"><title>${title}</title></head>` +
			`<body style="font-family:system-ui,sans-serif;padding:1.5rem;line-height:1.6"><h1>${title}</h1><p>${message}</p></body></html>`
	);
}

/** The app's request listener behind the front door. */
export function frontDoor(app: RequestListener, opts: FrontDoorOptions): RequestListener & { inFlight(): number; queued(): number } {
	// Live streams stay uncompressed: a compressor holds their events back until its buffer fills.
	const compress = compression({ threshold: 1024, filter: (req, res) => !isEventStream(req) && compression.filter(req, res) });
	const serve = (req: IncomingMessage, res: ServerResponse) => compress(req as never, res as never, () => app(req, res));
	let inFlight = 0;
	/** waiting requests, oldest first; each entry starts its request when called */
	const queue = new Set<() => void>();

	const start = (req: IncomingMessage, res: ServerResponse) => {
		inFlight++;
		let released = false;
		const release = () => {
			if (released) return;
			released = true;
			inFlight--;
			// The oldest waiting request takes the place.
			const next = queue.values().next();
			if (!next.done) next.value();
		};
		// 'close' also comes when the client hangs up first: its place is free at once.
		res.once('finish', release);
		res.once('close', release);
		serve(req, res);
	};

	const listener = (req: IncomingMessage, res: ServerResponse) => {
		if (!counts(req)) return serve(req, res);
		if (inFlight < opts.maxInFlight && queue.size === 0) return start(req, res);
		if (queue.size >= opts.maxQueued) return busy(req, res, opts);
		const leave = () => {
			queue.delete(enter);
			clearTimeout(timer);
			res.off('close', leave);
		};
		const enter = () => {
			leave();
			start(req, res);
		};
		// Waited too long: an answer now is worth more than a late page (the client retries after Retry-After).
		const timer = setTimeout(() => {
			leave();
			busy(req, res, opts);
		}, opts.maxWaitMs);
		// A client that hangs up while waiting leaves the queue.
		res.once('close', leave);
		queue.add(enter);
	};
	return Object.assign(listener, { inFlight: () => inFlight, queued: () => queue.size });
}
