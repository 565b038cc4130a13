/**
 * SvelteKit's own CSRF check covers form content types only. A tRPC mutation must be JSON and come
 * from this origin: anything else is refused before it reaches a procedure.
 */
export function mutationRefusal(request: Request, url: URL): 403 | 415 | null {
	if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return null;
	const origin = request.headers.get('origin');
	if (!origin || origin !== url.origin) return 403;
	const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
	if (type !== 'application/json') return 415;
	return null;
}
