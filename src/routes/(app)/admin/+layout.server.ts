import { error } from '@sveltejs/kit';
import type { LayoutServerLoad } from './$types';
import { isAdmin } from '$lib/roles.ts';
import { m } from '$lib/paraglide/messages.js';

export const load: LayoutServerLoad = ({ locals }) => {
	if (!locals.user || !isAdmin(locals.user.roles)) error(404, m['error.not_found']());
};
