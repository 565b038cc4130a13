// 属地管理、分级负责: which unit answers for an item seen in one place, in several, or nowhere named. The unit
// tree is the real one a city would enter: districts and a county under the city, each with its own bureaus.
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../db.ts';
import { makeProvince, makeUnit } from '../test-helpers.ts';
import type { UnitRow } from '../units/queries.ts';
import { commonSuffix, responsibleUnit } from './routing.ts';

describe('commonSuffix', () => {
	it('finds the department two places share', () => {
		expect(commonSuffix(['江城区应急管理局', '青山县应急管理局'])).toBe('应急管理局');
		expect(commonSuffix(['江城区应急管理局', '青山县应急管理局', '湖东市应急管理局'])).toBe('应急管理局');
	});

	it('gives nothing when the names share no more than one character', () => {
		expect(commonSuffix(['江城区卫生健康局', '青山县教育局'])).toBe('');
		expect(commonSuffix(['江城区应急管理局', '河西区人民政府'])).toBe('');
		expect(commonSuffix([])).toBe('');
	});

	it('keeps a single name whole', () => {
		expect(commonSuffix(['江城市应急管理局'])).toBe('江城市应急管理局');
	});
});

describe('responsibleUnit', () => {
	let city: Awaited<ReturnType<typeof makeProvince>>;
	let jiangcheng: UnitRow, hexi: UnitRow, qingshan: UnitRow, hudong: UnitRow;
	let jiangchengBureau: UnitRow, hexiBureau: UnitRow, qingshanBureau: UnitRow, hudongBureau: UnitRow, provinceBureau: UnitRow;
	let jiangchengHealth: UnitRow, hexiHealth: UnitRow;

	beforeAll(async () => {
		city = await makeProvince();
		jiangcheng = await makeUnit('江城区人民政府', city.government.id, 'government');
		hexi = await makeUnit('河西区人民政府', city.government.id, 'government');
		qingshan = await makeUnit('青山县人民政府', city.government.id, 'government');
		hudong = await makeUnit('湖东市人民政府', city.province.id, 'government');
		[jiangchengBureau, hexiBureau, qingshanBureau, hudongBureau, provinceBureau, jiangchengHealth, hexiHealth] = await Promise.all([
			makeUnit('江城区应急管理局', jiangcheng.id),
			makeUnit('河西区应急管理局', hexi.id),
			makeUnit('青山县应急管理局', qingshan.id),
			makeUnit('湖东市应急管理局', hudong.id),
			makeUnit('江南省应急管理局', city.province.id),
			makeUnit('江城区卫生健康局', jiangcheng.id),
			makeUnit('河西区卫生健康局', hexi.id)
		]);
	});

	it('keeps the unit as captured when no locality is named', async () => {
		expect(await responsibleUnit(sql, [], city.deptB.id)).toBe(city.deptB.id);
	});

	it('gives an item in one locality to that locality, however often it is named', async () => {
		expect(await responsibleUnit(sql, [hexi.id], city.deptA.id)).toBe(hexi.id);
		expect(await responsibleUnit(sql, [hexiBureau.id, hexiBureau.id], city.deptA.id)).toBe(hexiBureau.id);
	});

	it('gives an item spanning two district governments to the city government above them', async () => {
		expect(await responsibleUnit(sql, [jiangcheng.id, hexi.id], city.deptA.id)).toBe(city.government.id);
		expect(await responsibleUnit(sql, [jiangcheng.id, hexi.id, qingshan.id], city.deptA.id)).toBe(city.government.id);
	});

	it('gives an item spanning a district and a county emergency bureau to the city emergency bureau', async () => {
		expect(await responsibleUnit(sql, [jiangchengBureau.id, qingshanBureau.id], jiangchengBureau.id)).toBe(city.deptA.id);
	});

	it('gives an item spanning two district emergency bureaus to the city emergency bureau', async () => {
		// Both names end in 「区应急管理局」: the 区 is the districts' level, not part of the department's name.
		expect(await responsibleUnit(sql, [jiangchengBureau.id, hexiBureau.id], jiangchengBureau.id)).toBe(city.deptA.id);
	});

	it('gives bureaus of two district health departments to the city government when the city has no department of that name', async () => {
		// The city has a 卫生健康委员会, not a 卫生健康局: the superior government answers.
		expect(await responsibleUnit(sql, [jiangchengHealth.id, hexiHealth.id], jiangchengHealth.id)).toBe(city.government.id);
	});

	it('goes up to the province, and to its emergency bureau, for bureaus of two cities', async () => {
		expect(await responsibleUnit(sql, [qingshanBureau.id, hudongBureau.id], qingshanBureau.id)).toBe(provinceBureau.id);
		expect(await responsibleUnit(sql, [qingshan.id, hudong.id], qingshan.id)).toBe(city.province.id);
	});

	it('gives a bureau and its own district government to the district government', async () => {
		expect(await responsibleUnit(sql, [jiangchengBureau.id, jiangcheng.id], city.deptA.id)).toBe(jiangcheng.id);
		// A department and another district's government share only the city.
		expect(await responsibleUnit(sql, [jiangchengBureau.id, hexi.id], city.deptA.id)).toBe(city.government.id);
	});
});
