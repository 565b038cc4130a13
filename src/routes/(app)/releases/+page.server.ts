import type { PageServerLoad } from './$types';
import { pick } from '$lib/query-filters.ts';
import { callerFor, listOrProblem } from '$lib/server/trpc/caller.ts';

const STATUSES = ['draft', 'in_review', 'awaiting_signoff', 'approved', 'published', 'rejected', 'withdrawn'] as const;

export const load: PageServerLoad = async (event) => {
	event.depends('app:releases');
	const q = event.url.searchParams;
	const filter = { status: pick(q.get('status'), STATUSES), q: (q.get('q') ?? '').slice(0, 50) };
	const caller = callerFor(event);
	const [page, signoffs] = await Promise.all([
		// A filter from the address that the list refuses says why in its place instead of failing the page.
		listOrProblem(event, (c) => c.release.list({ ...filter, limit: 50 }), () => ({ items: [], nextCursor: null })),
		caller.signoff.mine()
	]);
	return { page, filter, signoffs, serverNowMs: Date.now() };
};
