// A list's filters as they arrive in the query string (舆情, 突发事件): each value one of its choices, or none. A
// value that is not (an old link, a hand-edited address) is no filter rather than a refused page.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The value when it is one of the choices. */
export const pick = <T extends string>(value: string | null, choices: readonly T[]): T | null => (choices.includes(value as T) ? (value as T) : null);

/** An id, such as a unit's. */
export const idOf = (value: string | null): string | null => (value && UUID.test(value) ? value : null);

/** A calendar day, 2026-06-01; its bounds are the procedure's to check. */
export const dayOf = (value: string | null): string | null => (value && DAY.test(value) ? value : null);

/**
 * Where a filter form leads: `path` with the form's filled-in values in the query string (a link keeps them, the
 * back button undoes one), leaving out empty ones and those `omit` names as the default.
 */
export function filterAddress(form: HTMLFormElement, path: string, omit: (key: string, value: string) => boolean = () => false): string {
	const params = new URLSearchParams();
	for (const [key, raw] of new FormData(form)) {
		const value = typeof raw === 'string' ? raw.trim() : '';
		if (value && !omit(key, value)) params.set(key, value);
	}
	const query = params.toString();
	return query ? `${path}?${query}` : path;
}
