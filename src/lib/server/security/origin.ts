// Cross-site request checks. SvelteKit's built-in check covers form content types only and refuses
// every form post without an Origin header; these two rules replace it.

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const FORM_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

function mediaType(request: Request): string {
	return (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

/** A tRPC mutation must be JSON and come from this origin: anything else is refused before any procedure runs. */
export function mutationRefusal(request: Request, url: URL): 403 | 415 | null {
	if (!UNSAFE.has(request.method)) return null;
	const origin = request.headers.get('origin');
	if (!origin || origin !== url.origin) return 403;
	if (mediaType(request) !== 'application/json') return 415;
	return null;
}

/**
 * A form post from another site is refused. Browsers send Origin with every POST, so a post without
 * one comes from a script or a terminal, which carries no victim's cookies and is let through.
 */
export function formRefusal(request: Request, url: URL): 403 | null {
	if (!UNSAFE.has(request.method) || !FORM_TYPES.has(mediaType(request))) return null;
	const origin = request.headers.get('origin');
	return origin !== null && origin !== url.origin ? 403 : null;
}
