// Whose waiting entries and drafts these are. A duty phone passes from shift to shift: what one person typed
// is read, sent and shown only while that same person is signed in, and stays on the device for them meanwhile.

/** The header an outbox send carries: the server refuses the send when its session is someone else's. */
export const OWNER_HEADER = 'x-huiying-owner';

/** Only the person who typed it; an entry without an owner (written before owners were kept) is nobody's. */
export function belongsTo(entry: { ownerId?: string | null }, personId: string | null): boolean {
	return !!personId && entry.ownerId === personId;
}

/** A draft's place in localStorage: per person, so the next person on the phone starts from an empty form. */
export function draftStorageKey(personId: string, key: string): string {
	return `huiying.draft.${personId}.${key}`;
}

/**
 * What one failed try means for its entry:
 * - wait: keep it as it is and try later (no connection, a server error, too many writes, or a session that
 *   is not its author's: signed out meanwhile, or another person signed in in another tab);
 * - conflict: the same key was used with another body;
 * - rejected: the server will never take it as it is; the person decides.
 */
export type Outcome = 'wait' | 'conflict' | 'rejected';

export function outcomeOf(failure: { status?: number; code?: string; refusedFile?: boolean }): Outcome {
	if (failure.code === 'CONFLICT') return 'conflict';
	if (failure.refusedFile) return 'rejected';
	const status = failure.status;
	if (status === undefined || status < 400 || status >= 500) return 'wait';
	if (status === 401 || status === 408 || status === 412 || status === 429) return 'wait';
	return 'rejected';
}
