import { untrack } from 'svelte';
import { formProblem } from '$lib/trpc.ts';

/** A page of a list as a procedure returns it. */
export interface ListPage<T> {
	items: T[];
	nextCursor: string | null;
}

/**
 * The rows a list screen has read past its first page ("加载更多"): the first page comes with the screen's data;
 * each tap reads the next page after the last row shown. A screen calls `follow` with its first page whenever its
 * data comes (a new filter starts over; the same filter read again keeps the rows opened) and shows `after` it.
 */
export class More<T> {
	items = $state<T[]>([]);
	next = $state<string | null>(null);
	loading = $state(false);
	problem = $state<string | null>(null);
	/** bumped by each reset and refresh: a refresh that finishes after a newer one changes nothing */
	#generation = 0;
	/** the filter the rows were read for */
	#key: string | undefined;

	/**
	 * The screen's data came (from its `$effect.pre`): for a new filter (`key`) the list starts over; for the same
	 * one (a live change elsewhere read the screen again) the rows the reader opened are read again after the new
	 * first page, so 加载更多's rows neither vanish nor repeat.
	 */
	follow(first: ListPage<T>, key: string, read: (cursor: string, limit: number) => Promise<ListPage<T>>): void {
		untrack(() => {
			if (key === this.#key) return void this.refresh(first, read);
			this.#key = key;
			this.reset(first);
		});
	}

	/** The rows to show after `first`: until a refresh has read them again, some may be on the new first page too. */
	after(first: T[], id: (row: T) => string): T[] {
		const shown = new Set(first.map(id));
		return this.items.filter((row) => !shown.has(id(row)));
	}

	reset(first: ListPage<T>): void {
		this.#generation += 1;
		this.items = [];
		this.next = first.nextCursor;
		this.problem = null;
	}

	async load(read: (cursor: string) => Promise<ListPage<T>>): Promise<void> {
		if (!this.next || this.loading) return;
		this.loading = true;
		try {
			const page = await read(this.next);
			this.items = [...this.items, ...page.items];
			this.next = page.nextCursor;
			this.problem = null;
		} catch (error) {
			this.problem = formProblem(error).message;
		} finally {
			this.loading = false;
		}
	}

	/**
	 * The first page read again while the reader keeps looking (a live refresh): the rows they had opened past it
	 * are read again after it, as many as there were, and swapped in at once, so the list neither shrinks nor jumps.
	 * Until then the rows shown past the first page are the earlier ones (a screen drops any the new first page holds).
	 */
	async refresh(first: ListPage<T>, read: (cursor: string, limit: number) => Promise<ListPage<T>>, pageLimit = 100): Promise<void> {
		const shown = this.items.length;
		if (!shown || !first.nextCursor) return this.reset(first);
		const generation = ++this.#generation;
		const items: T[] = [];
		let next: string | null = first.nextCursor;
		try {
			while (next && items.length < shown) {
				const page = await read(next, Math.min(pageLimit, shown - items.length));
				items.push(...page.items);
				next = page.nextCursor;
			}
		} catch {
			if (generation === this.#generation) this.reset(first);
			return;
		}
		if (generation !== this.#generation) return;
		this.items = items;
		this.next = next;
		this.problem = null;
	}
}
