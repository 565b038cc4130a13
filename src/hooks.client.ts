import type { ClientInit, HandleClientError } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { getLocale } from '$lib/paraglide/runtime.js';
import { freshness } from '$lib/state/freshness.svelte.ts';

export const init: ClientInit = () => {
	// The page may come from the service worker's copy, written in the language of its day: the screen is drawn in
	// the device's language (its cookie), and the document says so too (screen readers, fonts, hyphenation).
	document.documentElement.lang = getLocale();
	freshness.start();
};

/** An error in the browser is told in Chinese; a screen that could not be fetched says it cannot connect. */
export const handleError: HandleClientError = ({ event, status }) => {
	if (freshness.unreachable(event.url)) return { message: m['offline.title'](), offline: true };
	return { message: status === 404 ? m['error.not_found']() : m['error.client']() };
};
