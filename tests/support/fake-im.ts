// What the local stand-ins for the chat platforms (fake-wecom.ts, fake-dingtalk.ts) share: an HTTP server on
// 127.0.0.1 for the spec that uses it, access tokens issued and checked as the platforms do, answers that are
// never sent (so a client's timeout ends the wait), and the list of requests the real API would refuse, which
// every test expects empty. Each platform adds its paths, its codes and the shapes it checks.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';

/** What every stand-in remembers between requests; set afresh before each test. */
export interface ImState {
	tokenFetches: number;
	validTokens: Set<string>;
	/** the gettoken parameters it accepts (a test may rotate the secret) */
	credentials: Record<string, string>;
	/** requests the real API would refuse or silently mangle: every test expects none */
	problems: string[];
	/** the next authenticated call finds its token expired */
	expireNext: boolean;
	/** answers never sent */
	hanging: ServerResponse[];
}

export interface Exchange {
	req: IncomingMessage;
	url: URL;
	raw: Buffer;
	answer(body: object | string, status?: number): void;
	/** never answers: the client's timeout is what ends the wait */
	hang(): void;
}

interface Route<S> {
	method: 'GET' | 'POST';
	handle(exchange: Exchange, state: ImState & S): unknown;
}

export interface Platform<S extends object> {
	tokenPath: string;
	/** the gettoken query parameters and the values the platform accepts */
	credentials: Record<string, string>;
	/** the platform's refusal, by the first gettoken parameter that is wrong */
	refuseCredentials(param: string): object;
	/** the platform's answer with a fresh token; `n` counts the fetches */
	issueToken(n: number): { token: string; answer: object };
	/** the platform's answer to a token it does not know, and to one that has expired */
	unknownToken(): object;
	expiredToken(): object;
	/** paths that need the token, each with its method */
	routes: Record<string, Route<S>>;
	unknownPath(exchange: Exchange): void;
	/** the platform's own state, set afresh before each test */
	fresh(): S;
}

export interface FakeIm<S extends object> {
	state: ImState & S;
	/** http://127.0.0.1:PORT, once the spec's beforeAll has run */
	readonly baseUrl: string;
}

/** A lone surrogate is what a careless cut leaves behind; JSON.stringify turns it into \udxxx and the phone shows �. */
export const brokenText = (text: string) => /\p{Cs}/u.test(text) || text.includes('\uFFFD');

export const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** The body as UTF-8 JSON, or null when it is not (the real platforms refuse it). */
export function jsonBody(raw: Buffer): Record<string, unknown> | null {
	try {
		const body: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
		return body && typeof body === 'object' ? (body as Record<string, unknown>) : null;
	} catch {
		return null;
	}
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

/** Starts the stand-in for the calling spec file: listening before its tests, reset before each, closed after. */
export function useFakeIm<S extends object>(platform: Platform<S>): FakeIm<S> {
	const fresh = (): ImState & S => ({
		tokenFetches: 0,
		validTokens: new Set(),
		credentials: { ...platform.credentials },
		problems: [],
		expireNext: false,
		hanging: [],
		...platform.fresh()
	});
	const state = fresh();
	let baseUrl = '';

	const server = createServer(async (req, res) => {
		const url = new URL(req.url ?? '/', 'http://stand-in');
		const raw = await readBody(req);
		const exchange: Exchange = {
			req,
			url,
			raw,
			answer(body, status = 200) {
				res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
				res.end(typeof body === 'string' ? body : JSON.stringify(body));
			},
			hang() {
				state.hanging.push(res);
			}
		};

		if (url.pathname === platform.tokenPath) {
			if (req.method !== 'GET') state.problems.push(`gettoken by ${req.method}`);
			state.tokenFetches += 1;
			// A real round trip, long enough for concurrent sends to overlap while it is under way.
			await delay(30);
			const wrong = Object.entries(state.credentials).find(([param, value]) => url.searchParams.get(param) !== value);
			if (wrong) return exchange.answer(platform.refuseCredentials(wrong[0]));
			const { token, answer } = platform.issueToken(state.tokenFetches);
			state.validTokens.add(token);
			return exchange.answer(answer);
		}

		const route = platform.routes[url.pathname];
		if (!route) {
			state.problems.push(`unknown path ${url.pathname}`);
			return platform.unknownPath(exchange);
		}
		if (req.method !== route.method) state.problems.push(`${url.pathname} by ${req.method}`);
		const token = url.searchParams.get('access_token') ?? '';
		if (!state.validTokens.has(token)) return exchange.answer(platform.unknownToken());
		if (state.expireNext) {
			state.expireNext = false;
			state.validTokens.delete(token);
			return exchange.answer(platform.expiredToken());
		}
		return route.handle(exchange, state);
	});

	beforeAll(async () => {
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(async () => {
		for (const res of state.hanging) res.destroy();
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
	});
	beforeEach(() => {
		const hanging = state.hanging;
		Object.assign(state, fresh(), { hanging });
	});
	afterEach(() => {
		expect(state.problems).toEqual([]);
	});

	return {
		state,
		get baseUrl() {
			return baseUrl;
		}
	};
}

/** An address where nothing listens: a port the system just handed out and took back. */
export async function closedPort(): Promise<string> {
	const probe = createServer();
	await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
	const { port } = probe.address() as AddressInfo;
	await new Promise((resolve) => probe.close(resolve));
	return `http://127.0.0.1:${port}`;
}
