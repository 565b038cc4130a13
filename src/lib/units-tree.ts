/** Orders units depth-first under their parents, with each unit's depth, for indented lists and pickers. */
export function unitsAsTree<U extends { id: string; parentId: string | null; name: string }>(units: U[]): (U & { depth: number })[] {
	const ids = new Set(units.map((u) => u.id));
	const children = new Map<string | null, U[]>();
	for (const u of units) {
		// A unit whose parent is out of sight is shown as a top-level one.
		const parent = u.parentId !== null && ids.has(u.parentId) ? u.parentId : null;
		children.set(parent, [...(children.get(parent) ?? []), u]);
	}
	const out: (U & { depth: number })[] = [];
	const walk = (parent: string | null, depth: number) => {
		for (const u of (children.get(parent) ?? []).sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'))) {
			out.push({ ...u, depth });
			walk(u.id, depth + 1);
		}
	};
	walk(null, 0);
	return out;
}
