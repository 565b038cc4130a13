import { expect, it } from 'vitest';
import { repeatFilter } from './log.ts';

it('writes one line of an outage every ten seconds, saying how many of the same it left out', () => {
	let clock = 0;
	const seen = repeatFilter(10_000, () => clock);
	expect(seen('ECONNREFUSED')).toEqual({ log: true, repeatsLeftOut: 0 });
	for (let i = 0; i < 40; i++) {
		clock += 200;
		expect(seen('ECONNREFUSED').log).toBe(false);
	}
	clock = 10_000;
	expect(seen('ECONNREFUSED')).toEqual({ log: true, repeatsLeftOut: 40 });
	// A different error is news at once.
	expect(seen('57P01')).toEqual({ log: true, repeatsLeftOut: 0 });
});
