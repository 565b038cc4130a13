// Small pieces the load benchmarks share (bench/scale-load.ts, bench/multi-instance.ts): how a browser asks for a
// tRPC query, signs in and listens to the live stream, and how the figures are printed.

/** A tRPC query as the browser's httpBatchLink sends it: GET, batch of one, input as JSON keyed by its index. */
export function trpc(procedure: string, input: unknown = {}): string {
	return `/api/trpc/${procedure}?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: input }))}`;
}

export const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)] ?? NaN;
export const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(0)} ms` : '–');
export const sleep = (t: number) => new Promise((ok) => setTimeout(ok, t));

export const ACCEPT_ENCODING = 'gzip, br';

/** What a browser sends: a page is asked for as HTML, a tRPC call takes whatever comes. */
export function headersFor(path: string, cookie: string): Record<string, string> {
	const accept = path.startsWith('/api/') ? '*/*' : 'text/html,application/xhtml+xml';
	return cookie ? { cookie, accept, 'accept-encoding': ACCEPT_ENCODING } : { accept, 'accept-encoding': ACCEPT_ENCODING };
}

/** Signs in through the form as a browser does (POST /login) and returns the session cookie. */
export async function signIn(base: string, who: { username: string }, password: string, timeoutMs = 10_000): Promise<string> {
	const res = await fetch(`${base}/login`, {
		method: 'POST',
		// text/html as a browser's form post: SvelteKit answers an Accept of */* as use:enhance's JSON
		headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: base },
		body: new URLSearchParams({ login: who.username, password }),
		redirect: 'manual',
		signal: AbortSignal.timeout(timeoutMs)
	});
	const body = await res.text();
	const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]!).join('; ');
	if (res.status !== 303 || !cookie) throw new Error(`sign-in of ${who.username} answered ${res.status}: ${body.slice(0, 300)}`);
	return cookie;
}

export interface LiveStream {
	name: string;
	/** incident id → when its news arrived */
	seen: Map<string, number>;
	/** each (re)connection, when the stream answered */
	connectedAt: number[];
	droppedAt: number[];
	/** the proxy's X-Upstream of the last connection */
	upstream: string | null;
}

/**
 * The live stream (tRPC server-sent events) as a screen holds it, noting each incident's news. With `reconnect`, a
 * dropped stream is opened again after 250 ms (at most 50 times), as tRPC's link does; until `signal` aborts.
 */
export function liveStream(name: string, url: string, headers: Record<string, string>, signal: AbortSignal, reconnect: boolean): LiveStream {
	const s: LiveStream = { name, seen: new Map(), connectedAt: [], droppedAt: [], upstream: null };
	void (async () => {
		for (let tries = 0; tries < 50 && !signal.aborted; tries++) {
			try {
				const res = await fetch(url, { headers: { ...headers, accept: 'text/event-stream' }, signal });
				if (res.status !== 200 || !res.body) throw new Error(`status ${res.status}`);
				s.upstream = res.headers.get('x-upstream');
				s.connectedAt.push(performance.now());
				let buffer = '';
				for await (const chunk of res.body.pipeThrough(new TextDecoderStream())) {
					buffer += chunk;
					let cut: number;
					while ((cut = buffer.indexOf('\n\n')) >= 0) {
						const event = buffer.slice(0, cut);
						buffer = buffer.slice(cut + 2);
						const data = event.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
						// named events (connected, ping…) are tRPC's own
						if (!data || /^event:/m.test(event)) continue;
						try {
							const news = JSON.parse(data) as { kind?: string; subject?: string; id?: string };
							if (news.kind === 'subject' && news.subject === 'incident' && news.id && !s.seen.has(news.id)) s.seen.set(news.id, performance.now());
						} catch {
							// not a change
						}
					}
				}
			} catch {
				// dropped or refused
			}
			if (signal.aborted) return;
			s.droppedAt.push(performance.now());
			if (!reconnect) return;
			await sleep(250);
		}
	})();
	return s;
}
