import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../db.ts';
import { makeCity, makePerson, refusal, signInAs, type SignedIn } from '../test-helpers.ts';

let city: Awaited<ReturnType<typeof makeCity>>;
let admin: SignedIn;
beforeAll(async () => {
	city = await makeCity();
	await Promise.all([
		makePerson(city.deptA.id, ['duty'], { username: 'duty-zhang', name: '张值班' }),
		makePerson(city.deptA.id, ['duty'], { username: 'duty-li', name: '李值班' }),
		makePerson(city.deptA.id, ['leader'], { username: 'lead-wang', name: '王带班' }),
		makePerson(city.deptA.id, ['duty'], { username: 'same-1', name: '同名' }),
		makePerson(city.deptA.id, ['duty'], { username: 'same-2', name: '同名' })
	]);
	admin = await signInAs('admin-a');
});

/** A sheet as offices circulate it: a header row, then one row a shift. */
async function sheet(rows: (string | Date | null)[][], header = ['日期', '值班员', '带班领导', '电话', '班次']): Promise<string> {
	const book = new ExcelJS.Workbook();
	const ws = book.addWorksheet('值班表');
	ws.addRow(header);
	for (const r of rows) ws.addRow(r);
	return Buffer.from(await book.xlsx.writeBuffer()).toString('base64');
}

const shiftsOfA = () => sql<{ n: number }[]>`select count(*)::int as n from duty_shifts where unit_id = ${city.deptA.id}`.then((r) => r[0]!.n);

describe('importing a roster', () => {
	it('imports nothing while any row is wrong, naming each wrong row in Chinese', async () => {
		const file = await sheet([
			['2026-10-01', '张值班、李值班', '王带班', '0571-8888 1234', '全天'],
			['2026/10/2', '赵六', '', '', ''],
			['2026-10-33', '张值班', '', '', ''],
			['2026年10月4日', '同名', '', '', '午班'],
			['2026-10-01', '李值班', '', '', '夜班']
		]);
		const result = await admin.caller.duty.import({ unitId: city.deptA.id, file });
		expect(result).toEqual({
			ok: false,
			errors: [
				{ row: 3, message: '本单位没有名为「赵六」的人员' },
				{ row: 4, message: '日期「2026-10-33」无法识别，请写成 2026-10-01' },
				{ row: 5, message: '班次「午班」无法识别，请写白班、夜班或全天' },
				{ row: 5, message: '本单位有两名「同名」，请在值班表页面逐个选择' },
				{ row: 6, message: '与第 2 行的班次时间重叠' }
			]
		});
		expect(await shiftsOfA()).toBe(0);
	});

	it('imports every good row in one go, dates as Excel keeps them too, and the log says so', async () => {
		const file = await sheet([
			['2026-11-01', '张值班、李值班', '王带班', '0571-8888 1234', ''],
			[new Date('2026-11-02T00:00:00Z'), '李值班', '王带班', '', '白班'],
			['2026/11/2', '张值班', '', '', '夜班']
		]);
		expect(await admin.caller.duty.import({ unitId: city.deptA.id, file })).toEqual({ ok: true, imported: 3 });
		const roster = await admin.caller.duty.roster({ unitId: city.deptA.id, from: '2026-11-01', to: '2026-11-30' });
		expect(roster.map((s) => [s.startsAt, s.endsAt, s.officers.map((p) => p.name).join('、'), s.leader?.name ?? ''])).toEqual([
			['2026-11-01T08:30:00+08:00', '2026-11-02T08:30:00+08:00', '张值班、李值班', '王带班'],
			['2026-11-02T08:30:00+08:00', '2026-11-02T17:30:00+08:00', '李值班', '王带班'],
			['2026-11-02T17:30:00+08:00', '2026-11-03T08:30:00+08:00', '张值班', '']
		]);
		// the same sheet again overlaps what is now on the roster
		const again = await admin.caller.duty.import({ unitId: city.deptA.id, file });
		expect(again).toMatchObject({ ok: false, errors: [{ row: 2, message: '与值班表中已有的班次时间重叠' }, { row: 3 }, { row: 4 }] });
		expect(await shiftsOfA()).toBe(3);
		expect(await sql`select 1 from audit_log where action = 'duty.roster_imported' and entity_id = ${city.deptA.id}`).toHaveLength(1);
	});

	it('refuses a sheet without the columns, a file that is no spreadsheet, and a unit out of reach', async () => {
		expect(await admin.caller.duty.import({ unitId: city.deptA.id, file: await sheet([['x']], ['姓名']) })).toEqual({
			ok: false,
			errors: [{ row: 1, message: '第一行须有「日期」和「值班员」两列' }]
		});
		expect(await admin.caller.duty.import({ unitId: city.deptA.id, file: Buffer.from('not a workbook').toString('base64') })).toEqual({
			ok: false,
			errors: [{ row: 0, message: '文件无法读取，请使用 .xlsx 格式的 Excel 文件' }]
		});
		expect((await refusal(admin.caller.duty.import({ unitId: city.deptB.id, file: await sheet([]) }))).code).toBe('NOT_FOUND');
	});
});
