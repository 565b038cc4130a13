import { describe, expect, it } from 'vitest';
import { pickableUnits, unitsAsTree } from './units-tree.ts';

const unit = (id: string, name: string, parentId: string | null) => ({ id, name, parentId });

describe('unitsAsTree', () => {
	it('puts each unit under its parent, indented one level deeper', () => {
		const tree = unitsAsTree([
			unit('d2', '江城市应急管理局', 'g'),
			unit('s1', '新闻宣传科', 'd2'),
			unit('g', '江城市人民政府', null),
			unit('o', '江城市人民政府办公室', 'g')
		]);
		expect(tree.map((u) => [u.name, u.depth])).toEqual([
			['江城市人民政府', 0],
			['江城市人民政府办公室', 1],
			['江城市应急管理局', 1],
			['新闻宣传科', 2]
		]);
	});

	it('orders siblings by their Chinese names in pinyin order', () => {
		const tree = unitsAsTree([
			unit('z', '卫生健康委员会', null),
			unit('a', '安全生产委员会', null),
			unit('j', '教育局', null),
			unit('g', '公安局', null)
		]);
		// an (安) < gong (公) < jiao (教) < wei (卫)
		expect(tree.map((u) => u.name)).toEqual(['安全生产委员会', '公安局', '教育局', '卫生健康委员会']);
	});

	it('shows a unit whose parent is out of sight at the top level, with its own children under it', () => {
		const tree = unitsAsTree([unit('s1', '新闻宣传科', 'd'), unit('d', '应急管理局', 'hidden-government')]);
		expect(tree.map((u) => [u.name, u.depth])).toEqual([
			['应急管理局', 0],
			['新闻宣传科', 1]
		]);
	});

	it('keeps every other property of a unit', () => {
		const [only] = unitsAsTree([{ ...unit('g', '江城市人民政府', null), active: false }]);
		expect(only).toEqual({ id: 'g', name: '江城市人民政府', parentId: null, active: false, depth: 0 });
	});

	it('shows nothing for no units', () => {
		expect(unitsAsTree([])).toEqual([]);
	});
});

describe('pickableUnits', () => {
	const full = (id: string, active: boolean) => ({ id, name: id, parentId: null, kind: 'department', active, principalId: null });

	it('offers the active units and a closed one only where it is already chosen, each as id, parent and name', () => {
		const units = [full('open', true), full('closed', false), full('chosen-closed', false)];
		expect(pickableUnits(units, ['chosen-closed', null])).toEqual([
			{ id: 'open', name: 'open', parentId: null },
			{ id: 'chosen-closed', name: 'chosen-closed', parentId: null }
		]);
		expect(pickableUnits(units).map((u) => u.id)).toEqual(['open']);
	});
});
