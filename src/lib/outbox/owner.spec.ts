import { describe, expect, it } from 'vitest';
import { belongsTo, draftStorageKey, outcomeOf } from './owner.ts';

describe('whose entry it is', () => {
	it('is only its author’s; an entry from before owners were kept is nobody’s', () => {
		expect(belongsTo({ ownerId: 'li-qiang' }, 'li-qiang')).toBe(true);
		expect(belongsTo({ ownerId: 'li-qiang' }, 'sun-hao')).toBe(false);
		expect(belongsTo({ ownerId: 'li-qiang' }, null)).toBe(false);
		expect(belongsTo({}, 'sun-hao')).toBe(false);
		expect(belongsTo({ ownerId: undefined }, null)).toBe(false);
	});

	it('keeps each person’s draft of the same form apart', () => {
		expect(draftStorageKey('li-qiang', 'incident')).not.toBe(draftStorageKey('sun-hao', 'incident'));
		// Not the key drafts had before they had an owner: those are never read as anyone's.
		expect(draftStorageKey('li-qiang', 'incident')).not.toBe('huiying.draft.incident');
	});
});

describe('what a failed send means for its entry', () => {
	it.each([
		['no connection', {}, 'wait'],
		['a server error', { status: 500 }, 'wait'],
		['a proxy timeout', { status: 408 }, 'wait'],
		['too many writes', { status: 429 }, 'wait'],
		['signed out meanwhile', { status: 401, code: 'UNAUTHORIZED' }, 'wait'],
		['another person’s session', { status: 412, code: 'PRECONDITION_FAILED' }, 'wait'],
		['the same key with another body', { status: 409, code: 'CONFLICT' }, 'conflict'],
		['out of the person’s reach', { status: 403, code: 'FORBIDDEN' }, 'rejected'],
		['a field the server refuses', { status: 400, code: 'BAD_REQUEST' }, 'rejected'],
		['a picture the server will not store', { refusedFile: true }, 'rejected']
	] as const)('%s: %s', (_what, failure, outcome) => {
		expect(outcomeOf(failure)).toBe(outcome);
	});
});
