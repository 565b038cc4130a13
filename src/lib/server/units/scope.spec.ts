import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../db.ts';
import { makeCity, makeUnit } from '../test-helpers.ts';
import { inReach, reaches, reachesEveryUnit } from './scope.ts';

let city: Awaited<ReturnType<typeof makeCity>>;
let subA: string;
beforeAll(async () => {
	city = await makeCity();
	subA = (await makeUnit('江城市应急管理局指挥中心', city.deptA.id)).id;
});

describe('reach, asked of one unit and as SQL', () => {
	it('reaches a unit and everything under it, and nothing beside or above it', async () => {
		expect(await reaches(sql, city.deptA.id, city.deptA.id)).toBe(true);
		expect(await reaches(sql, subA, city.deptA.id)).toBe(true);
		expect(await reaches(sql, city.deptB.id, city.deptA.id)).toBe(false);
		expect(await reaches(sql, city.government.id, city.deptA.id)).toBe(false);
	});

	it('reaches every unit from no root, and nothing without a unit from any other', async () => {
		expect(reachesEveryUnit(null)).toBe(true);
		expect(reachesEveryUnit(city.government.id)).toBe(false);
		expect(await reaches(sql, city.deptB.id, null)).toBe(true);
		expect(await reaches(sql, null, null)).toBe(true);
		expect(await reaches(sql, null, city.government.id)).toBe(false);
	});

	it('gives the same answer as a condition in a query', async () => {
		const units = [city.government.id, city.office.id, city.deptA.id, city.deptB.id, subA];
		for (const root of [null, city.government.id, city.deptA.id, subA]) {
			const rows = await sql<{ id: string }[]>`select id::text from units where id = any(${units}::uuid[]) and ${inReach(sql, 'id', root)}`;
			const inSql = new Set(rows.map((r) => r.id));
			for (const unit of units) expect(inSql.has(unit)).toBe(await reaches(sql, unit, root));
		}
	});
});
