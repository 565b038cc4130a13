// Form drafts on the device, one set per person: what is typed survives a closed tab, and on a shared duty
// phone it waits for its author without ever being shown to the next person. Drafts kept before they had an
// owner (keys without a person) are left alone and never read: nobody can tell whose they are.
import { draftStorageKey } from '$lib/outbox/owner.ts';

let owner: string | null = null;

export const drafts = {
	/** Set by the app layout: the person signed in, or null once they left. */
	ownedBy(personId: string | null) {
		owner = personId;
	},
	/** The draft's parsed value, or null: none, nobody signed in, or unreadable (then it is dropped). */
	read<T>(key: string): T | null {
		if (!owner) return null;
		const stored = localStorage.getItem(draftStorageKey(owner, key));
		if (stored === null) return null;
		try {
			return JSON.parse(stored) as T;
		} catch {
			localStorage.removeItem(draftStorageKey(owner, key));
			return null;
		}
	},
	write(key: string, value: unknown) {
		if (owner) localStorage.setItem(draftStorageKey(owner, key), JSON.stringify(value));
	},
	remove(key: string) {
		if (owner) localStorage.removeItem(draftStorageKey(owner, key));
	}
};
