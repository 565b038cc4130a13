import type { PageServerLoad } from './$types';
import { DOCUMENT_STATUS_LIST } from '$lib/documents.ts';
import { idOf, pick } from '$lib/query-filters.ts';
import { callerFor, listOrProblem } from '$lib/server/trpc/caller.ts';
import { unitChoices } from '$lib/units-tree.ts';

export const load: PageServerLoad = async (event) => {
	event.depends('app:documents');
	const q = event.url.searchParams;
	const filter = { status: pick(q.get('status'), DOCUMENT_STATUS_LIST), unitId: idOf(q.get('unit')), q: (q.get('q') ?? '').slice(0, 50) };
	const caller = callerFor(event);
	const [page, signoffs, units] = await Promise.all([
		// A filter from the address that the list refuses says why in its place instead of failing the page.
		listOrProblem(event, (c) => c.document.list({ ...filter, limit: 50 }), () => ({ items: [], nextCursor: null })),
		caller.signoff.mine(),
		caller.unit.list().then(unitChoices)
	]);
	return { page, filter, units, signoffs: signoffs.filter((q) => q.kind === 'document') };
};
