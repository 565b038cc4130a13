import type { RequestHandler } from './$types';

// Asked while a screen shows a kept copy offline: any answer means the connection is back.
export const GET: RequestHandler = () => new Response(null, { status: 204 });
