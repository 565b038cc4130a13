// A roster from the spreadsheet offices already circulate (日期, 值班员, 带班领导, 电话, and optionally 班次): read
// with exceljs, every row checked first; any row wrong and nothing is imported, each wrong row named in Chinese.
import ExcelJS from 'exceljs';
import { shiftTimes, SHIFT_KINDS, type ShiftKind } from '../../duty.ts';
import { t } from '../../i18n/index.ts';
import { isAdmin } from '../../roles.ts';
import { audit } from '../audit/index.ts';
import type { Actor } from '../actor.ts';
import { sql } from '../db.ts';
import { forbidden } from '../errors.ts';
import { dutyCandidates } from './flows.ts';

export const IMPORT_MAX_ROWS = 400;

const HEADERS: Record<string, 'day' | 'officers' | 'leader' | 'phone' | 'kind'> = {
	日期: 'day',
	值班员: 'officers',
	值班人员: 'officers',
	带班领导: 'leader',
	电话: 'phone',
	值班电话: 'phone',
	班次: 'kind'
};
const KIND_WORDS: Record<string, ShiftKind> = { 白班: 'day', 夜班: 'night', 全天: 'full', 全日: 'full' };

export type ImportResult = { ok: true; imported: number } | { ok: false; errors: { row: number; message: string }[] };

/** A cell as text: a date cell as its China day, a number as written. */
function cellText(value: ExcelJS.CellValue): string {
	if (value instanceof Date) return new Date(value.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
	if (value && typeof value === 'object' && 'text' in value) return String(value.text);
	if (value && typeof value === 'object' && 'result' in value) return String(value.result ?? '');
	return value === null || value === undefined ? '' : String(value);
}

/** `2026-10-01`, `2026/10/1` and `2026年10月1日` read as one day. */
function dayOf(text: string): string | null {
	const m = /^(20\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(text.trim());
	if (!m) return null;
	const day = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
	const d = new Date(`${day}T00:00:00Z`);
	return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day ? day : null;
}

/**
 * Reads the first sheet of `bytes` as rows of the unit's roster and, when every row holds, saves them all in one
 * transaction (a row overlapping a shift already there, or another row, is an error too).
 */
export async function importRoster(unitId: string, bytes: Buffer, actor: Actor): Promise<ImportResult> {
	if (!isAdmin(actor.roles)) throw forbidden();
	const people = await dutyCandidates(unitId, actor);
	const byName = new Map<string, string[]>();
	for (const p of people) byName.set(p.name, [...(byName.get(p.name) ?? []), p.id]);

	const book = new ExcelJS.Workbook();
	try {
		await book.xlsx.load(bytes as unknown as ArrayBuffer);
	} catch {
		return { ok: false, errors: [{ row: 0, message: t('duty.import_unreadable') }] };
	}
	const sheet = book.worksheets[0];
	if (!sheet) return { ok: false, errors: [{ row: 0, message: t('duty.import_unreadable') }] };
	const columns = new Map<number, (typeof HEADERS)[string]>();
	sheet.getRow(1).eachCell((cell, col) => {
		const field = HEADERS[cellText(cell.value).trim()];
		if (field) columns.set(col, field);
	});
	if (![...columns.values()].includes('day') || ![...columns.values()].includes('officers'))
		return { ok: false, errors: [{ row: 1, message: t('duty.import_headers') }] };
	if (sheet.rowCount - 1 > IMPORT_MAX_ROWS) return { ok: false, errors: [{ row: 0, message: t('duty.import_too_many', { max: IMPORT_MAX_ROWS }) }] };

	const errors: { row: number; message: string }[] = [];
	const shifts: { row: number; startsAt: Date; endsAt: Date; officerIds: string[]; leaderId: string | null; phone: string | null }[] = [];
	const personOf = (row: number, name: string): string | null => {
		const ids = byName.get(name) ?? [];
		if (ids.length === 1) return ids[0]!;
		errors.push({ row, message: t(ids.length ? 'duty.import_name_twice' : 'duty.import_unknown_person', { name }) });
		return null;
	};
	for (let r = 2; r <= sheet.rowCount; r++) {
		const cells: Partial<Record<(typeof HEADERS)[string], string>> = {};
		sheet.getRow(r).eachCell((cell, col) => {
			const field = columns.get(col);
			if (field) cells[field] = cellText(cell.value).replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim().slice(0, 200);
		});
		if (!Object.values(cells).some(Boolean)) continue;
		const before = errors.length;
		const day = dayOf(cells.day ?? '');
		if (!day) errors.push({ row: r, message: t('duty.import_bad_day', { value: cells.day ?? '' }) });
		const kind = cells.kind ? KIND_WORDS[cells.kind] : 'full';
		if (!kind || !SHIFT_KINDS.includes(kind)) errors.push({ row: r, message: t('duty.import_bad_kind', { value: cells.kind ?? '' }) });
		const officerIds = (cells.officers ?? '')
			.split(/[、,，;；\s]+/)
			.filter(Boolean)
			.map((name) => personOf(r, name));
		const leaderId = cells.leader ? personOf(r, cells.leader) : null;
		const phone = cells.phone || null;
		if (phone && !/^[0-9+()\- ]{3,30}$/.test(phone)) errors.push({ row: r, message: t('duty.import_bad_phone', { value: phone }) });
		if (!officerIds.length && !cells.leader) errors.push({ row: r, message: t('duty.import_nobody') });
		if (errors.length > before || !day || !kind) continue;
		const times = shiftTimes(day, kind);
		shifts.push({ row: r, startsAt: new Date(times.startsAt), endsAt: new Date(times.endsAt), officerIds: officerIds as string[], leaderId, phone });
	}
	if (!shifts.length && !errors.length) errors.push({ row: 0, message: t('duty.import_empty') });
	for (const [i, a] of shifts.entries()) {
		const other = shifts.slice(0, i).find((b) => a.startsAt < b.endsAt && a.endsAt > b.startsAt);
		if (other) errors.push({ row: a.row, message: t('duty.import_overlap_row', { other: other.row }) });
	}
	if (errors.length) return { ok: false, errors: errors.sort((a, b) => a.row - b.row) };

	return sql.begin(async (tx) => {
		const clashes = await tx<{ i: number }[]>`
			select x.i from unnest(${shifts.map((s) => s.startsAt.toISOString())}::timestamptz[], ${shifts.map((s) => s.endsAt.toISOString())}::timestamptz[]) with ordinality as x(s, e, i)
			where exists (select 1 from duty_shifts d where d.unit_id = ${unitId} and d.starts_at < x.e and d.ends_at > x.s)`;
		if (clashes.length) return { ok: false as const, errors: clashes.map((c) => ({ row: shifts[Number(c.i) - 1]!.row, message: t('duty.import_overlap') })) };
		for (const s of shifts) {
			await tx`
				insert into duty_shifts (unit_id, starts_at, ends_at, officer_ids, leader_id, phone, created_by)
				values (${unitId}, ${s.startsAt}, ${s.endsAt}, ${s.officerIds}::uuid[], ${s.leaderId}, ${s.phone}, ${actor.personId})`;
		}
		await audit(tx, actor, { action: 'duty.roster_imported', entity: 'unit', entityId: unitId, after: { shifts: shifts.length } });
		return { ok: true as const, imported: shifts.length };
	});
}
