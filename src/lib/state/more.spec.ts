// The rows a list screen read past its first page, through a refresh of the screen: as many as the reader had
// opened are read again after the new first page and shown at once; a refresh overtaken by a newer one changes nothing.
import { describe, expect, it, vi } from 'vitest';

vi.mock('$lib/trpc.ts', () => ({ formProblem: (error: Error) => ({ message: error.message }) }));
const { More } = await import('./more.svelte.ts');

/** A list of numbered rows read by keyset: the cursor is the last number shown. */
function list(rows: number[]) {
	const reads: { cursor: string; limit: number }[] = [];
	const read = async (cursor: string, limit: number) => {
		reads.push({ cursor, limit });
		const after = rows.filter((n) => n > Number(cursor));
		const items = after.slice(0, limit);
		return { items, nextCursor: after.length > limit ? String(items.at(-1)) : null };
	};
	const first = (limit: number) => ({ items: rows.slice(0, limit), nextCursor: rows.length > limit ? String(rows[limit - 1]) : null });
	return { read, first, reads };
}

describe('a list read past its first page', () => {
	it('keeps as many rows as the reader had opened through a refresh, read again after the new first page', async () => {
		const before = list(Array.from({ length: 100 }, (_, i) => i + 1));
		const more = new More<number>();
		more.reset(before.first(10));
		await more.load((cursor) => before.read(cursor, 30));
		await more.load((cursor) => before.read(cursor, 30));
		expect(more.items).toHaveLength(60);

		// Two rows arrive on top: the first page now ends at 8, and the 60 rows after it are 9 to 68.
		const after = list([-1, 0, ...Array.from({ length: 100 }, (_, i) => i + 1)]);
		await more.refresh(after.first(10), after.read, 25);
		expect(after.reads.map((r) => r.limit)).toEqual([25, 25, 10]);
		expect(more.items).toEqual(Array.from({ length: 60 }, (_, i) => i + 9));
		expect(more.next).toBe('68');
	});

	it('starts over when nothing was opened past the first page, or when the new first page is all there is', async () => {
		const rows = list([1, 2, 3, 4, 5]);
		const more = new More<number>();
		more.reset(rows.first(2));
		await more.refresh(rows.first(2), rows.read);
		expect([more.items, more.next, rows.reads]).toEqual([[], '2', []]);
		await more.load((cursor) => rows.read(cursor, 2));
		await more.refresh({ items: [1, 2, 3, 4, 5], nextCursor: null }, rows.read);
		expect([more.items, more.next]).toEqual([[], null]);
	});

	it('lets a newer refresh win over one still reading, and starts over when the reading fails', async () => {
		const rows = list(Array.from({ length: 40 }, (_, i) => i + 1));
		const more = new More<number>();
		more.reset(rows.first(10));
		await more.load((cursor) => rows.read(cursor, 10));
		let release = () => {};
		const slow = more.refresh(rows.first(10), (cursor, limit) => new Promise((done) => (release = () => done(rows.read(cursor, limit)))));
		await more.refresh(rows.first(5), rows.read);
		release();
		await slow;
		expect(more.items).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);

		await more.refresh(rows.first(10), async () => {
			throw new Error('网络中断');
		});
		expect([more.items, more.next]).toEqual([[], '10']);
	});

	it('follows the screen: the same filter read again keeps the opened rows, a new filter starts over', async () => {
		const before = list(Array.from({ length: 50 }, (_, i) => i + 1));
		const more = new More<number>();
		more.follow(before.first(10), 'level=2', before.read);
		await more.load((cursor) => before.read(cursor, 10));
		expect(more.items).toEqual(Array.from({ length: 10 }, (_, i) => i + 11));

		// A live change read the screen again: the top row left the list, so the first page now ends at 11; the ten
		// opened are read again after it.
		const after = list(Array.from({ length: 49 }, (_, i) => i + 2));
		more.follow(after.first(10), 'level=2', after.read);
		// Until they are, 11 (now on the first page) is not shown twice.
		expect(more.after(after.first(10).items, String)).toEqual(Array.from({ length: 9 }, (_, i) => i + 12));
		await vi.waitFor(() => expect(more.items).toEqual(Array.from({ length: 10 }, (_, i) => i + 12)));

		more.follow(after.first(10), 'level=3', after.read);
		expect([more.items, more.next]).toEqual([[], '11']);
	});
});
