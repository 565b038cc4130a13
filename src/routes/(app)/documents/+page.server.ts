import type { PageServerLoad } from './$types';
import { callerFor } from '$lib/server/trpc/caller.ts';

export const load: PageServerLoad = async (event) => {
	event.depends('app:documents');
	const caller = callerFor(event);
	const [documents, signoffs] = await Promise.all([caller.document.list(), caller.signoff.mine()]);
	return { documents, signoffs: signoffs.filter((q) => q.kind === 'document') };
};
