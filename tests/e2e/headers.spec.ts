// Every response carries the browser protections, static files and the service worker included (adapter-node
// serves those before SvelteKit's hooks); a signed-in page is never cached; HSTS once the origin is https.
import { expect, test, type APIResponse } from '@playwright/test';
import { freePort } from '../../scripts/lib/embedded-pg.ts';
import { readE2eState } from '../../scripts/lib/e2e-state.ts';
import { serveApp, type AppServer } from '../../scripts/lib/serve.ts';
import { DEMO_PASSWORD } from './support.ts';

function expectProtections(res: APIResponse) {
	expect(res.headers()['x-content-type-options']).toBe('nosniff');
	expect(res.headers()['referrer-policy']).toBe('same-origin');
}

test('static files, the service worker and pages carry the protections; signed-in pages are never cached', async ({ request, baseURL }) => {
	for (const path of ['/service-worker.js', '/manifest.webmanifest', '/login', '/offline']) {
		const res = await request.get(path, { maxRedirects: 0 });
		expect(res.status(), path).toBeLessThan(400);
		expectProtections(res);
	}
	const login = await request.get('/login');
	const csp = login.headers()['content-security-policy'] ?? '';
	expect(csp).toContain("script-src 'self'");
	expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
	expect(csp).toContain("frame-ancestors 'none'");

	const origin = new URL(baseURL!).origin;
	const signedIn = await request.post('/login', {
		form: { login: 'duty', password: DEMO_PASSWORD },
		headers: { origin, accept: 'text/html' },
		maxRedirects: 0
	});
	expect(signedIn.status()).toBe(303);
	for (const path of ['/', '/incidents', '/__data.json']) {
		const res = await request.get(path);
		expect(res.status(), path).toBe(200);
		expect(res.headers()['cache-control'], path).toMatch(/(^|, )no-store/);
		expectProtections(res);
	}
	// Without an https origin there is no HSTS: a browser would pin plain http otherwise.
	expect(login.headers()['strict-transport-security']).toBeUndefined();
});

test('an https origin adds HSTS to every response', async ({ request }) => {
	let app: AppServer | null = null;
	try {
		const port = await freePort();
		app = await serveApp({ databaseUrl: readE2eState().databaseUrl, port, quiet: true, env: { SHUTDOWN_TIMEOUT: '1', HUIYING_JOBS: 'off' }, origin: `https://127.0.0.1:${port}` });
		for (const path of ['/service-worker.js', '/login']) {
			const res = await request.get(`http://127.0.0.1:${port}${path}`);
			expect(res.headers()['strict-transport-security'], path).toBe('max-age=31536000; includeSubDomains');
		}
	} finally {
		await app?.stop();
	}
});
