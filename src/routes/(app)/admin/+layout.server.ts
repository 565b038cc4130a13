import { error } from '@sveltejs/kit';
import type { LayoutServerLoad } from './$types';
import { opensAdminScreens } from '$lib/admin-screens.ts';
import { m } from '$lib/paraglide/messages.js';

export const load: LayoutServerLoad = ({ locals }) => {
	if (!locals.user || !opensAdminScreens(locals.user)) error(404, m['error.not_found']());
};
