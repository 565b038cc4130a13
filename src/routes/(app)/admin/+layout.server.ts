import { error } from '@sveltejs/kit';
import type { LayoutServerLoad } from './$types';
import { isAdmin } from '$lib/roles.ts';
import { t } from '$lib/i18n/index.ts';

export const load: LayoutServerLoad = ({ locals }) => {
	if (!locals.user || !isAdmin(locals.user.roles)) error(404, t('error.not_found'));
};
