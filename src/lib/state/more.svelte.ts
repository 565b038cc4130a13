import { formProblem } from '$lib/trpc.ts';

/** A page of a list as a procedure returns it. */
export interface ListPage<T> {
	items: T[];
	nextCursor: string | null;
}

/**
 * The rows a list screen has read past its first page ("加载更多"): the first page comes with the screen's data;
 * each tap reads the next page after the last row shown. `reset` when the screen's data (its filter) changes.
 */
export class More<T> {
	items = $state<T[]>([]);
	next = $state<string | null>(null);
	loading = $state(false);
	problem = $state<string | null>(null);

	reset(first: ListPage<T>): void {
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
}
