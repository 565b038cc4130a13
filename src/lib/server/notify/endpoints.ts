// Which Web Push endpoints the server will ever connect to. A subscription's endpoint is a URL the browser
// hands us, so anyone signed in could name an address inside our network and make the server knock on it:
// only the real push services' hosts are accepted, every address their names resolve to must be public, and
// the check runs at registration and again at each connection (a name can be repointed in between).
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/** The push services of the browsers people use: Chrome and Android (FCM), Firefox, Safari, Edge (WNS). */
export const PUSH_SERVICE_HOSTS: readonly string[] = [
	'fcm.googleapis.com',
	'updates.push.services.mozilla.com',
	'push.services.mozilla.com',
	'web.push.apple.com',
	'*.notify.windows.com'
];

/** Why an endpoint is refused: not a push service, a name that points inside a network, a name that does not resolve. */
export type EndpointProblem = 'not_allowed' | 'private_address' | 'unresolvable';

/** A connection refused before it was made; the sender reports it without the network's own words. */
export class EndpointRefused extends Error {
	readonly problem: EndpointProblem;
	constructor(problem: EndpointProblem) {
		super(`push endpoint refused: ${problem}`);
		this.problem = problem;
	}
}

/** The hosts allowed now: the services above plus the operator's `PUSH_HOSTS` (comma-separated, `*.` for subdomains). */
export function allowedPushHosts(env: NodeJS.ProcessEnv = process.env): string[] {
	const extra = (env.PUSH_HOSTS ?? '')
		.split(',')
		.map((h) => h.trim().toLowerCase())
		.filter(Boolean);
	return [...PUSH_SERVICE_HOSTS, ...extra];
}

/**
 * The fake push service of the tests (`https://127.0.0.1:PORT`), set only by the test harnesses through
 * `HUIYING_TEST_PUSH_ORIGIN`: the one origin exempt from the checks, matched exactly, port included.
 */
export function isTestPushOrigin(url: URL, env: NodeJS.ProcessEnv = process.env): boolean {
	const origin = env.HUIYING_TEST_PUSH_ORIGIN?.trim();
	return !!origin && url.origin === origin.replace(/\/+$/, '');
}

const hostMatches = (host: string, pattern: string) => (pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1 : host === pattern);

/** The endpoint as a URL when its form may be used (https, default port, no credentials, an allowed host), else null. */
export function allowedEndpointUrl(endpoint: string, env: NodeJS.ProcessEnv = process.env): URL | null {
	let url: URL;
	try {
		url = new URL(endpoint);
	} catch {
		return null;
	}
	if (isTestPushOrigin(url, env)) return url;
	if (url.protocol !== 'https:' || url.port !== '' || url.username || url.password) return null;
	const host = url.hostname.toLowerCase();
	return allowedPushHosts(env).some((p) => hostMatches(host, p)) ? url : null;
}

// Everything that is not the public internet: this host, private networks, carrier-grade NAT, link-local,
// documentation and benchmark ranges, multicast and reserved space.
const INTERNAL_V4: [string, number][] = [
	['0.0.0.0', 8],
	['10.0.0.0', 8],
	['100.64.0.0', 10],
	['127.0.0.0', 8],
	['169.254.0.0', 16],
	['172.16.0.0', 12],
	['192.0.0.0', 24],
	['192.0.2.0', 24],
	['192.88.99.0', 24],
	['192.168.0.0', 16],
	['198.18.0.0', 15],
	['198.51.100.0', 24],
	['203.0.113.0', 24],
	['224.0.0.0', 4],
	['240.0.0.0', 4]
];
// IPv6 must be global unicast (2000::/3); inside it, documentation space and the tunnels and translations
// that carry an IPv4 address (6to4, Teredo, NAT64 is outside 2000::/3 already) could reach an internal one.
const GLOBAL_V6 = new BlockList();
GLOBAL_V6.addSubnet('2000::', 3, 'ipv6');
const INTERNAL_V6: [string, number][] = [
	['2001::', 32],
	['2001:db8::', 32],
	['2001:10::', 28],
	['2002::', 16],
	['3fff::', 20]
];
const internal = new BlockList();
for (const [net, bits] of INTERNAL_V4) internal.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of INTERNAL_V6) internal.addSubnet(net, bits, 'ipv6');

/** True when `address` (IPv4 or IPv6) is on the public internet. */
export function isPublicAddress(address: string): boolean {
	const family = isIP(address);
	if (family === 4) return !internal.check(address, 'ipv4');
	if (family === 6) return GLOBAL_V6.check(address, 'ipv6') && !internal.check(address, 'ipv6');
	return false;
}

type LookupAll = (hostname: string, options: LookupOptions & { all: true }, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

/** How names are resolved: the system resolver, as every connection of this process resolves them. */
const resolveAll: LookupAll = (hostname, options, callback) => dnsLookup(hostname, options, callback);

/** Every address `hostname` resolves to, refused unless all of them are public. */
function resolvePublic(hostname: string, options: LookupOptions, callback: (err: Error | null, addresses: LookupAddress[]) => void): void {
	if (isIP(hostname)) {
		const family = isIP(hostname);
		return isPublicAddress(hostname) ? callback(null, [{ address: hostname, family }]) : callback(new EndpointRefused('private_address'), []);
	}
	resolveAll(hostname, { ...options, all: true }, (err, addresses) => {
		if (err || !addresses?.length) return callback(new EndpointRefused('unresolvable'), []);
		if (!addresses.every((a) => isPublicAddress(a.address))) return callback(new EndpointRefused('private_address'), []);
		callback(null, addresses);
	});
}

/**
 * A `lookup` for node:net that connects only to public addresses: the addresses checked are the addresses
 * connected to, so a name repointed after registration (DNS rebinding) still cannot reach inside.
 */
export function publicOnlyLookup(
	hostname: string,
	options: LookupOptions,
	callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void
): void {
	resolvePublic(hostname, options, (err, addresses) => {
		if (err) return callback(err, '', 0);
		if (options.all) return callback(null, addresses);
		callback(null, addresses[0]!.address, addresses[0]!.family);
	});
}

/** Null when the server may send to `endpoint` now, else why not: for registration and before each send. */
export async function endpointProblem(endpoint: string, env: NodeJS.ProcessEnv = process.env): Promise<EndpointProblem | null> {
	const url = allowedEndpointUrl(endpoint, env);
	if (!url) return 'not_allowed';
	if (isTestPushOrigin(url, env)) return null;
	// URL keeps IPv6 literals in brackets.
	const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
	return new Promise((done) => resolvePublic(host, {}, (err) => done(err instanceof EndpointRefused ? err.problem : err ? 'unresolvable' : null)));
}
