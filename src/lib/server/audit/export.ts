// The audit log taken out: CSV (UTF-8 with a byte-order mark, as Excel and WPS open it) or XLSX (exceljs, written as
// it streams), each row with its seal, and a sheet that says what was asked, by whom, and the chain's head then.
import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { t } from '../../i18n/index.ts';
import { formatDateTime } from '../../time.ts';
import { auditQuery } from '../../audit-query.ts';
import { isAuditor, type Role } from '../../roles.ts';
import { sql, type Tx } from '../db.ts';
import { audit, auditRefusal, type Actor } from './log.ts';
import { auditFilter, exportColumns, exportRows, type AuditFilter } from './records.ts';

export type ExportFormat = 'csv' | 'xlsx';

/** The last seal when the export began: `序号:哈希`, what `npm run audit:verify --anchor=` takes back. */
export async function chainHead(db: Tx): Promise<string | null> {
	const [head] = await db<{ seq: string; hash: string }[]>`select seq::text, hash from audit_seals order by seq desc limit 1`;
	return head ? `${head.seq}:${head.hash}` : null;
}

// A cell a spreadsheet would take for a formula (=, +, -, @, or a tab or return first) is written as text.
const FORMULA_START = /^[=+\-@\t\r]/;
const safeCell = (v: string) => (FORMULA_START.test(v) ? `'${v}` : v);

function csvLine(cells: string[]): string {
	return cells.map((c) => {
		const v = safeCell(c);
		return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
	}).join(',') + '\r\n';
}

async function* csv(rows: AsyncIterable<string[]>): AsyncGenerator<string> {
	yield '\uFEFF' + csvLine(exportColumns());
	for await (const row of rows) yield csvLine(row);
}

/** The workbook, written row by row into a stream: memory stays flat however many rows. */
function xlsx(rows: AsyncIterable<string[]>, about: [string, string][]): Readable {
	const out = new PassThrough();
	const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
	void (async () => {
		const sheet = book.addWorksheet(t('audit.records_sheet'));
		sheet.addRow(exportColumns()).commit();
		for await (const row of rows) sheet.addRow(row.map(safeCell)).commit();
		sheet.commit();
		const info = book.addWorksheet(t('audit.about_sheet'));
		for (const line of about) info.addRow(line).commit();
		info.commit();
		await book.commit();
	})().catch((error: unknown) => out.destroy(error as Error));
	return out;
}

/** The body of an export: the rows that match `filter`, newest first, with the facts of the export itself. */
export function exportBody(db: Tx, format: ExportFormat, filter: AuditFilter, facts: { by: string; at: Date; anchor: string | null }): ReadableStream<Uint8Array> {
	const rows = exportRows(db, filter, null);
	const about: [string, string][] = [
		[t('audit.about_by'), facts.by],
		[t('audit.about_at'), formatDateTime(facts.at)],
		[t('audit.about_filter'), JSON.stringify(filter)],
		[t('audit.anchor'), facts.anchor ?? ''],
		[t('audit.about_check'), t('audit.about_check_how')]
	];
	const node = format === 'csv' ? Readable.from(csv(rows)) : xlsx(rows, about);
	return Readable.toWeb(node) as ReadableStream<Uint8Array>;
}

const exportType: Record<ExportFormat, string> = {
	csv: 'text/csv; charset=utf-8',
	xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
};

/** Who reads the audit log: it spans the whole organisation, so the top office (or a system administrator), and the auditor. */
export const readsAuditLog = (actor: { isTopOffice: boolean; roles: readonly Role[] }): boolean => actor.isTopOffice || isAuditor(actor.roles);

const plain = (status: number, body: string) =>
	new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } });

/**
 * GET /admin/audit/records/export: the log as the viewer filters it (`query`, the screen's own address), as a file.
 * Only its readers get it; a refusal and every export are themselves in the log, the export with the chain's head.
 */
export async function exportResponse(actor: (Actor & { isTopOffice: boolean; roles: readonly Role[]; name: string }) | null, query: URLSearchParams): Promise<Response> {
	if (!actor) return plain(401, t('error.unauthorized'));
	if (!readsAuditLog(actor)) {
		await auditRefusal(sql, actor, { entity: 'audit.export', entityId: null, code: 'FORBIDDEN' });
		return plain(404, t('error.not_found'));
	}
	const parsed = auditFilter.safeParse(auditQuery(query));
	if (!parsed.success) return plain(400, parsed.error.issues[0]?.message ?? t('error.check_fields'));
	const format: ExportFormat = query.get('format') === 'xlsx' ? 'xlsx' : 'csv';
	const at = new Date();
	const anchor = await chainHead(sql);
	await audit(sql, actor, { action: 'audit.exported', entity: 'audit_log', after: { format, filter: parsed.data, anchor } });
	const day = at.toISOString().slice(0, 10);
	return new Response(exportBody(sql, format, parsed.data, { by: actor.name, at, anchor }), {
		headers: {
			'content-type': exportType[format],
			'content-disposition': `attachment; filename="audit-${day}.${format}"; filename*=UTF-8''${encodeURIComponent(`${t('audit.records_file')}-${day}.${format}`)}`,
			'cache-control': 'no-store'
		}
	});
}
