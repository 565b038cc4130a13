import type { ClientInit, HandleClientError } from '@sveltejs/kit';
import { t } from '$lib/i18n/index.ts';
import { freshness } from '$lib/state/freshness.svelte.ts';

export const init: ClientInit = () => freshness.start();

/** An error in the browser is told in Chinese; a screen that could not be fetched says it cannot connect. */
export const handleError: HandleClientError = ({ event, status }) => {
	if (freshness.unreachable(event.url)) return { message: t('offline.title'), offline: true };
	return { message: status === 404 ? t('error.not_found') : t('error.client') };
};
