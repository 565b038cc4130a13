// 属地管理、分级负责、谁主管谁负责: an item in one locality belongs to that unit; an item spanning several goes
// to their superior: the nearest unit above all of them, or, when they are the same kind of department in
// different places (江城区应急管理局, 河西区应急管理局), that government's department of the same kind.
import type { Tx } from '../db.ts';

interface UnitNode {
	id: string;
	name: string;
	kind: string;
	parentId: string | null;
}

/** The common ending of unit names, when it names a department (at least two characters, e.g. 应急管理局). */
export function commonSuffix(names: string[]): string {
	if (!names.length) return '';
	let suffix = names[0]!;
	for (const name of names.slice(1)) {
		let i = 0;
		while (i < suffix.length && i < name.length && suffix[suffix.length - 1 - i] === name[name.length - 1 - i]) i++;
		suffix = suffix.slice(suffix.length - i);
	}
	return suffix.length >= 2 ? suffix : '';
}

/** The path from a unit up to the root, the unit first. */
function pathUp(units: Map<string, UnitNode>, id: string): string[] {
	const path: string[] = [];
	for (let at: string | null = id; at && !path.includes(at); at = units.get(at)?.parentId ?? null) path.push(at);
	return path;
}

/** The unit responsible for an item seen in `localities` (unit ids); `fallback` when none are named. */
export async function responsibleUnit(db: Tx, localities: string[], fallback: string): Promise<string> {
	const unique = [...new Set(localities)];
	if (unique.length === 0) return fallback;
	if (unique.length === 1) return unique[0]!;
	const rows = await db<UnitNode[]>`select id, name, kind, parent_id from units where active`;
	const units = new Map(rows.map((u) => [u.id, u]));
	const paths = unique.map((id) => pathUp(units, id));
	const common = paths[0]!.find((id) => paths.every((p) => p.includes(id)));
	if (!common) return fallback;
	const picked = unique.map((id) => units.get(id)!);
	// 江城区应急管理局 and 河西区应急管理局 share "区应急管理局": the level word goes, the department's kind stays.
	const suffix = picked.every((u) => u.kind === 'department') ? commonSuffix(picked.map((u) => u.name)).replace(/^[省市区县旗州盟镇乡]+/, '') : '';
	if (suffix.length >= 2) {
		const same = rows.find((u) => u.parentId === common && u.kind === 'department' && u.name.endsWith(suffix) && !unique.includes(u.id));
		if (same) return same.id;
	}
	return common;
}
