/** Chinese names in the order a Chinese reader expects; one collator, not one per comparison (`localeCompare`). */
const byName = new Intl.Collator('zh-CN');

/** A unit as a filter or picker needs it: the rest of a unit's row is not sent to the page. */
export type UnitChoice = { id: string; parentId: string | null; name: string };

/** The units of a list's unit filter: a province's hundred units as a third of the bytes of their full rows. */
export function unitChoices(units: UnitChoice[]): UnitChoice[] {
	return units.map(({ id, parentId, name }) => ({ id, parentId, name }));
}

/** The units a form offers: the active ones, and those already chosen even if they have since been closed, as choices
 * (an incident page of a province carried its hundred units' full rows, a third of the page). */
export function pickableUnits(units: (UnitChoice & { active: boolean })[], chosen: readonly (string | null)[] = []): UnitChoice[] {
	return unitChoices(units.filter((u) => u.active || chosen.includes(u.id)));
}

/** Orders units depth-first under their parents, with each unit's depth, for indented lists and pickers. */
export function unitsAsTree<U extends { id: string; parentId: string | null; name: string }>(units: U[]): (U & { depth: number })[] {
	const ids = new Set(units.map((u) => u.id));
	const children = new Map<string | null, U[]>();
	for (const u of units) {
		// A unit whose parent is out of sight is shown as a top-level one.
		const parent = u.parentId !== null && ids.has(u.parentId) ? u.parentId : null;
		const siblings = children.get(parent);
		if (siblings) siblings.push(u);
		else children.set(parent, [u]);
	}
	const out: (U & { depth: number })[] = [];
	const walk = (parent: string | null, depth: number) => {
		for (const u of (children.get(parent) ?? []).sort((a, b) => byName.compare(a.name, b.name))) {
			out.push({ ...u, depth });
			walk(u.id, depth + 1);
		}
	};
	walk(null, 0);
	return out;
}
