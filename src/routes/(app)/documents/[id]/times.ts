// The times the document page offers and sends: entered to the minute in China time, on the server's clock.
import { serverTime } from '$lib/state/server-time.svelte.ts';
import { fromCstInput, toCstInput, toIso } from '$lib/time.ts';

/** A datetime-local value: now on the server's clock, never before `notBeforeMs` (whole minutes). */
export const offered = (notBeforeMs = 0) => toCstInput(new Date(Math.max(Date.now() + serverTime.offsetMs, Math.ceil(notBeforeMs / 60_000) * 60_000)));

/** The ISO time of a datetime-local value, or '' for the server to refuse with the field's name. */
export const isoOf = (value: string) => {
	const at = fromCstInput(value);
	return at ? toIso(at) : '';
};

export const urlOf = (value: string) => value.trim() || null;
